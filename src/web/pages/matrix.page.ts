/**
 * GET /staff/assignments/:specId: the class matrix (students × exercises) with the filter form and
 * the overview charts. Filtering and sorting happen on the server (ClassService); the form is a GET,
 * so every view is a link.
 */
import type { AuthenticatedUser } from '../../auth/auth.types.js';
import { FLAG_NAMES } from '../../grading/grade.types.js';
import type { ActivityOverview } from '../../review/activity.service.js';
import type { MatrixView } from '../../review/class.service.js';
import { STUDENT_STATUSES } from '../../review/logic/counted.js';
import type { MatrixFilter, MatrixRow } from '../../review/logic/matrix.js';
import { html, jsonScript, type SafeHtml } from '../html.js';
import { page } from '../layout.js';

export interface ChartData {
  scores: { labels: string[]; counts: number[] };
  passRate: { labels: string[]; values: number[] };
}

/** What the page draws: the score charts, and the time-based ones (ActivityService). */
export type OverviewData = ChartData & { activity: ActivityOverview };

/** Score distribution in ten bins of the maximum, and the share of graded students passing each exercise. */
export function overviewCharts(rows: MatrixRow[], exercises: { id: string }[], maxScore: number): ChartData {
  const bins = 10;
  const width = maxScore > 0 ? maxScore / bins : 1;
  const labels = Array.from({ length: bins }, (_, i) => `${Math.round(i * width)}–${Math.round((i + 1) * width)}`);
  const counts = new Array<number>(bins).fill(0);
  const scored = rows.filter((r) => r.score !== null);
  for (const row of scored) counts[Math.min(bins - 1, Math.max(0, Math.floor((row.score ?? 0) / width)))] += 1;
  const values = exercises.map((e) => {
    const graded = scored.map((r) => r.exercises.find((c) => c.id === e.id)).filter((c) => c !== undefined);
    const passed = graded.filter((c) => c.status === 'pass').length;
    return graded.length ? Math.round((1000 * passed) / graded.length) / 10 : 0;
  });
  return { scores: { labels, counts }, passRate: { labels: exercises.map((e) => `Ex ${e.id}`), values } };
}

const total = (values: number[]) => Math.round(values.reduce((sum, v) => sum + v, 0) * 100) / 100;

function option(value: string, label: string, selected: string | undefined): SafeHtml {
  return html`<option value="${value}"${value === (selected ?? '') ? html` selected` : null}>${label}</option>`;
}

function cell(c: MatrixRow['exercises'][number]): SafeHtml {
  const text = c.score === null ? '–' : `${c.score}`;
  return html`<td class="cell st-${c.status}" title="Exercise ${c.id}: ${c.status}${c.overridden ? ' (overridden)' : ''}">${text}${c.overridden ? '*' : ''}</td>`;
}

export function matrixPage(view: MatrixView, filter: MatrixFilter, charts: OverviewData, user: AuthenticatedUser): SafeHtml {
  const queue = charts.activity.rerunQueue;
  const exercises = view.spec?.exercises ?? view.rows[0]?.exercises.map((e) => ({ id: e.id, number: e.number, title: '', maxScore: 0 })) ?? [];
  const flags = [...new Set<string>([...FLAG_NAMES, ...view.rows.flatMap((r) => r.flags)])].sort();
  const c = view.counts;
  return page({
    title: view.assignment.title,
    user,
    scripts: ['/assets/chart.umd.js'],
    body: html`<h1>${view.assignment.title} <span class="muted small">${view.assignment.specId}${view.spec ? ` · spec ${view.spec.version}` : ''}</span></h1>
<p class="small"><a id="export-canvas" href="/api/assignments/${view.assignment.specId}/export/canvas.csv">Download the Canvas gradebook CSV</a> <span class="muted">(effective scores, overrides applied)</span> · <a id="regrades-link" href="/staff/assignments/${view.assignment.specId}/regrades">Re-grades after a spec change</a></p>
<div class="card counts small">
  <span><b>${c.students}</b> students</span><span><b>${c.graded}</b> graded</span><span><b>${c.pending}</b> pending</span>
  <span><b>${c.missing}</b> missing</span><span><b>${c.rejected}</b> rejected</span><span><b>${c.error}</b> error</span>
  <span><b>${c.notEnrolled}</b> not on roster</span>
</div>
<div class="charts">
  <div class="card"><canvas id="chart-scores" aria-label="Score distribution"></canvas></div>
  <div class="card"><canvas id="chart-pass" aria-label="Pass rate per exercise"></canvas></div>
  <div class="card"><canvas id="chart-flags" aria-label="Flags raised per day"></canvas></div>
  <div class="card"><canvas id="chart-rerun-time" aria-label="Re-run device time per day"></canvas></div>
  <div class="card"><canvas id="chart-rerun-queue" aria-label="Re-run queue length over time"></canvas></div>
  <div class="card small" id="rerun-queue-now"><h2>Re-run queue now</h2>${
    queue
      ? html`<p><b>${queue.now.waiting}</b> waiting · <b>${queue.now.active}</b> running · <b>${queue.now.delayed}</b> waiting to retry · <b>${queue.now.failed}</b> failed (kept 30 days)</p>
<p class="muted">GPU time used by this assignment's re-runs: <b id="gpu-minutes">${total(charts.activity.rerunTime.gpuMinutes)}</b> min; CPU re-runs: ${total(charts.activity.rerunTime.cpuMinutes)} min; ${total(charts.activity.rerunTime.runs)} re-runs.</p>`
      : html`<p class="error-text">${charts.activity.rerunQueueError ?? 'the queue is unavailable'}</p>`
  }</div>
</div>
${jsonScript('chart-data', charts)}
<form class="filters card" method="get" id="matrix-filter">
  <label>Search<input name="q" value="${filter.q ?? ''}" placeholder="name or email"></label>
  <label>Flag<select name="flag">${option('', 'any', filter.flag)}${flags.map((f) => option(f, f, filter.flag))}</select></label>
  <label>Status<select name="status">${option('', 'any', filter.status)}${STUDENT_STATUSES.map((s) => option(s, s, filter.status))}</select></label>
  <label>Section<input name="section" value="${filter.section ?? ''}" size="6"></label>
  <label>Sort<select name="sort">${option('name', 'name', filter.sort)}${option('score', 'score', filter.sort)}</select></label>
  <label>Order<select name="order">${option('asc', 'ascending', filter.order)}${option('desc', 'descending', filter.order)}</select></label>
  <button type="submit">Apply</button>
  <a href="?" class="small">clear</a>
</form>
<p class="small muted" id="matrix-shown">${view.rows.length} of ${c.students} students shown</p>
<table class="grid" id="matrix">
<thead><tr><th>Student</th><th>Section</th><th>Status</th>${exercises.map((e) => html`<th title="${e.title}">Ex ${e.id}</th>`)}<th>Total</th><th>Flags</th></tr></thead>
<tbody>
${view.rows.map(
  (r) => html`<tr data-email="${r.email}">
  <td>${r.submissionId ? html`<a href="/staff/submissions/${r.submissionId}">${r.name ?? r.email}</a>` : r.name ?? r.email}<div class="small muted">${r.email}${r.enrolled ? '' : ' · not on roster'}</div></td>
  <td>${r.section ?? ''}</td>
  <td>${r.status}${r.attempts > 1 ? html` <span class="small muted">(${r.attempts} attempts)</span>` : null}${r.gradingNewer ? html` <span class="badge">newer attempt grading</span>` : null}</td>
  ${r.exercises.map(cell)}
  <td><b>${r.score ?? '–'}</b>${r.maxScore !== null ? ` / ${r.maxScore}` : ''}${r.overriddenChecks ? html` <span class="small muted" title="grader: ${r.originalScore ?? ''}">(${r.overriddenChecks} override${r.overriddenChecks > 1 ? 's' : ''})</span>` : null}</td>
  <td>${r.flags.map((f) => html`<span class="badge">${f}</span>`)}</td>
</tr>`,
)}
</tbody>
</table>
<p class="small muted">Cells: <span class="pill st-pass">pass</span> <span class="pill st-partial">partial</span> <span class="pill st-fail">fail</span> <span class="pill st-missing">missing</span> <span class="pill st-error">error</span> · * overridden</p>`,
  });
}
