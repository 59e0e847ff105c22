/**
 * Who handed it in vs whom the notebook names: pure functions, no I/O. The worker calls
 * `applyIdentity` with what the upload established (the Google-verified uploader) and what the
 * roster says, before the grade is stored.
 */
import type { Flag, GradeReport } from '../grading/grade.types.js';

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * One Google account, one string: lower-cased; for Gmail, dots and a "+tag" in the local part are
 * ignored and googlemail.com is gmail.com (Google delivers all of them to the same account, and
 * students print their address in whichever form they typed it).
 */
export function canonicalEmail(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  const local = lower.slice(0, at);
  const domain = lower.slice(at + 1);
  if (!GMAIL_DOMAINS.has(domain)) return lower;
  return `${local.split('+')[0].replace(/\./g, '')}@gmail.com`;
}

export function sameAccount(a: string, b: string): boolean {
  return canonicalEmail(a) === canonicalEmail(b);
}

export interface IdentityFacts {
  /** The uploader's email as Google verified it; null when none came with the file (CLI). */
  verifiedEmail: string | null;
  /** Whether the uploader is on the course roster; null when unknown. */
  onRoster: boolean | null;
}

/** The report with `student.verified`, `gmail_mismatch` and `not_on_roster` set from the facts. */
export function applyIdentity(report: GradeReport, facts: IdentityFacts): GradeReport {
  if (!facts.verifiedEmail) return report;
  const printed = report.student.email;
  const verified = printed !== null && sameAccount(printed, facts.verifiedEmail);
  // Recomputed from scratch: applying twice gives the same report.
  const flags: Flag[] = report.flags.filter((flag) => flag.name !== 'gmail_mismatch' && flag.name !== 'not_on_roster');
  if (printed !== null && !verified) {
    flags.push({
      name: 'gmail_mismatch',
      exercise: null,
      detail: `the notebook prints ${printed}, but it was submitted by ${facts.verifiedEmail} (verified by Google)`,
    });
  }
  if (facts.onRoster === false) {
    flags.push({ name: 'not_on_roster', exercise: null, detail: `${facts.verifiedEmail} is not on the course roster` });
  }
  const student: GradeReport['student'] = { email: printed, verified, submittedBy: facts.verifiedEmail };
  if (facts.onRoster !== null) student.onRoster = facts.onRoster;
  return { ...report, student, flags };
}
