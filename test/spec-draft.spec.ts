import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { gradeDocument } from '../src/grading/rubric.engine.js';
import { DraftError, draftLesson } from '../src/specs/draft/draft-lesson.js';
import { outlineLesson } from '../src/specs/draft/lesson-outline.js';
import { parseSpec } from '../src/specs/spec.loader.js';
import { SpecRegistry } from '../src/specs/spec.registry.js';
import { lesson, run } from './support/course-lesson.js';

/**
 * `npm run spec -- draft` on lessons written in the course's style (support/course-lesson.ts): what
 * the draft finds in the lesson, what it grades, how a run corrects it, and how recognition tells
 * lessons apart. The course's own lessons are proven in course-specs.spec.ts.
 */
let dir: string;
const write = async (name: string, text: string) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};
const read = (text: string, name = 'hand-in.ipynb') => readNotebook(Buffer.from(text), name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spec-draft-'));
});

describe('the outline of a lesson', () => {
  const outline = () => outlineLesson(read(lesson(), 'Class_09_1.ipynb'));

  it('finds the exercises by their headings, lettered ids included, and what each should print', () => {
    const { exercises } = outline();
    expect(exercises.map((e) => [e.id, e.title])).toEqual([
      ['1', 'Assign a String to a Variable'],
      ['2A', 'Train the Network'],
      ['2B', 'Plot the Training Curves'],
      ['3', 'Set a Variable'],
    ]);
    expect(exercises[0].expected).toEqual([
      expect.objectContaining({ match: 'exact', lines: ['The variable `var2` is assigned to the string Francis Crick'] }),
    ]);
    expect(exercises[1].expected[0]).toMatchObject({ match: 'similar' });
    expect(exercises[3].expected).toEqual([]);
  });

  it('sees a figure where the lesson shows one or the paired Example draws one', () => {
    const figure = Object.fromEntries(outline().exercises.map((e) => [e.id, e.figure]));
    expect(figure).toEqual({ '1': false, '2A': false, '2B': true, '3': false });
  });

  it('finds the identity and GPU cells, the badge, the marker and the topic', () => {
    expect(outline()).toMatchObject({
      identityCell: '# You must run this cell first',
      gpuCell: '# @title Accelerated Run-time Check',
      badgeFile: 'Class_09_1.ipynb',
      marker: 'BIO1173_CLASS_09_1:Rev 2',
      title: 'Class_09_1: Strings and Training Curves',
      style: 'exercise',
    });
  });
});

describe('a drafted spec', () => {
  it('loads, names the lesson revision, and grades the blank lesson all missing', async () => {
    const drafted = await draftLesson(await write('Class_09_1.ipynb', lesson()), []);
    expect(drafted).toMatchObject({ id: 'class_09_1_rev2', revision: 'rev2', folder: 'class_09_1_rev2', exercises: 4 });
    expect(drafted.yaml).toMatch(/^# Drafted by `npm run spec -- draft` from the lesson Class_09_1\.ipynb\./);
    expect(drafted.yaml).toMatch(/Not checked against any executed run/);
    const spec = parseSpec(drafted.yaml, 'draft.yaml');
    const blank = gradeDocument(read(lesson()), spec);
    expect(blank.exercises.map((e) => e.status)).toEqual(['missing', 'missing', 'missing', 'missing']);
    expect(blank.score).toBe(0);
    expect(blank.maxScore).toBe(45);
  });

  it('grades a complete run full marks, a wrong line and a traceback as what they are', async () => {
    const spec = parseSpec((await draftLesson(await write('Class_09_1.ipynb', lesson()), [])).yaml, 'draft.yaml');
    const good = gradeDocument(read(run({})), spec);
    expect(good.exercises.map((e) => `${e.id}:${e.status}`)).toEqual(['1:pass', '2A:pass', '2B:pass', '3:pass']);
    expect(good.email).toBeNull();
    const wrong = gradeDocument(read(run({ exercise1Prints: 'The variable var2 is assigned to the string Rosalind Franklin', errors: { '2B': "name 'plt' is not defined" } })), spec);
    const ex1 = wrong.exercises[0];
    expect(ex1.status).toBe('partial');
    expect(ex1.checks.find((c) => c.id === 'ex1.output')?.evidence).toMatch(
      /0 of 1 expected line found .*not found: "The variable `var2` is assigned to the string Francis Crick"; the cell printed "The variable var2 is assigned to the string Rosalind Franklin"/,
    );
    expect(wrong.exercises[2]).toMatchObject({ id: '2B', status: 'fail' });
    expect(wrong.flags).toContainEqual(expect.objectContaining({ name: 'error_output', exerciseId: '2B' }));
    const partial = gradeDocument(read(run({ done: ['1', '3'] })), spec);
    expect(partial.exercises.map((e) => e.status)).toEqual(['pass', 'missing', 'missing', 'pass']);
    expect(partial.exercises[1].checks[0]).toMatchObject({ evidence: 'Exercise 2A is empty', hint: 'Write your code for Exercise 2A in its cell, run it, and save the notebook.' });
  });

  it('is corrected by a run that completed the exercise and printed otherwise, and says so', async () => {
    const otherwise = await write('run.ipynb', run({ exercise1Prints: "The variable 'var2' holds Francis Crick" }));
    const drafted = await draftLesson(await write('Class_09_1.ipynb', lesson()), [otherwise]);
    expect(drafted.yaml).toMatch(/Checked against the instructor's run\(s\): run\.ipynb\./);
    expect(drafted.yaml).toMatch(/# run\.ipynb: printed little of what the lesson shows for ex1\.output \(0%\): check dropped \(6 points moved to running cleanly\)/);
    const spec = parseSpec(drafted.yaml, 'draft.yaml');
    expect(spec.spec.exercises[0].checks.map((c) => [c.id, c.points])).toEqual([['ex1.ran', 10]]);
    expect(gradeDocument(read(await readFile(otherwise, 'utf8')), spec).exercises[0].status).toBe('pass');
  });

  it('refuses a notebook that has no exercises, naming the file', async () => {
    const path = await write('notes.ipynb', JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', source: '# Notes', metadata: {} }] }));
    await expect(draftLesson(path, [])).rejects.toThrow(DraftError);
    await expect(draftLesson(path, [])).rejects.toThrow(/notes\.ipynb: no exercise headings found/);
    await expect(draftLesson(join(dir, 'absent.ipynb'), [])).rejects.toThrow(/absent\.ipynb: cannot read \(ENOENT\)/);
  });
});

describe('recognition among lessons', () => {
  async function registryOf(...lessons: { name: string; text: string; revision: string }[]) {
    const specs = [];
    for (const { name, text, revision } of lessons) {
      const drafted = await draftLesson(await write(name, text), [], { revision });
      specs.push(parseSpec(drafted.yaml, `${drafted.folder}/spec.yaml`));
    }
    return SpecRegistry.of(specs);
  }

  it('tells two revisions apart by an exercise heading', async () => {
    const registry = await registryOf(
      { name: 'Class_09_1.ipynb', text: lesson(), revision: 'rev2' },
      { name: 'Class_09_1.ipynb', text: lesson({ exercise3Title: 'Print the Variable' }), revision: 'rev3' },
    );
    expect(registry.recognise(read(run({}))).spec?.spec.id).toBe('class_09_1_rev2');
    expect(registry.recognise(read(run({ exercise3Title: 'Print the Variable' }))).spec?.spec.id).toBe('class_09_1_rev3');
  });

  it('does not guess between two copies of a lesson that read the same, unless the hand-in names one', async () => {
    const registry = await registryOf(
      { name: 'Class_09_1.ipynb', text: lesson({ file: 'Class_09_1.ipynb' }), revision: 'rev2' },
      { name: 'BIO1173_Class_09_1.ipynb', text: lesson({ file: 'BIO1173_Class_09_1.ipynb' }), revision: 'rev1' },
    );
    // The badge tells them apart when the hand-in keeps it…
    expect(registry.recognise(read(run({ file: 'BIO1173_Class_09_1.ipynb' }))).spec?.spec.id).toBe('bio1173_class_09_1_rev1');
    // …and nothing does when it does not (a copy saved without its first cell).
    const copy = JSON.parse(run({})) as { cells: unknown[] };
    copy.cells.shift();
    const handIn = read(JSON.stringify(copy));
    const recognition = registry.recognise(handIn);
    expect(recognition.spec).toBeNull();
    expect((recognition as { reason: string }).reason).toMatch(
      /^cannot tell which lesson this is: it fits \S+ \("[^"]+"\) and \S+ \("[^"]+"\) equally \(4 exercise heading\(s\) of each\); hand it in for the assignment it belongs to$/,
    );
    expect(registry.recognise(handIn, { assignment: 'bio1173_class_09_1_rev1' }).spec?.spec.id).toBe('bio1173_class_09_1_rev1');
    expect(registry.recognise(handIn, { assignment: 'class_09_1_rev2' }).spec?.spec.id).toBe('class_09_1_rev2');
  });

  it('rejects a notebook of no known lesson, saying how close the nearest came', async () => {
    const registry = await registryOf({ name: 'Class_09_1.ipynb', text: lesson(), revision: 'rev2' });
    const other = read(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', source: '## **Exercise 1: Something Else**', metadata: {} }] }));
    expect(registry.recognise(other)).toEqual({
      spec: null,
      reason: expect.stringMatching(/^not a hand-in this grader knows: no grading spec recognises it \(the closest, class_09_1_rev2 \("Class_09_1: Strings and Training Curves"\), has 4 exercise headings; the hand-in shows 0\)$/),
    });
  });
});
