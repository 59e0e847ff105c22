/**
 * Class_06_2 verdicts an instructor would sign (issue #12): no false accusations, no cheap passes.
 * Each hand-in is built from the lesson notebook (test/fixtures) the way a student really hands it in.
 */
import { gradeDocument, type RubricResult } from '../src/grading/rubric.engine.js';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { type LoadedSpec, loadSpecFile } from '../src/specs/spec.loader.js';
import { buildSubmission, FIXTURE_VARIANTS, notebookText, type SubmissionOptions } from './fixtures/submissions.js';

let spec: LoadedSpec;
beforeAll(async () => {
  spec = await loadSpecFile('grading-specs/class_06_2.yaml');
});

function grade(options: Partial<SubmissionOptions>): RubricResult {
  const notebook = buildSubmission(options);
  return gradeDocument(readNotebook(Buffer.from(notebookText(notebook)), 'fixture.ipynb'), spec);
}

const flags = (result: RubricResult) => result.flags.map((f) => `${f.name}${f.exercise ? `@${f.exercise}` : ''}`).sort();
const check = (result: RubricResult, id: string) =>
  [...result.preliminaries, ...result.exercises.flatMap((e) => e.checks)].find((c) => c.id === id)!;
const exercise = (result: RubricResult, n: number) => result.exercises.find((e) => e.number === n)!;

describe('the seed is the value the code computes', () => {
  it('reads `seed_val = 6*7` as seed 42: the example seed, not an edited output', () => {
    const result = grade({ email: 'sam.ortiz@gmail.com', seed: 42, seedCode: '6*7' });
    expect(flags(result)).toEqual(['seed_is_42@7']);
    expect(check(result, 'ex7.seed_changed')).toMatchObject({ status: 'fail', points: 0 });
    expect(check(result, 'ex7.reproduced').status).toBe('pass');
  });

  it('gives an honest `seed_val = 2000 + 24` full marks with no flag', () => {
    const result = grade({ email: 'sam.ortiz@gmail.com', seed: 2024, seedCode: '2000 + 24' });
    expect(flags(result)).toEqual([]);
    expect(result.score).toBe(100);
    expect(check(result, 'ex7.seed_changed').evidence).toMatch(/^seed 2024 /);
  });

  it('falls back to the printed seed, without an accusation, when the code cannot be evaluated', () => {
    const result = grade({ email: 'sam.ortiz@gmail.com', seed: 2024, seedCode: 'int(os.environ.get("MY_SEED", 2024))' });
    expect(flags(result)).toEqual([]);
    expect(result.score).toBe(100);
  });

  it('still flags a code seed that truly contradicts what was printed', () => {
    // The code sets 7 now; the output (values and all) is seed 2024's: the outputs are not this code's.
    const result = grade({ email: 'sam.ortiz@gmail.com', seed: 2024, seedCode: '3 + 4' });
    expect(flags(result)).toContain('outputs_inconsistent@7');
    expect(result.flags.find((f) => f.name === 'outputs_inconsistent')?.detail).toBe('the code now sets 7 but the output says 2024');
  });
});
