import type { AuthenticatedUser } from '../../auth/auth.types.js';
import type { RegradeService } from '../../review/regrade.service.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';

type RunView = Awaited<ReturnType<RegradeService['list']>>[number];
type RunDetail = Awaited<ReturnType<RegradeService['view']>>;

/** Re-grades of an assignment after a spec change; an instructor starts one from here. */
export function regradeListPage(specId: string, runs: RunView[], user: AuthenticatedUser): SafeHtml {
  return page({
    title: `Re-grades of ${specId}`,
    user,
    body: html`<h1>Re-grades <span class="muted small">${specId}</span></h1>
<p><a href="/staff/assignments/${specId}">Back to the class</a></p>
${user.role === 'instructor'
  ? html`<div class="card"><p>Grade every counted hand-in again with the spec loaded now. The new grades stay pending, old beside new, until you accept them.</p>
<button type="button" id="start-regrade" data-post="/api/assignments/${specId}/regrade" data-then="/staff/assignments/${specId}/regrades/">Re-grade the class</button>
<span class="status-line" id="post-status" role="status"></span></div>`
  : null}
<table class="grid" id="regrades"><thead><tr><th>Requested</th><th>By</th><th>Spec</th><th>Status</th><th>Progress</th></tr></thead><tbody>
${runs.map((run) => html`<tr><td><a href="/staff/assignments/${specId}/regrades/${run.id}">${run.requestedAt}</a></td><td>${run.requestedBy}</td>
<td>${run.spec.version}</td><td>${run.status}</td><td>${run.progress.done} / ${run.progress.total}</td></tr>`)}
</tbody></table>`,
  });
}

/** One re-grade: old vs new per student, the checks that changed, and accept / reject. */
export function regradeRunPage(view: RunDetail, user: AuthenticatedUser): SafeHtml {
  const base = `/api/assignments/${view.specId}/regrade/${view.id}`;
  const decidable = user.role === 'instructor' && view.status === 'pending';
  return page({
    title: `Re-grade ${view.specId}`,
    user,
    body: html`<h1>Re-grade <span class="muted small">${view.specId} · spec ${view.spec.version}</span></h1>
<p><a href="/staff/assignments/${view.specId}/regrades">All re-grades</a> · <a href="/staff/assignments/${view.specId}">The class</a></p>
<div class="card" id="regrade-summary" data-status="${view.status}">Status <b>${view.status}</b> · ${view.progress.done} / ${view.progress.total} evaluated
${view.error ? html`<div class="error-text">${view.error}</div>` : null}
${view.status === 'evaluating' ? html`<div class="small muted">This page refreshes until the evaluation ends.</div><span data-refresh-ms="2000"></span>` : null}
<div class="small" id="regrade-counts">${summaryText(view.summary)}</div>
${decidable
  ? html`<div style="margin-top:8px"><button type="button" id="accept-regrade" data-post="${base}/accept">Accept the new grades</button>
<button type="button" id="reject-regrade" data-post="${base}/reject">Reject</button> <span class="status-line" id="post-status" role="status"></span></div>`
  : null}</div>
<table class="grid" id="regrade-items"><thead><tr><th>Student</th><th>Old</th><th>New</th><th>Δ</th><th>Checks that changed</th></tr></thead><tbody>
${view.items.map((item) => html`<tr class="${item.changed ? 'changed' : ''}"><td>${item.name ?? item.email ?? item.filename}</td>
<td>${item.oldScore ?? '–'}</td><td>${item.newScore ?? '–'} / ${item.maxScore ?? '–'}</td><td>${item.delta === null ? '' : `${item.delta > 0 ? '+' : ''}${item.delta}`}</td>
<td class="small">${item.error
  ? html`<span class="error-text">${item.error}</span>`
  : (item.diff?.checks ?? []).map((c) => `${c.checkId} ${c.before ? `${c.before.status} ${c.before.points}/${c.before.maxPoints}` : '∅'} → ${c.after ? `${c.after.status} ${c.after.points}/${c.after.maxPoints}` : '∅'}`).join('; ')}</td></tr>`)}
</tbody></table>`,
  });
}

function summaryText(summary: RunDetail['summary']): string {
  const { students, changed, unchanged, failed, raised, lowered, meanDelta } = summary;
  return `${students} students: ${changed} changed (${raised} up, ${lowered} down, mean Δ ${meanDelta ?? '–'}), ${unchanged} unchanged, ${failed} could not be graded again`;
}
