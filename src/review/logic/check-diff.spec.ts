import { type CheckOutcome, diffChecks, reportChecks } from './check-diff.js';

const c = (checkId: string, status: CheckOutcome['status'], points: number, maxPoints = 2, exerciseNumber: number | null = 1): CheckOutcome => ({
  checkId,
  exerciseNumber,
  exerciseId: exerciseNumber === null ? null : String(exerciseNumber),
  status,
  points,
  maxPoints,
});

describe('check diff', () => {
  it('lists changed, added and removed checks; identical ones are left out', () => {
    const before = [c('a', 'pass', 2), c('b', 'fail', 0), c('gone', 'pass', 1), c('same', 'pass', 2)];
    const after = [c('a', 'pass', 2, 3), c('b', 'pass', 2), c('same', 'pass', 2), c('new', 'fail', 0)];
    expect(diffChecks(before, after)).toEqual([
      { checkId: 'a', exerciseNumber: 1, exerciseId: '1', change: 'changed', before: { status: 'pass', points: 2, maxPoints: 2 }, after: { status: 'pass', points: 2, maxPoints: 3 } },
      { checkId: 'b', exerciseNumber: 1, exerciseId: '1', change: 'changed', before: { status: 'fail', points: 0, maxPoints: 2 }, after: { status: 'pass', points: 2, maxPoints: 2 } },
      { checkId: 'new', exerciseNumber: 1, exerciseId: '1', change: 'added', before: null, after: { status: 'fail', points: 0, maxPoints: 2 } },
      { checkId: 'gone', exerciseNumber: 1, exerciseId: '1', change: 'removed', before: { status: 'pass', points: 1, maxPoints: 2 }, after: null },
    ]);
    expect(diffChecks(after, after)).toEqual([]);
  });

  it('flattens a report in stored order: preliminaries, then each exercise, by id (old reports: the number)', () => {
    const check = (id: string) => ({ id, status: 'pass' as const, points: 1, maxPoints: 1 });
    const flat = reportChecks({
      preliminaries: [check('identity.gmail')],
      exercises: [
        { id: '2A', number: 2, checks: [check('ex2a.a'), check('ex2a.b')] },
        { id: '2B', number: 2, checks: [check('ex2b.a')] },
        { number: 5, checks: [check('ex5.a')] },
      ],
    });
    expect(flat.map((x) => [x.exerciseNumber, x.exerciseId, x.checkId])).toEqual([
      [null, null, 'identity.gmail'],
      [2, '2A', 'ex2a.a'],
      [2, '2A', 'ex2a.b'],
      [2, '2B', 'ex2b.a'],
      [5, '5', 'ex5.a'],
    ]);
  });
});
