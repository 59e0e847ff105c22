import { activeOverride, effectiveExercise, effectiveScores, type ScoredCheck } from './effective.js';

const at = (ms: number) => new Date(1_780_000_000_000 + ms);
const override = (id: string, ms: number, revoked = false) => ({ id, createdAt: at(ms), revokedAt: revoked ? at(ms + 1) : null });
const check = (exerciseNumber: number | null, status: ScoredCheck['status'], points: number, maxPoints: number, overridePoints: number | null = null): ScoredCheck => ({
  exerciseNumber,
  exerciseId: exerciseNumber === null ? null : String(exerciseNumber),
  status,
  points,
  maxPoints,
  overridePoints,
});

describe('overrides in force', () => {
  it('the newest override not revoked wins; revoked ones are history', () => {
    expect(activeOverride([])).toBeNull();
    expect(activeOverride([override('a', 1), override('b', 5), override('c', 3)])?.id).toBe('b');
    expect(activeOverride([override('a', 1), override('b', 5, true)])?.id).toBe('a');
    expect(activeOverride([override('a', 1, true)])).toBeNull();
    // Same millisecond: the uuid v7 order decides.
    expect(activeOverride([override('0190-b', 2), override('0190-a', 2)])?.id).toBe('0190-b');
  });
});

describe('effective scores', () => {
  const exercise = { id: '3', number: 3, title: 'Convert', score: 6, maxScore: 10, status: 'partial' as const };

  it('change nothing without an override', () => {
    const checks = [check(3, 'pass', 6, 6), check(3, 'fail', 0, 4)];
    expect(effectiveExercise(exercise, checks)).toEqual({ ...exercise, originalScore: 6, originalStatus: 'partial', overridden: false });
  });

  it('replace a check\'s points, recompute the exercise status and keep the original beside it', () => {
    const full = effectiveExercise(exercise, [check(3, 'pass', 6, 6), check(3, 'fail', 0, 4, 4)]);
    expect(full).toMatchObject({ score: 10, status: 'pass', originalScore: 6, originalStatus: 'partial', overridden: true });
    const lowered = effectiveExercise(exercise, [check(3, 'pass', 6, 6, 0), check(3, 'fail', 0, 4)]);
    expect(lowered).toMatchObject({ score: 0, status: 'fail', overridden: true });
  });

  it('an overridden errored check is resolved; another errored check keeps the exercise in error', () => {
    const errored = { ...exercise, score: 6, status: 'error' as const };
    expect(effectiveExercise(errored, [check(3, 'pass', 6, 6), check(3, 'error', 0, 4, 2)]).status).toBe('partial');
    expect(effectiveExercise(errored, [check(3, 'error', 0, 3), check(3, 'pass', 6, 6), check(3, 'error', 0, 1, 1)]).status).toBe('error');
  });

  it('a missing exercise stays missing unless staff gave it points', () => {
    const missing = { ...exercise, score: 0, status: 'missing' as const };
    expect(effectiveExercise(missing, [check(3, 'fail', 0, 6, 0), check(3, 'fail', 0, 4)]).status).toBe('missing');
    expect(effectiveExercise(missing, [check(3, 'fail', 0, 6, 3), check(3, 'fail', 0, 4)]).status).toBe('partial');
  });

  it('the total moves by each override\'s change, preliminaries included', () => {
    const checks = [check(null, 'fail', 0, 5, 5), check(3, 'pass', 6, 6), check(3, 'fail', 0, 4, 1.5), check(4, 'pass', 2, 2, 0)];
    const scores = effectiveScores({ score: 58, maxScore: 100 }, [exercise, { ...exercise, id: '4', number: 4, score: 2, maxScore: 2, status: 'pass' }], checks);
    expect(scores.score).toBe(58 + 5 + 1.5 - 2);
    expect(scores.originalScore).toBe(58);
    expect(scores.overriddenChecks).toBe(3);
    expect(scores.exercises.map((e) => [e.number, e.score, e.status])).toEqual([
      [3, 7.5, 'partial'],
      [4, 0, 'fail'],
    ]);
  });
});
