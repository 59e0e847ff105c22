import type { CheckResult, GradeReport } from '../../grading/grade.types.js';
import { type CurrentGrade, isStale, REGRADE_STALE_MS, regradeOutcome, summarizeRegrade } from './regrade.js';

const check = (id: string, status: CheckResult['status'], points: number, maxPoints: number): CheckResult => ({
  id,
  description: id,
  status,
  points,
  maxPoints,
  evidence: '',
});

function report(checks: CheckResult[]): GradeReport {
  const exerciseChecks = checks.filter((c) => c.id.startsWith('ex1.'));
  const score = checks.reduce((t, c) => t + c.points, 0);
  return {
    file: 'a.ipynb',
    kind: 'ipynb',
    status: 'graded',
    sha256: 'a'.repeat(64),
    student: { email: null, verified: null },
    spec: { id: 'class_06_2', version: '1.1.0', hash: 'b'.repeat(64) },
    graderVersion: '0.1.0',
    score,
    maxScore: checks.reduce((t, c) => t + c.maxPoints, 0),
    preliminaries: checks.filter((c) => !c.id.startsWith('ex1.')),
    exercises: [{ id: '1', number: 1, title: 'One', score: 0, maxScore: 0, status: 'pass', cells: [], notes: [], checks: exerciseChecks }],
    flags: [],
  };
}

const override = (points: number) => ({ id: `o-${points}`, points, reason: 'looked at it', who: 'prof@utsa.edu' });

function current(overrides: Record<string, number> = {}): CurrentGrade {
  const rows = [
    { checkId: 'identity.gmail', exerciseNumber: null, exerciseId: null, status: 'pass' as const, points: 5, maxPoints: 5 },
    { checkId: 'ex1.copied', exerciseNumber: 1, exerciseId: '1', status: 'pass' as const, points: 5, maxPoints: 5 },
    { checkId: 'ex1.shape', exerciseNumber: 1, exerciseId: '1', status: 'fail' as const, points: 0, maxPoints: 4 },
    { checkId: 'ex1.old', exerciseNumber: 1, exerciseId: '1', status: 'fail' as const, points: 0, maxPoints: 2 },
  ];
  return {
    gradeId: 'g1',
    score: 10,
    specVersion: '1.0.0',
    specHash: 'c'.repeat(64),
    checks: rows.map((r) => ({ ...r, override: r.checkId in overrides ? override(overrides[r.checkId]) : null })),
  };
}

describe('re-grade outcome', () => {
  const next = report([check('identity.gmail', 'pass', 5, 5), check('ex1.copied', 'pass', 8, 8), check('ex1.shape', 'fail', 0, 3)]);

  it('compares effective scores and lists the checks that changed, came or went', () => {
    const outcome = regradeOutcome(current(), next);
    expect(outcome).toMatchObject({ oldScore: 10, newScore: 13, maxScore: 16, changed: true });
    expect(outcome.diff.checks.map((c) => [c.checkId, c.change])).toEqual([
      ['ex1.copied', 'changed'],
      ['ex1.shape', 'changed'],
      ['ex1.old', 'removed'],
    ]);
    expect(outcome.diff).toMatchObject({
      oldSpec: { version: '1.0.0' },
      newSpec: { version: '1.1.0' },
      oldRawScore: 10,
      newRawScore: 13,
      carried: [],
      dropped: [],
    });
  });

  it('carries overrides to the same check when it can hold the points, and lists the others as dropped', () => {
    const outcome = regradeOutcome(current({ 'ex1.shape': 3, 'ex1.old': 2, 'identity.gmail': 0 }), next);
    expect(outcome.oldScore).toBe(10 + 3 + 2 - 5);
    expect(outcome.diff.carried.map((o) => [o.checkId, o.points])).toEqual([
      ['identity.gmail', 0],
      ['ex1.shape', 3],
    ]);
    expect(outcome.diff.dropped.map((o) => [o.checkId, o.why])).toEqual([['ex1.old', 'the new spec has no such check']]);
    expect(outcome.newScore).toBe(13 - 5 + 3);

    const tooMany = regradeOutcome(current({ 'ex1.shape': 4 }), next);
    expect(tooMany.diff.dropped[0].why).toBe('the check is now worth 3 points, less than the 4 given');
  });

  it('is unchanged when nothing moves; a first grading has no old score', () => {
    const same = report([check('identity.gmail', 'pass', 5, 5), check('ex1.copied', 'pass', 5, 5)]);
    const grade: CurrentGrade = { ...current(), score: 10, checks: current().checks.slice(0, 2) };
    expect(regradeOutcome(grade, same)).toMatchObject({ changed: false, oldScore: 10, newScore: 10 });
    expect(regradeOutcome(null, same)).toMatchObject({ changed: true, oldScore: null, newScore: 10 });
  });
});

describe('re-grade summary and staleness', () => {
  it('counts changed, unchanged and failed students and the mean change', () => {
    const summary = summarizeRegrade([
      { oldScore: 90, newScore: 93, changed: true, error: null },
      { oldScore: 80, newScore: 78, changed: true, error: null },
      { oldScore: 70, newScore: 70, changed: false, error: null },
      { oldScore: null, newScore: null, changed: true, error: 'file gone' },
    ]);
    expect(summary).toEqual({ students: 4, changed: 2, unchanged: 1, failed: 1, raised: 1, lowered: 1, meanDelta: 0.333 });
    expect(summarizeRegrade([]).meanDelta).toBeNull();
  });

  it('an evaluation that stopped beating is stale; other states never are', () => {
    const now = new Date();
    const old = new Date(now.getTime() - REGRADE_STALE_MS - 1);
    expect(isStale({ status: 'evaluating', heartbeatAt: old }, now)).toBe(true);
    expect(isStale({ status: 'evaluating', heartbeatAt: now }, now)).toBe(false);
    expect(isStale({ status: 'pending', heartbeatAt: old }, now)).toBe(false);
  });
});
