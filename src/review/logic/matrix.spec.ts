import { buildRow, type ClassAttempt, type ClassMember, countedGradeIds, filterRows, type GradeDetail, type MatrixRow, sortRows } from './matrix.js';

const when = (minute: number) => new Date(Date.UTC(2026, 10, 26, 10, minute));

function attempt(id: string, minute: number, score: number | null, flags: string[] = []): ClassAttempt {
  return {
    submissionId: id,
    receivedAt: when(minute),
    status: score === null ? 'received' : 'graded',
    gradeId: score === null ? null : `g-${id}`,
    score,
    maxScore: score === null ? null : 20,
    flags: score === null ? null : flags.map((name) => ({ name, exercise: 1, detail: 'seen' })),
    specVersion: score === null ? null : '1.0.0',
    gradedAt: score === null ? null : when(minute + 1),
  };
}

function member(email: string, name: string | null, section: string | null, attempts: ClassAttempt[], extra: Partial<ClassMember> = {}): ClassMember {
  return { personId: `p-${email}`, email, name, section, enrolled: true, pinnedSubmissionId: null, attempts, ...extra };
}

/** The current spec's exercise columns, by number (their ids are the numbers). */
const columns = (...numbers: number[]) => numbers.map((number) => ({ id: String(number), number }));

/** Two exercises of 10 points; exercise 2's second check (4 points) failed. */
function detail(exercise2: number, override: number | null = null): GradeDetail {
  return {
    exercises: [
      { id: '1', number: 1, title: 'One', score: 10, maxScore: 10, status: 'pass' },
      { id: '2', number: 2, title: 'Two', score: exercise2, maxScore: 10, status: exercise2 === 10 ? 'pass' : 'partial' },
    ],
    checks: [
      { exerciseNumber: 1, exerciseId: '1', status: 'pass', points: 10, maxPoints: 10, overridePoints: null },
      { exerciseNumber: 2, exerciseId: '2', status: 'pass', points: 6, maxPoints: 6, overridePoints: null },
      { exerciseNumber: 2, exerciseId: '2', status: exercise2 === 10 ? 'pass' : 'fail', points: exercise2 - 6, maxPoints: 4, overridePoints: override },
    ],
  };
}

describe('class matrix rows', () => {
  const details = new Map<string, GradeDetail>([
    ['g-a1', detail(6)],
    ['g-a2', detail(10)],
    ['g-b1', detail(6, 4)],
  ]);

  it('shows the counted attempt with effective scores, per exercise, and the flags', () => {
    const row = buildRow(member('ann@gmail.com', 'Ann', 'S1', [attempt('a1', 1, 16, ['seed_is_42']), attempt('a2', 5, 20)]), columns(1, 2), details);
    expect(row).toMatchObject({ status: 'graded', attempts: 2, submissionId: 'a2', counted: 'latest', score: 20, maxScore: 20, flags: [] });
    const pinned = buildRow(member('ann@gmail.com', 'Ann', 'S1', [attempt('a1', 1, 16, ['seed_is_42', 'cpu_runtime', 'seed_is_42']), attempt('a2', 5, 20)], { pinnedSubmissionId: 'a1' }), columns(1, 2), details);
    expect(pinned).toMatchObject({ submissionId: 'a1', counted: 'pinned', score: 16, flags: ['cpu_runtime', 'seed_is_42'] });
    expect(pinned.exercises).toEqual([
      { id: '1', number: 1, score: 10, maxScore: 10, status: 'pass', overridden: false },
      { id: '2', number: 2, score: 6, maxScore: 10, status: 'partial', overridden: false },
    ]);
  });

  it('applies overrides to the exercise and the total, keeping the original total', () => {
    const row = buildRow(member('bob@gmail.com', 'Bob', 'S2', [attempt('b1', 2, 16)]), columns(1, 2), details);
    expect(row).toMatchObject({ score: 20, originalScore: 16, overriddenChecks: 1 });
    expect(row.exercises[1]).toEqual({ id: '2', number: 2, score: 10, maxScore: 10, status: 'pass', overridden: true });
  });

  it('a student with nothing handed in, or only a file being graded, has empty cells', () => {
    const missing = buildRow(member('cy@gmail.com', null, 'S1', []), columns(1, 2), details);
    expect(missing).toMatchObject({ status: 'missing', score: null, submissionId: null, attempts: 0 });
    expect(missing.exercises.map((e) => e.status)).toEqual(['not_submitted', 'not_submitted']);
    expect(buildRow(member('dee@gmail.com', null, null, [attempt('d1', 3, null)]), columns(1, 2), details).status).toBe('pending');
  });

  it('an exercise the counted grade lacks (older spec) shows as missing', () => {
    const row = buildRow(member('ann@gmail.com', 'Ann', 'S1', [attempt('a2', 5, 20)]), columns(1, 2, 3), details);
    expect(row.exercises[2]).toEqual({ id: '3', number: 3, score: null, maxScore: null, status: 'missing', overridden: false });
  });

  it('asks for the details of the counted grades only', () => {
    const members = [member('a@x.com', null, null, [attempt('a1', 1, 16), attempt('a2', 2, 20)]), member('b@x.com', null, null, [])];
    expect(countedGradeIds(members)).toEqual(['g-a2']);
  });
});

describe('filtering and sorting', () => {
  const row = (email: string, name: string | null, score: number | null, extra: Partial<MatrixRow> = {}): MatrixRow =>
    ({ email, name, score, section: 'BIO 1173 001', status: score === null ? 'missing' : 'graded', flags: [], ...extra }) as MatrixRow;
  const rows = [
    row('zed@gmail.com', 'Zed Adams', 70, { flags: ['seed_is_42'] }),
    row('amy@gmail.com', 'amy brown', 95, { section: 'BIO 1173 002' }),
    row('kim@gmail.com', null, null),
    row('bo@gmail.com', 'Bo Chen', 70, { flags: ['cpu_runtime', 'seed_is_42'] }),
  ];
  const emails = (list: MatrixRow[]) => list.map((r) => r.email);

  it('filters by flag, status, section (any case) and a name or email fragment', () => {
    expect(emails(filterRows(rows, { sort: 'name', flag: 'seed_is_42' }))).toEqual(['zed@gmail.com', 'bo@gmail.com']);
    expect(emails(filterRows(rows, { sort: 'name', status: 'missing' }))).toEqual(['kim@gmail.com']);
    expect(emails(filterRows(rows, { sort: 'name', section: 'bio 1173 002' }))).toEqual(['amy@gmail.com']);
    expect(emails(filterRows(rows, { sort: 'name', q: 'BROWN' }))).toEqual(['amy@gmail.com']);
    expect(emails(filterRows(rows, { sort: 'name', q: 'kim@' }))).toEqual(['kim@gmail.com']);
    expect(filterRows(rows, { sort: 'name', flag: 'seed_is_42', section: 'BIO 1173 002' })).toEqual([]);
  });

  it('sorts by name without regard to case, or by score lowest first, nothing counted being below any score', () => {
    expect(emails(sortRows(rows, 'name'))).toEqual(['amy@gmail.com', 'bo@gmail.com', 'kim@gmail.com', 'zed@gmail.com']);
    expect(emails(sortRows(rows, 'score'))).toEqual(['kim@gmail.com', 'bo@gmail.com', 'zed@gmail.com', 'amy@gmail.com']);
    expect(emails(sortRows(rows, 'score', 'desc'))).toEqual(['amy@gmail.com', 'zed@gmail.com', 'bo@gmail.com', 'kim@gmail.com']);
  });
});
