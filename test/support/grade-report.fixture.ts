/** A small, valid GradeReport: 2 preliminary checks, 3 exercises of 2 checks each (8 checks). */
import { createHash } from 'node:crypto';
import type { CheckResult, GradeReport } from '../../src/grading/grade.types.js';

export function sha256Of(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function check(id: string, status: CheckResult['status'], points: number, maxPoints: number): CheckResult {
  return { id, description: `check ${id}`, status, points, maxPoints, evidence: `saw ${id}` };
}

export function sampleReport(fileSha256: string, spec: { version?: string; hash?: string } = {}): GradeReport {
  const exercises = [1, 2, 3].map((number) => ({
    id: String(number),
    number,
    title: `Exercise ${number}`,
    score: number === 3 ? 1 : 2,
    maxScore: 2,
    status: number === 3 ? ('partial' as const) : ('pass' as const),
    cells: [number * 10],
    notes: [],
    checks: [
      check(`ex${number}.ran`, 'pass', 1, 1),
      number === 3 ? check('ex3.output', 'fail', 0, 1) : check(`ex${number}.output`, 'pass', 1, 1),
    ],
  }));
  return {
    file: 'student.ipynb',
    kind: 'ipynb',
    status: 'graded',
    sha256: fileSha256,
    student: { email: 'student@gmail.com', verified: null },
    spec: { id: 'class_06_2', version: spec.version ?? '1.0.0', hash: spec.hash ?? sha256Of('spec-1') },
    graderVersion: '0.1.0',
    score: 5,
    maxScore: 6,
    preliminaries: [check('identity.gmail', 'pass', 0, 0), check('runtime.gpu', 'skip', 0, 0)],
    exercises,
    flags: [{ name: 'seed_is_42', exercise: 3, exerciseId: '3', detail: 'np.random.seed(42) as in the lesson' }],
  };
}
