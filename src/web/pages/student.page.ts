/**
 * GET /me: a student's own attempts, the pending grade of the latest graded one per exercise with
 * the hint of each failed check, and how to submit from Colab.
 */
import type { AuthenticatedUser } from '../../auth/auth.types.js';
import type { GradeReport } from '../../grading/grade.types.js';
import { withExerciseIds } from '../../grading/stored-report.js';
import type { SubmissionView } from '../../submissions/submission.repository.js';
import { ERROR_MESSAGE_FOR_STUDENTS } from '../../submissions/submission.view.js';
import { FLAG_WORDING } from '../../grading/flag-wording.js';
import { UNRECOGNISED_ASSIGNMENT } from '../../grading/submission-grader.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';

export function studentPage(views: SubmissionView[], user: AuthenticatedUser, baseUrl: string): SafeHtml {
  const latestGraded = views.find((v) => v.status === 'graded' && v.grades[0]);
  // The repository validated the report before storing it.
  const report = latestGraded ? withExerciseIds(latestGraded.grades[0].report as unknown as GradeReport) : null;
  return page({
    title: 'My submissions',
    user,
    body: html`<h1>My submissions</h1>
<div class="card"><h2>Attempts</h2>
${
  views.length
    ? html`<table class="grid" id="my-attempts"><thead><tr><th>Received</th><th>Assignment</th><th>File</th><th>Status</th><th>Score</th><th>Flags</th></tr></thead><tbody>
${views.map((v) => {
  const grade = v.status === 'graded' ? v.grades[0] : undefined;
  const flags = Array.isArray(grade?.flags) ? (grade.flags as { name?: unknown }[]).map((f) => String(f.name)) : [];
  return html`<tr><td>${v.receivedAt.toISOString()}</td><td>${assignmentCell(v)}</td><td>${v.filename}</td>
<td>${v.status}${v.status === 'rejected' && v.rejectReason ? html`<div class="small error-text">${v.rejectReason}</div>` : null}${v.status === 'error' ? html`<div class="small muted">${ERROR_MESSAGE_FOR_STUDENTS}</div>` : null}</td>
<td>${grade ? `${grade.score} / ${grade.maxScore}` : '–'}</td><td>${flags.map((f) => html`<span class="badge">${f}</span>`)}</td></tr>`;
})}
</tbody></table>`
    : html`<p class="muted" id="my-attempts">No submissions yet.</p>`
}
</div>
${
  report
    ? html`<div class="card" id="pending-grade"><h2>Latest grade (pending review by the instructor): ${report.score} / ${report.maxScore}</h2>
<p class="small muted">${latestGraded?.filename}, received ${latestGraded?.receivedAt.toISOString()}</p>
${report.flags.some((f) => f.name === 'read_uncertain') ? html`<p class="notice" id="read-uncertain">${FLAG_WORDING.read_uncertain.student}</p>` : null}
<table class="grid"><thead><tr><th>Exercise</th><th>Status</th><th>Points</th><th>What to fix</th></tr></thead><tbody>
${report.exercises.map(
  (e) => html`<tr><td>${e.id}. ${e.title}</td><td><span class="pill st-${e.status}">${e.status}</span></td><td>${e.score} / ${e.maxScore}</td>
<td>${e.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => html`<div class="small"><b>${c.description}</b>${c.hint ? html`: ${c.hint}` : null}</div>`)}</td></tr>`,
)}
</tbody></table></div>`
    : null
}
<div class="card"><h2>How to submit</h2>
<ol>
<li>Run every cell of your notebook in Colab (Runtime → Run all) so the outputs are saved.</li>
<li>Add a new code cell at the very end and paste the submit cell from <a href="/submit.py">${baseUrl}/submit.py</a> into it.</li>
<li>Run that cell and sign in with the Google account you print in the notebook. It uploads the notebook and shows the status link.</li>
</ol>
<p class="small muted">You can submit again; the latest graded attempt counts unless your instructor chooses another.</p>
</div>`,
  });
}

/** The lesson; a hand-in that named none shows its lesson once graded (it moves there), and says so until then. */
function assignmentCell(view: SubmissionView): SafeHtml | string {
  if (view.assignment.specId !== UNRECOGNISED_ASSIGNMENT) return view.assignment.specId;
  const pending = view.status === 'received' || view.status === 'error';
  return html`<span class="muted">${pending ? 'no lesson named: recognised when graded' : 'no lesson named'}</span>`;
}
