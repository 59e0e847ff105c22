import { sampleReport, sha256Of } from '../../../test/support/grade-report.fixture.js';
import type { OverrideRecord } from './effective.js';
import { GradeViewError, reviewGrade } from './grade-view.js';

const report = sampleReport(sha256Of('file'));
const ids = [...report.preliminaries, ...report.exercises.flatMap((e) => e.checks)].map((c) => c.id);
const overrideOn = (checkResultId: string, points: number, minute: number, revoked = false): OverrideRecord => ({
  id: `o-${minute}`,
  checkResultId,
  who: 'prof@utsa.edu',
  points,
  reason: 'checked by hand',
  createdAt: new Date(Date.UTC(2026, 10, 26, 12, minute)),
  revokedAt: revoked ? new Date(Date.UTC(2026, 10, 26, 13, minute)) : null,
  revokedBy: revoked ? 'prof@utsa.edu' : null,
  revokeReason: null,
});

describe('a stored grade as staff see it', () => {
  it('joins each check with its row and overrides, and recomputes exercise and total', () => {
    const rows = ids.map((checkId, ordinal) => ({ id: `cr-${ordinal}`, ordinal, checkId, overrides: [] as OverrideRecord[] }));
    rows[7].overrides = [overrideOn('cr-7', 1, 1), overrideOn('cr-7', 0.5, 2, true)]; // ex3.output: 0 -> 1
    const view = reviewGrade('g1', report, [...rows].reverse());
    expect(view.score).toBe(6);
    expect(view.originalScore).toBe(5);
    const ex3 = view.exercises[2];
    expect(ex3).toMatchObject({ number: 3, score: 2, originalScore: 1, status: 'pass', originalStatus: 'partial', overridden: true });
    expect(ex3.checks[1]).toMatchObject({ id: 'ex3.output', checkResultId: 'cr-7', points: 0, effectivePoints: 1, override: { id: 'o-1' } });
    expect(ex3.checks[1].overrides).toHaveLength(2);
    expect(view.preliminaries.map((c) => c.checkResultId)).toEqual(['cr-0', 'cr-1']);
  });

  it('refuses rows that do not match the report', () => {
    const rows = ids.map((checkId, ordinal) => ({ id: `cr-${ordinal}`, ordinal, checkId, overrides: [] }));
    expect(() => reviewGrade('g1', report, rows.slice(1))).toThrow(GradeViewError);
    rows[3].checkId = 'ex9.other';
    expect(() => reviewGrade('g1', report, rows)).toThrow('stored check 3 is ex9.other, the report says ex1.output');
  });
});
