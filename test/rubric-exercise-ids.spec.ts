/**
 * Exercises keyed by the ids the course gives them (issue #10): 1, 2A, 2B, 3. Cells are found by id,
 * holds follow dependsOn by id, and everything a person reads says "Exercise 2A".
 */
import { regex } from '../src/grading/patterns.js';
import { locateExercises } from '../src/grading/evidence.js';
import { gradeDocument, type RubricResult } from '../src/grading/rubric.engine.js';
import { describeFlagForStaff } from '../src/grading/flag-wording.js';
import { formatTable } from '../src/cli/report-table.js';
import type { GradeReport } from '../src/grading/grade.types.js';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { type LoadedSpec, parseSpec } from '../src/specs/spec.loader.js';
import { HONEST, type HandedInExercise, LETTERED_SPEC, letteredNotebook, specWith } from './support/lettered-spec.js';

const spec: LoadedSpec = parseSpec(LETTERED_SPEC, 'lettered.yaml');

function grade(exercises: HandedInExercise[], loaded = spec): RubricResult {
  return gradeDocument(readNotebook(Buffer.from(letteredNotebook(exercises)), 'lettered.ipynb'), loaded);
}

const withExercise = (id: string, change: Partial<HandedInExercise>) =>
  HONEST.map((e) => (e.heading === id ? { ...e, ...change } : e));

describe('{n} in locate patterns stands for the id, as a literal', () => {
  const heading = spec.spec.locate.heading;

  it('matches "Exercise 2A:" for id 2A, and not for id 2', () => {
    expect(regex(heading, '2A').test('## Exercise 2A: Build the model')).toBe(true);
    expect(regex(heading, '2').test('## Exercise 2A: Build the model')).toBe(false);
    expect(regex(heading, '2').test('## Exercise 2: Build the model')).toBe(true);
    expect(regex(spec.spec.locate.comment, '2').test('# Exercise 2A')).toBe(false);
  });

  it('escapes an id: it is never read as regular-expression syntax', () => {
    expect(regex('Exercise {n}:', 'a-b').test('Exercise a-b:')).toBe(true);
    expect(regex('^Exercise {n}$', '1').test('Exercise 1')).toBe(true);
  });

  it('gives "Exercise 2:" and "Exercise 2A:" cells to exercises 2 and 2A, whichever the spec lists first', () => {
    const two = specWith(`  - id: "2"
    title: Two
    checks: [{ id: ex2.ran, kind: no_error, description: ran, points: 1 }]
  - id: 2A
    title: Two A
    checks: [{ id: ex2a.ran, kind: no_error, description: ran, points: 1 }]
`);
    const loaded = parseSpec(two, 'two.yaml');
    const document = readNotebook(
      Buffer.from(
        letteredNotebook([
          { heading: '2A', code: 'a = 1', output: 'a\n', executionCount: 1 },
          { heading: '2', code: 'b = 2', output: 'b\n', executionCount: 2 },
          { heading: null, code: '# Exercise 2A\nc = 3', output: 'c\n', executionCount: 3 },
        ]),
      ),
      'two.ipynb',
    );
    const located = locateExercises(document, loaded.spec);
    expect([...located.keys()]).toEqual(['2', '2A']);
    expect(located.get('2A')!.map((c) => c.source)).toEqual(['a = 1', '# Exercise 2A\nc = 3']);
    expect(located.get('2')!.map((c) => c.source)).toEqual(['b = 2']);
  });
});

describe('grading a spec with exercises 1, 2A, 2B, 3', () => {
  it('gives each exercise its id and leading number, and full marks for honest work', () => {
    const result = grade(HONEST);
    expect(result.exercises.map((e) => [e.id, e.number, e.status, e.score])).toEqual([
      ['1', 1, 'pass', 2],
      ['2A', 2, 'pass', 3],
      ['2B', 2, 'pass', 2],
      ['3', 3, 'pass', 3],
    ]);
    expect(result.score).toBe(10);
    expect(result.flags).toEqual([]);
    expect(result.holds).toEqual([]);
  });

  it('tells 2A and 2B apart in flags: the id beside the leading number', () => {
    const result = grade(withExercise('2B', { code: '# Insert your code for Exercise 2B here', output: null }));
    expect(result.flags).toEqual([{ name: 'exercise_missing', exercise: 2, exerciseId: '2B', detail: 'Exercise 2B is empty' }]);
    expect(result.exercises.find((e) => e.id === '2A')!.status).toBe('pass');
    expect(describeFlagForStaff(result.flags[0])).toMatch(/\(Exercise 2B\) Found: /);
  });

  it('holds 2A and what depends on it (2B, then 3 through 2B), in spec order, and words it by id', () => {
    const result = grade(withExercise('2A', { output: 'Model: ResNet50\n' }));
    expect(result.flags.map((f) => [f.name, f.exercise, f.exerciseId])).toEqual([['wrong_model', 2, '2A']]);
    expect(result.holds).toEqual([
      {
        flag: 'wrong_model',
        exercise: 2,
        exerciseId: '2A',
        exercises: [2, 2, 3],
        exerciseIds: ['2A', '2B', '3'],
        points: 5,
        detail: 'Exercise 2A raised wrong_model (printed "Model: ResNet50"): Exercises 2A, 2B, 3 held until staff review',
      },
    ]);
    const byId = new Map(result.exercises.map((e) => [e.id, e]));
    expect(byId.get('1')!.score).toBe(2);
    expect(byId.get('2B')!).toMatchObject({ score: 0, status: 'fail' });
    expect(byId.get('2B')!.notes).toEqual(['2 points withheld until staff review (wrong_model in Exercise 2A)']);
    expect(byId.get('3')!.checks[0]).toMatchObject({
      status: 'pass',
      points: 0,
      withheld: { points: 3, flag: 'wrong_model', reason: 'wrong_model in Exercise 2A' },
    });
  });

  it('says which exercise by id when one was run before the one before it', () => {
    const result = grade(withExercise('2B', { executionCount: 1 }).map((e) => (e.heading === '1' ? { ...e, executionCount: 0 } : e)));
    expect(result.exercises.find((e) => e.id === '2B')!.notes).toEqual(['run before Exercise 2A (In [1] < In [2])']);
  });

  it('puts the id in the CLI table', () => {
    const result = grade(withExercise('2A', { output: 'Model: ResNet50\n' }));
    const report: GradeReport = {
      file: 'lettered.ipynb', kind: 'ipynb', status: 'graded', sha256: 'a'.repeat(64),
      student: { email: 'x@gmail.com', verified: null }, spec: { id: 'lettered_ids', version: '1.0.0', hash: spec.hash },
      graderVersion: '0.1.0', score: result.score, maxScore: result.maxScore, preliminaries: [], exercises: result.exercises,
      flags: result.flags, holds: result.holds,
    };
    expect(formatTable([report])).toMatch(/wrong_model\(ex2A\) held\(5 pts\)/);
  });
});
