/**
 * GET /staff/submissions/:id: the hand-in as it was submitted, each exercise's cells beside its
 * checks and evidence; overrides (instructor), re-runs (TA and instructor), attempts and the audit
 * trail. Everything shown comes from EvidenceService; the notebook from the stored file.
 */
import type { AuthenticatedUser } from '../../auth/auth.types.js';
import type { EvidenceService } from '../../review/evidence.service.js';
import type { ReviewedCheck } from '../../review/logic/grade-view.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import type { ViewCell, ViewOutput } from '../notebook-view.js';
import { type ReaderView, readingPanel } from './reading.panel.js';
import { rerunPanel, type RerunRow } from './rerun.panel.js';
import { compareExerciseIds } from '../../grading/exercise-id.js';
import { describeFlagForStaff } from '../../grading/flag-wording.js';
import { renderMarkdown } from '../markdown.js';

export type Evidence = Awaited<ReturnType<EvidenceService['evidence']>>;

/** The hand-in for the page: notebook cells, or why they cannot be shown. */
export type HandIn = { cells: ViewCell[]; reading?: ReaderView } | { unavailable: string };

function output(o: ViewOutput): SafeHtml {
  switch (o.kind) {
    case 'text':
      return html`<pre class="out${o.stream === 'stderr' ? ' stderr' : ''}">${o.text}</pre>`;
    case 'error':
      return html`<pre class="out err">${o.name}: ${o.value}\n${o.traceback}</pre>`;
    case 'image':
      // Only PNG/JPEG whose data matched base64: safe inside a data: URL.
      return html`<img alt="figure" src="data:${o.mime};base64,${o.base64}">`;
    case 'note':
      return html`<pre class="out muted">${o.text}</pre>`;
  }
}

function notebookCell(cell: ViewCell): SafeHtml {
  const prompt = `${cell.kind === 'code' ? `In [${cell.executionCount ?? ' '}]` : cell.kind}${cell.page !== null ? ` · page ${cell.page}` : ''}`;
  // A notebook's markdown is rendered; a PDF's text is what the print showed, kept as it is.
  const markdown = cell.kind === 'markdown' && cell.page === null;
  return html`<div class="nb-cell" id="cell-${cell.index}">
<div class="prompt">#${cell.index} · ${prompt}</div>
${cell.source ? (markdown ? html`<div class="md">${renderMarkdown(cell.source)}</div>` : html`<pre class="${cell.kind === 'code' ? 'code' : 'md'}">${cell.source}</pre>`) : null}
${cell.outputs.map(output)}
</div>`;
}

function checkBlock(check: ReviewedCheck, submissionId: string, user: AuthenticatedUser): SafeHtml {
  const overridden = check.override !== null;
  const rerunnable = check.status === 'fail' || check.status === 'error';
  return html`<div class="check ${check.status}" data-check="${check.id}">
<div><span class="pill st-${check.status}">${check.status}</span> <b>${check.description}</b> <span class="muted small">${check.id}</span></div>
<div>Points: ${overridden ? html`<span class="struck">${check.points}</span> <b class="effective-points">${check.effectivePoints}</b>` : html`<b class="effective-points">${check.points}</b>`} / ${check.maxPoints}
${overridden ? html` <span class="badge">override by ${check.override?.who}: ${check.override?.reason}</span>` : null}</div>
<div class="evidence">${check.evidence}</div>
${check.hint ? html`<div class="hint">Hint: ${check.hint}</div>` : null}
${rerunnable ? html`<button type="button" class="secondary" data-rerun="${submissionId}" data-check="${check.id}">Re-run this check</button>` : null}
${
  user.role === 'instructor' && check.maxPoints > 0
    ? html`<form class="override" data-check-result="${check.checkResultId}">
  <input name="points" type="number" step="0.5" min="0" max="${check.maxPoints}" value="${check.effectivePoints}" aria-label="points for ${check.id}" required>
  <input name="reason" placeholder="reason (required)" aria-label="reason for ${check.id}" required>
  <button type="submit">Override</button>
  <span class="form-error error-text small"></span>
</form>`
    : null
}
</div>`;
}

/** The audit entry in words where its shape is known (override, re-run), else its JSON. */
function auditDetails(data: unknown): SafeHtml {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (typeof d.checkId === 'string' && 'to' in d) {
    return html`<b>${d.checkId}</b>: ${String(d.from ?? d.originalPoints ?? '?')} → ${String(d.to)} points${typeof d.reason === 'string' ? html` — “${d.reason}”` : null}`;
  }
  if (Array.isArray(d.checkIds)) return html`checks ${d.checkIds.join(', ')}${typeof d.jobId === 'string' ? html` <span class="muted">(job ${d.jobId})</span>` : null}`;
  return html`<code>${JSON.stringify(data)}</code>`;
}

/** " (p. 3)" or " (pp. 3–4)" for cells from a PDF; "" for a notebook. */
function pageRange(cells: ViewCell[]): string {
  const pages = cells.map((c) => c.page).filter((p): p is number => p !== null);
  if (pages.length === 0) return '';
  const first = Math.min(...pages);
  const last = Math.max(...pages);
  return first === last ? ` (p. ${first})` : ` (pp. ${first}–${last})`;
}

/** Where each exercise's cells are (by exercise id): the first group of each (anchor) and an index with page ranges. */
function exerciseSegments(groups: { exercise: string | null; cells: ViewCell[] }[]) {
  const firstGroup = new Map<string, number>();
  const cellsOf = new Map<string, ViewCell[]>();
  groups.forEach((g, i) => {
    if (g.exercise === null) return;
    if (!firstGroup.has(g.exercise)) firstGroup.set(g.exercise, i);
    cellsOf.set(g.exercise, [...(cellsOf.get(g.exercise) ?? []), ...g.cells]);
  });
  const index = [...cellsOf.entries()].sort((a, b) => compareExerciseIds(a[0], b[0])).map(([exercise, cells]) => ({ exercise, pages: pageRange(cells) }));
  return { firstGroup, index };
}

/** Consecutive cells grouped by the id of the exercise they belong to (null: none). */
function cellGroups(cells: ViewCell[], owner: Map<number, string>): { exercise: string | null; cells: ViewCell[] }[] {
  const groups: { exercise: string | null; cells: ViewCell[] }[] = [];
  for (const cell of cells) {
    const exercise = owner.get(cell.index) ?? null;
    const last = groups.at(-1);
    if (last && last.exercise === exercise) last.cells.push(cell);
    else groups.push({ exercise, cells: [cell] });
  }
  return groups;
}

export function submissionPage(evidence: Evidence, handIn: HandIn, user: AuthenticatedUser, reruns: RerunRow[] = []): SafeHtml {
  const { submission, grade } = evidence;
  const student = submission.student;
  const exercises = grade?.exercises ?? [];
  const owner = new Map<number, string>();
  for (const e of exercises) for (const index of e.cells) if (!owner.has(index)) owner.set(index, e.id);
  const shown = new Set<string>();
  const failing = [...(grade?.preliminaries ?? []), ...exercises.flatMap((e) => e.checks)].filter((c) => c.status === 'fail' || c.status === 'error').length;

  const exercisePanel = (id: string): SafeHtml | null => {
    if (shown.has(id)) return html`<p class="small muted">Exercise ${id} continues.</p>`;
    shown.add(id);
    const e = exercises.find((x) => x.id === id);
    if (!e) return null;
    return html`<div class="checks card" id="exercise-${e.id}">
<h3>Exercise ${e.id}: ${e.title} <span class="pill st-${e.status}">${e.status}</span></h3>
<div>Score <b>${e.score}</b> / ${e.maxScore}${e.overridden ? html` <span class="muted small">(grader: ${e.originalScore})</span>` : null}</div>
${e.notes.map((n) => html`<div class="small muted">${n}</div>`)}
${e.checks.map((c) => checkBlock(c, submission.id, user))}
</div>`;
  };

  const groups = 'cells' in handIn ? cellGroups(handIn.cells, owner) : [];
  const segments = exerciseSegments(groups);
  const notebook =
    'cells' in handIn
      ? groups.map((g, i) =>
          g.exercise === null
            ? html`<div class="nb-row"><div>${g.cells.map(notebookCell)}</div><div></div></div>`
            : html`<div class="nb-row segment"${segments.firstGroup.get(g.exercise) === i ? html` id="segment-ex-${g.exercise}"` : null}><div><div class="segment-label">Exercise ${g.exercise}${pageRange(g.cells)}</div>${g.cells.map(notebookCell)}</div><div>${exercisePanel(g.exercise)}</div></div>`,
        )
      : html`<p class="notice">${handIn.unavailable}</p>`;
  // Exercises without any cell (missing) still show their checks.
  const unplaced = exercises.filter((e) => !e.cells.some((index) => 'cells' in handIn && handIn.cells.some((c) => c.index === index)));

  return page({
    title: `${student?.email ?? submission.filename}`,
    user,
    // Chart.js draws the re-runs' latency (only when there are re-runs to draw)
    scripts: reruns.length > 0 ? ['/assets/chart.umd.js'] : [],
    body: html`<h1>${student?.name ?? student?.email ?? 'Unknown student'} <span class="muted small">${submission.filename}</span></h1>
<div class="card">
  <div>Assignment <a href="/staff/assignments/${submission.assignment.specId}">${submission.assignment.title}</a> · ${submission.kind} · received ${submission.receivedAt} · status <b>${submission.status}</b>
  ${evidence.counted.thisOne ? html`<span class="badge">counts</span>` : html`<span class="muted small">not the counted attempt</span>`}</div>
  ${submission.rejectReason ? html`<div class="error-text">${submission.rejectReason}</div>` : null}
  ${
    grade
      ? html`<div style="font-size:18px;margin-top:6px">Total <b id="total">${grade.score}</b> / ${grade.maxScore}${grade.score !== grade.originalScore ? html` <span class="muted small" id="original-total">(grader: ${grade.originalScore})</span>` : null}</div>
  <div>${grade.flags.map((f) => html`<span class="badge" title="${describeFlagForStaff(f)}">${f.name}${f.exerciseId !== null ? ` (ex ${f.exerciseId})` : ''}</span>`)}</div>
  <div class="small muted">spec ${grade.spec.id} ${grade.spec.version} · grader ${grade.graderVersion} · graded ${grade.gradedAt} · <a id="export-gradescope" href="/api/submissions/${submission.id}/results.json">Gradescope results.json</a></div>`
      : html`<div class="muted">Not graded.</div>`
  }
  ${grade && failing > 0 ? html`<div style="margin-top:8px"><button type="button" data-rerun="${submission.id}">Re-run failed checks (${failing})</button> <span id="rerun-status" class="status-line" role="status" aria-live="polite"></span></div>` : null}
</div>
${grade ? readingPanel(submission.kind, grade.reading, grade.flags, 'cells' in handIn ? (handIn.reading ?? null) : null) : null}
${grade && grade.preliminaries.length ? html`<div class="card"><h2>Identity and runtime</h2>${grade.preliminaries.map((c) => checkBlock(c, submission.id, user))}</div>` : null}
${rerunPanel(reruns)}
<h2>${submission.kind === 'pdf' ? 'PDF as handed in (the text the reader found, cell by cell)' : 'Notebook as handed in'}</h2>
${segments.index.length ? html`<p class="small" id="segment-index">Exercise segments: ${segments.index.map((s, i) => html`${i > 0 ? ' · ' : ''}<a href="#segment-ex-${s.exercise}">Ex ${s.exercise}${s.pages}</a>`)}</p>` : null}
${notebook}
${unplaced.length ? html`<h2>Exercises not found in the hand-in</h2>${unplaced.map((e) => exercisePanel(e.id))}` : null}
<div class="card"><h2>Attempts</h2>
<table class="grid" id="attempts"><thead><tr><th>Received</th><th>File</th><th>Status</th><th>Score</th><th>Since previous</th></tr></thead><tbody>
${evidence.attempts.map(
  (a) => html`<tr><td>${a.receivedAt}</td><td><a href="/staff/submissions/${a.submissionId}">${a.filename}</a>${a.counted ? html` <span class="badge">counts</span>` : null}${a.submissionId === submission.id ? html` <b>(this)</b>` : null}</td>
<td>${a.status}</td><td>${a.score ?? '–'}${a.maxScore !== null ? ` / ${a.maxScore}` : ''}</td>
<td class="small">${a.sincePrevious ? html`${a.sincePrevious.scoreChange >= 0 ? '+' : ''}${a.sincePrevious.scoreChange}: ${a.sincePrevious.changes.map((c) => `${c.checkId} ${c.before?.status ?? '∅'}→${c.after?.status ?? '∅'}`).join(', ')}` : ''}</td></tr>`,
)}
</tbody></table></div>
<div class="card"><h2>Audit trail</h2>
${
  evidence.audit.length
    ? html`<table class="grid" id="audit"><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Details</th></tr></thead><tbody>
${evidence.audit.map((e) => html`<tr><td>${e.at}</td><td>${e.actor}</td><td>${e.action}</td><td class="small">${auditDetails(e.data)}</td></tr>`)}
</tbody></table>`
    : html`<p class="muted" id="audit">No review actions yet.</p>`
}
</div>`,
  });
}
