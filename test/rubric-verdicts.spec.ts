/**
 * Class_06_2 verdicts an instructor would sign (issue #12): no false accusations, no cheap passes.
 * Each hand-in is built from the lesson notebook (test/fixtures) the way a student really hands it in.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GradeReport } from '../src/grading/grade.types.js';
import type { RubricResult } from '../src/grading/rubric.engine.js';
import { SubmissionGrader } from '../src/grading/submission-grader.js';
import { applyIdentity } from '../src/identity/identity-match.js';
import { type LoadedSpec, loadSpecFile } from '../src/specs/spec.loader.js';
import { gradeFixture } from './support/grade-fixture.js';
import { SpecRegistry } from '../src/specs/spec.registry.js';
import { buildSubmission, FIXTURE_VARIANTS, notebookText, type SubmissionOptions } from './fixtures/submissions.js';

let spec: LoadedSpec;
beforeAll(async () => {
  spec = await loadSpecFile('grading-specs/class_06_2.yaml');
});

function grade(options: Partial<SubmissionOptions>): RubricResult {
  return gradeFixture(spec, options);
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

describe('a hand-in built on another model than the lesson\'s', () => {
  // Exercise 1 copies the example's ResNet50_model_244.pth and Exercise 2 recreates ResNet50;
  // Exercises 3-10 then run, correctly, on that model.
  let result: RubricResult;
  beforeAll(() => {
    result = grade({ email: 'kim.wrongmodel@gmail.com', seed: 2024, exampleModel: true });
  });

  it('raises wrong_model where it loads and recreates the other model', () => {
    expect(flags(result)).toEqual(['wrong_model@1', 'wrong_model@2']);
    expect(result.flags.find((f) => f.name === 'wrong_model' && f.exercise === 2)?.detail).toContain('Recreating ResNet50 architecture');
  });

  it('withholds the points of the exercises that depend on it until staff look', () => {
    for (const n of [3, 4, 5, 6, 7, 8, 9, 10]) {
      expect([n, exercise(result, n).score]).toEqual([n, 0]);
      expect(exercise(result, n).notes.join(' ')).toMatch(/withheld until staff review/);
    }
    // The checks themselves say what was seen: they pass, and the points wait.
    expect(check(result, 'ex7.reproduced')).toMatchObject({ status: 'pass', points: 0, withheld: { points: 3, flag: 'wrong_model' } });
    expect(result.holds.map((h) => [h.flag, h.exercise, h.exercises])).toEqual([
      ['wrong_model', 1, [1, 3, 4, 5, 6, 7, 8, 9, 10]],
      ['wrong_model', 2, [2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ]);
    expect(result.score).toBe(10); // identity and runtime only, until staff look
    // What it would score without the holds: the 12 points the other model cost in Exercises 1-3.
    expect(result.score + result.holds.reduce((n, h) => n + h.points, 0)).toBe(88);
  });

  it('leaves a hand-in on the lesson\'s model alone', () => {
    const good = grade(FIXTURE_VARIANTS.good);
    expect(good.holds).toEqual([]);
    expect(good.score).toBe(100);
  });
});

describe('code-only checks pay only when the cell ran', () => {
  it('gives a notebook saved with outputs cleared no points, and raises gmail_missing', () => {
    const result = grade({ email: 'ana.cleared@gmail.com', seed: 2024, clearedOutputs: true });
    for (const id of ['ex3.opset', 'ex3.dynamic_batch', 'ex7.seed_changed']) {
      expect(check(result, id)).toMatchObject({ status: 'fail', points: 0 });
      expect(check(result, id).evidence).toMatch(/never run/);
    }
    expect(result.score).toBe(0);
    expect(flags(result)).toContain('gmail_missing');
    expect(result.flags.find((f) => f.name === 'gmail_missing')?.detail).toMatch(/never run/);
  });

  it('still pays them when the cell ran', () => {
    const result = grade(FIXTURE_VARIANTS.good);
    for (const id of ['ex3.opset', 'ex3.dynamic_batch', 'ex7.seed_changed']) expect(check(result, id).status).toBe('pass');
  });
});

describe('a detected fabrication never scores better than the honest mistake it hides', () => {
  it('withholds Exercise 7 when its printed values contradict the printed seed', () => {
    const honest = grade(FIXTURE_VARIANTS.seed42);
    // The example's seed-42 values and labels pasted under a printed seed 2024.
    const faked = grade({ email: 'rob.paste@gmail.com', seed: 2024, printedValuesFrom: { seed: 42, size: 512 } });
    expect(flags(faked)).toEqual(['outputs_inconsistent@7', 'seed_is_42@7']);
    expect(faked.score).toBeLessThan(honest.score);
    expect(exercise(faked, 7).score).toBe(0);
    expect(check(faked, 'ex7.seed_changed')).toMatchObject({ status: 'pass', points: 0, withheld: { points: 4, flag: 'outputs_inconsistent' } });
    expect(faked.holds).toEqual([
      expect.objectContaining({ flag: 'outputs_inconsistent', exercise: 7, exercises: [7], points: 7 }),
    ]);
    expect(check(faked, 'ex7.seed_changed').evidence).toMatch(/4 points withheld until staff review/);
  });
});

describe('gmail_mismatch', () => {
  it('fails identity.gmail and holds the grade for staff review', async () => {
    const grader = new SubmissionGrader(SpecRegistry.of([spec]), { maxBytes: 100 * 1024 * 1024, pdfTimeoutMs: 30_000, maxPdfPages: 300 }, null, null);
    const bytes = Buffer.from(notebookText(buildSubmission({ email: 'friend.of.jane@gmail.com' })));
    const report = (await grader.evaluate({ path: 'x.ipynb', filename: 'x.ipynb', kind: 'ipynb', bytes })) as GradeReport;
    expect(report.score).toBe(100);
    const facts = { verifiedEmail: 'jane.student@gmail.com', onRoster: true };
    const mismatched = applyIdentity(report, facts);
    expect(mismatched.flags.map((f) => f.name)).toEqual(['gmail_mismatch']);
    const gmail = mismatched.preliminaries.find((c) => c.id === 'identity.gmail')!;
    expect(gmail).toMatchObject({ status: 'fail', points: 0, withheld: { points: 5, flag: 'gmail_mismatch' } });
    expect(gmail.evidence).toMatch(/submitted by jane\.student@gmail\.com/);
    expect(mismatched.score).toBe(95);
    expect(mismatched.holds).toEqual([expect.objectContaining({ flag: 'gmail_mismatch', exercise: null, exercises: [], points: 5 })]);
    // Applied again (a retried job), or with the right uploader, it is the same report / the original.
    expect(applyIdentity(mismatched, facts)).toEqual(mismatched);
    const matched = applyIdentity(mismatched, { verifiedEmail: 'friend.of.jane@gmail.com', onRoster: true });
    expect(matched.score).toBe(100);
    expect(matched.preliminaries.find((c) => c.id === 'identity.gmail')).toEqual(report.preliminaries.find((c) => c.id === 'identity.gmail'));
    expect(matched.holds ?? []).toEqual([]);
  });
});

describe("parity follows the lesson's np.allclose and float32's real tolerances", () => {
  it('accepts a truthful max difference of 2.3e-5 that the lesson\'s np.allclose(atol=1e-5) calls identical', () => {
    const result = grade({ email: 'lena.float32@gmail.com', seed: 2024, float32Drift: true });
    expect(check(result, 'ex5.identical').evidence).toContain('Results are effectively identical: True');
    expect(check(result, 'ex5.max_difference').evidence).toMatch(/"Max difference: {2}0\.00002289"/);
    expect(flags(result)).toEqual([]);
    expect(check(result, 'ex5.max_difference').status).toBe('pass');
    expect(result.score).toBe(100);
  });

  it('still fails and flags a difference no float32 arithmetic explains', () => {
    const result = grade(FIXTURE_VARIANTS.parityFailure);
    expect(check(result, 'ex5.max_difference')).toMatchObject({ status: 'fail', points: 0 });
    expect(check(result, 'ex5.max_difference').evidence).toMatch(/0\.35172606 > 0\.0001/);
    expect(flags(result)).toContain('parity_failed@5');
  });
});

describe('hand-ins are recognised by content whatever their extension', () => {
  it('grades a notebook saved by the browser as Class_06_2.ipynb.json, or renamed .txt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'verdicts-'));
    try {
      const grader = new SubmissionGrader(SpecRegistry.of([spec]), { maxBytes: 100 * 1024 * 1024, pdfTimeoutMs: 30_000, maxPdfPages: 300 }, null, null);
      const text = notebookText(buildSubmission(FIXTURE_VARIANTS.good));
      for (const name of ['Class_06_2.ipynb.json', 'Class_06_2.txt']) {
        await writeFile(join(dir, name), text);
        const report = await grader.gradeFile(join(dir, name));
        expect([name, report.status, report.kind, report.status === 'graded' ? report.score : report.error]).toEqual([name, 'graded', 'ipynb', 100]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
