/**
 * The Class_06_2 rubric on realistic hand-ins built from the lesson notebook: each variant's score,
 * exercise statuses and flags, as an instructor would expect them.
 */
import { gradeDocument, type RubricResult } from '../src/grading/rubric.engine.js';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { type LoadedSpec, loadSpecFile } from '../src/specs/spec.loader.js';
import { gradeFixture } from './support/grade-fixture.js';
import { buildSubmission, FIXTURE_VARIANTS, notebookText, type SubmissionOptions } from './fixtures/submissions.js';

let spec: LoadedSpec;
beforeAll(async () => {
  spec = await loadSpecFile('grading-specs/class_06_2.yaml');
});

function grade(options: Partial<SubmissionOptions>): RubricResult {
  return gradeFixture(spec, options);
}

const statuses = (result: RubricResult) => Object.fromEntries(result.exercises.map((e) => [e.number, e.status]));
const flags = (result: RubricResult) => result.flags.map((f) => `${f.name}${f.exercise ? `@${f.exercise}` : ''}`).sort();
const check = (result: RubricResult, id: string) =>
  [...result.preliminaries, ...result.exercises.flatMap((e) => e.checks)].find((c) => c.id === id)!;
const allPass = Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => [n, 'pass']));

describe('Class_06_2 rubric on realistic hand-ins', () => {
  it('gives a complete, honest hand-in full marks with the evidence quoted', () => {
    const result = grade(FIXTURE_VARIANTS.good);
    expect(result.score).toBe(100);
    expect(result.maxScore).toBe(100);
    expect(result.email).toBe('jane.student@gmail.com');
    expect(statuses(result)).toEqual(allPass);
    expect(flags(result)).toEqual([]);
    expect(check(result, 'runtime.device').evidence).toContain('Tesla T4');
    expect(check(result, 'ex5.max_difference').evidence).toContain('Max difference:  0.00000191');
    expect(check(result, 'ex7.reproduced').evidence).toMatch(/seed 123, 100×512×512×3: printed values and labels "\[2 3 3 0 4\]" are what numpy gives/);
    expect(check(result, 'ex10.speedup_consistent').evidence).toContain('pytorch_ms / onnx_ms = 1.27973');
  });

  it('flags seed 42 and withholds the seed points', () => {
    const result = grade(FIXTURE_VARIANTS.seed42);
    expect(result.score).toBe(96);
    expect(statuses(result)).toEqual({ ...allPass, 7: 'partial' });
    expect(flags(result)).toEqual(['seed_is_42@7']);
    expect(check(result, 'ex7.seed_changed')).toMatchObject({ status: 'fail', points: 0, hint: 'Set seed_val to any value except 42.' });
    // The data really is seed 42's: reproduction itself passes.
    expect(check(result, 'ex7.reproduced').status).toBe('pass');
  });

  it('marks Exercises 8-10 missing when their cells are the untouched template', () => {
    const result = grade(FIXTURE_VARIANTS.missing8to10);
    expect(result.score).toBe(70);
    expect(statuses(result)).toEqual({ ...allPass, 8: 'missing', 9: 'missing', 10: 'missing' });
    expect(flags(result)).toEqual(['exercise_missing@10', 'exercise_missing@8', 'exercise_missing@9']);
    expect(result.exercises[7].checks.every((c) => c.evidence === 'Exercise 8 is empty')).toBe(true);
    // The hint says what to do about a missing exercise, not what the checks' own hints say of a wrong one.
    expect(result.exercises[7].checks.every((c) => c.hint === 'Write your code for Exercise 8 in its cell, run it, and save the notebook.')).toBe(true);
  });

  it('flags a CPU runtime from the GPU check and from the ONNX execution provider', () => {
    const result = grade(FIXTURE_VARIANTS.cpuRuntime);
    expect(result.score).toBe(91);
    expect(check(result, 'runtime.gpu').evidence).toContain('"PyTorch GPU available: False"');
    expect(statuses(result)).toEqual({ ...allPass, 10: 'partial' });
    expect(flags(result)).toEqual(['cpu_runtime', 'cpu_runtime@10']);
  });

  it('flags 244 px used instead of 512 px wherever the shapes show it', () => {
    const result = grade(FIXTURE_VARIANTS.wrongResolution244);
    expect(result.score).toBe(90);
    expect(statuses(result)).toEqual({ ...allPass, 2: 'partial', 4: 'partial', 7: 'partial' });
    expect(flags(result)).toEqual(['wrong_resolution@2', 'wrong_resolution@4', 'wrong_resolution@7']);
    expect(check(result, 'ex4.input_shape').evidence).toContain('printed "Input Shape: [0, 3, 244, 244]"');
  });

  it('fails Exercise 5 when it stopped with a traceback, naming the exception', () => {
    const result = grade(FIXTURE_VARIANTS.tracebackEx5);
    expect(result.score).toBe(90);
    expect(statuses(result)).toEqual({ ...allPass, 5: 'fail' });
    expect(flags(result)).toEqual(['error_output@5']);
    expect(check(result, 'ex5.identical').evidence).toMatch(/the cell stopped with InvalidArgument: \[ONNXRuntimeError\]/);
    expect(result.flags[0].detail).not.toContain('\n');
  });

  it('flags a parity failure in Exercises 5, 8 and 9', () => {
    const result = grade(FIXTURE_VARIANTS.parityFailure);
    expect(result.score).toBe(76);
    expect(statuses(result)).toEqual({ ...allPass, 5: 'partial', 8: 'fail', 9: 'partial' });
    expect(flags(result)).toEqual(['parity_failed@5', 'parity_failed@8', 'parity_failed@9']);
    expect(check(result, 'ex5.max_difference').evidence).toContain('0.35172606 > 0.0001,');
  });

  it('catches seed 123 claimed while seed-42 values were printed, and holds Exercise 7 for staff', () => {
    const result = grade(FIXTURE_VARIANTS.editedSeedOutput);
    // A fabricated output scores no better than the honest seed 42 (96): Exercise 7's points wait for staff.
    expect(result.score).toBe(90);
    expect(statuses(result)).toEqual({ ...allPass, 7: 'fail' });
    expect(result.holds.map((h) => `${h.flag}@${h.exercise}:${h.points}`)).toEqual(['outputs_inconsistent@7:7']);
    expect(flags(result)).toEqual(['outputs_inconsistent@7', 'seed_is_42@7']);
    expect(check(result, 'ex7.reproduced').evidence).toMatch(/^printed sample values are those of seed 42, not of the claimed seed 123/);
  });

  it('reveals from the labels that 244 px data was generated while 512 px is printed', () => {
    const result = grade({ seed: 123, printedValuesFrom: { seed: 123, size: 244 } });
    expect(check(result, 'ex7.reproduced').status).toBe('fail');
    expect(check(result, 'ex7.reproduced').evidence).toMatch(/match 244×244 data, not the claimed 512×512/);
    expect(flags(result)).toContain('wrong_resolution@7');
  });
});

describe('how the notebook was run', () => {
  it('notes an exercise run before the one it builds on, and cells never run', () => {
    const notebook = buildSubmission(FIXTURE_VARIANTS.good) as { cells: { source: string | string[]; execution_count?: number | null; outputs?: unknown[] }[] };
    const text = (cell: { source: string | string[] }) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
    const ex8 = notebook.cells.find((c) => c.execution_count != null && /ex_pytorch_accuracy/.test(text(c)))!;
    ex8.execution_count = 3;
    const document = readNotebook(Buffer.from(notebookText(notebook)), 'reordered.ipynb');
    const result = gradeDocument(document, spec);
    expect(result.exercises[7].notes).toEqual([expect.stringMatching(/^run before Exercise 7 \(In \[3\] < In \[\d+\]\)$/)]);
    expect(result.score).toBe(100);
    expect(grade(FIXTURE_VARIANTS.good).exercises.every((e) => e.notes.length === 0)).toBe(true);
  });
});
