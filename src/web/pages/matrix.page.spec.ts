import type { MatrixRow } from '../../review/logic/matrix.js';
import { overviewCharts } from './matrix.page.js';

function row(score: number | null, statuses: MatrixRow['exercises'][number]['status'][]): MatrixRow {
  return {
    personId: 'p', email: 'e@x', name: null, section: null, enrolled: true, status: score === null ? 'missing' : 'graded',
    attempts: 1, submissionId: null, counted: null, gradingNewer: false, gradeId: null, specVersion: null, gradedAt: null,
    score, originalScore: score, maxScore: 100, overriddenChecks: 0, flags: [],
    exercises: statuses.map((status, i) => ({ id: i === 1 ? '2A' : String(i + 1), number: i + 1, score: null, maxScore: null, status, overridden: false })),
  };
}

describe('overviewCharts', () => {
  it('bins scores in tenths of the maximum (the maximum in the top bin) and skips students without a score', () => {
    const charts = overviewCharts([row(100, []), row(95, []), row(76, []), row(0, []), row(null, [])], [], 100);
    expect(charts.scores.labels[0]).toBe('0–10');
    expect(charts.scores.counts).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 0, 2]);
  });

  it('gives the percentage of graded students passing each exercise', () => {
    const rows = [row(90, ['pass', 'fail']), row(80, ['pass', 'partial']), row(70, ['fail', 'pass']), row(null, ['not_submitted', 'not_submitted'])];
    expect(overviewCharts(rows, [{ id: '1' }, { id: '2A' }], 100).passRate).toEqual({ labels: ['Ex 1', 'Ex 2A'], values: [66.7, 33.3] });
  });
});
