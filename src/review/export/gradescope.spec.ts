import { sampleReport, sha256Of } from '../../../test/support/grade-report.fixture.js';
import { type ExportCheck, formatGradescopeResults } from './gradescope.js';

const report = sampleReport(sha256Of('file'));
const plain = (check: (typeof report.preliminaries)[number]): ExportCheck => ({ ...check, override: null });

describe('Gradescope results.json', () => {
  const exercises = report.exercises.map((e) => ({ id: e.id, number: e.number, title: e.title, checks: e.checks.map(plain) }));
  exercises[2].checks[1] = {
    ...exercises[2].checks[1],
    hint: 'Print the output.',
    override: { points: 1, reason: 'output visible in the PDF', who: 'prof@utsa.edu' },
  };
  const results = formatGradescopeResults({
    submissionId: 's1',
    report,
    preliminaries: report.preliminaries.map(plain),
    exercises,
    score: 6,
    gradedAt: new Date('2026-11-26T12:00:00Z'),
  });

  it('has the top-level score and output, and one test per check with Gradescope\'s fields', () => {
    expect(results.score).toBe(6);
    expect(results.output).toBe(
      'student.ipynb: 6 / 6 points.\nGraded 2026-11-26T12:00:00.000Z by rubric class_06_2 1.0.0 (grader 0.1.0).\n' +
        'Flags:\n- seed_is_42 (Exercise 3): np.random.seed(42) as in the lesson',
    );
    expect(results.tests).toHaveLength(8);
    for (const test of results.tests) {
      expect(Object.keys(test).sort()).toEqual(['max_score', 'name', 'number', 'output', 'score', 'status', 'visibility']);
      expect(test.visibility).toBe('visible');
    }
    expect(results.tests[0]).toEqual({
      name: 'Before the exercises: check identity.gmail [identity.gmail]',
      number: '0.1',
      score: 0,
      max_score: 0,
      status: 'passed',
      output: 'saw identity.gmail',
      visibility: 'visible',
    });
    // A skipped check worth nothing is informational: passed.
    expect(results.tests[1]).toMatchObject({ number: '0.2', status: 'passed' });
    expect(results.extra_data).toEqual({
      submission_id: 's1',
      spec_id: 'class_06_2',
      spec_version: '1.0.0',
      spec_hash: report.spec.hash,
      grader_version: '0.1.0',
      flags: ['seed_is_42'],
    });
  });

  it('shows an override in the test: effective points, status from them, the original in the output', () => {
    expect(results.tests[7]).toEqual({
      name: 'Exercise 3: check ex3.output [ex3.output]',
      number: '3.2',
      score: 1,
      max_score: 1,
      status: 'passed',
      output: 'saw ex3.output\nPoints changed by prof@utsa.edu from 0 to 1: output visible in the PDF',
      visibility: 'visible',
    });
  });

  it('a failed check shows its hint', () => {
    const failed = formatGradescopeResults({
      submissionId: 's1',
      report,
      preliminaries: [],
      exercises: [{ id: '3', number: 3, title: 'x', checks: [{ ...report.exercises[2].checks[1], hint: 'Print it.', override: null }] }],
      score: 0,
      gradedAt: new Date(0),
    });
    expect(failed.tests[0]).toMatchObject({ status: 'failed', score: 0, max_score: 1, output: 'saw ex3.output\nHint: Print it.' });
  });

  it('numbers and names tests and flags by the exercise id ("Exercise 2A"); a flag stored before ids by its number', () => {
    const lettered = formatGradescopeResults({
      submissionId: 's1',
      report: {
        ...report,
        flags: [
          { name: 'seed_is_42', exercise: 2, exerciseId: '2A', detail: 'seed 42' },
          { name: 'error_output', exercise: 3, detail: 'stored before ids' } as (typeof report.flags)[number],
        ],
      },
      preliminaries: [],
      exercises: [{ id: '2A', number: 2, title: 'x', checks: [plain(report.exercises[1].checks[0])] }],
      score: 1,
      gradedAt: new Date(0),
    });
    expect(lettered.tests[0]).toMatchObject({ number: '2A.1', name: 'Exercise 2A: check ex2.ran [ex2.ran]' });
    expect(lettered.output).toContain('- seed_is_42 (Exercise 2A): seed 42\n- error_output (Exercise 3): stored before ids');
  });
});
