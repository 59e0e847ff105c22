/**
 * Who handed it in vs whom the notebook names: pure functions, no I/O. The worker calls
 * `applyIdentity` with what the upload established (the Google-verified uploader) and what the
 * roster says, before the grade is stored.
 */
import type { Flag, GradeReport, Hold } from '../grading/grade.types.js';

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

/**
 * The report with `student.verified`, `gmail_mismatch` and `not_on_roster` set from the facts. A
 * mismatch fails the check that credited the printed Gmail (its points withheld) and holds the grade
 * for staff review: the hand-in may be someone else's work.
 */
export function applyIdentity(report: GradeReport, facts: IdentityFacts): GradeReport {
  if (!facts.verifiedEmail) return report;
  // Recomputed from scratch: applying twice gives the same report, and the right uploader undoes a mismatch.
  const base = withoutMismatch(report);
  const printed = base.student.email;
  const verified = printed !== null && sameAccount(printed, facts.verifiedEmail);
  const flags: Flag[] = base.flags.filter((flag) => flag.name !== 'gmail_mismatch' && flag.name !== 'not_on_roster');
  let { preliminaries, score } = base;
  const holds: Hold[] = [...(base.holds ?? [])];
  if (printed !== null && !verified) {
    const detail = `the notebook prints ${printed}, but it was submitted by ${facts.verifiedEmail} (verified by Google)`;
    flags.push({ name: 'gmail_mismatch', exercise: null, exerciseId: null, detail });
    const credited = emailCheckIndex(base);
    let withheld = 0;
    if (credited >= 0) {
      const check = preliminaries[credited];
      withheld = check.points;
      preliminaries = preliminaries.map((c, i) =>
        i !== credited
          ? c
          : {
              ...c,
              status: 'fail' as const,
              points: 0,
              evidence: `${c.evidence}, but the hand-in was submitted by ${facts.verifiedEmail} (verified by Google): gmail_mismatch, held until staff review`,
              withheld: { points: withheld, flag: 'gmail_mismatch' as const, reason: 'gmail_mismatch', status: c.status, evidence: c.evidence },
            },
      );
      score = round(score - withheld);
    }
    holds.push({ flag: 'gmail_mismatch', exercise: null, exerciseId: null, exercises: [], exerciseIds: [], points: withheld, detail: `${detail}: the grade is held until staff review` });
  }
  if (facts.onRoster === false) {
    flags.push({ name: 'not_on_roster', exercise: null, exerciseId: null, detail: `${facts.verifiedEmail} is not on the course roster` });
  }
  const student: GradeReport['student'] = { email: printed, verified, submittedBy: facts.verifiedEmail };
  if (facts.onRoster !== null) student.onRoster = facts.onRoster;
  const result: GradeReport = { ...base, student, flags, preliminaries, score };
  if (holds.length > 0 || base.holds !== undefined) result.holds = holds;
  return result;
}

/** The check that credited the printed Gmail: the preliminary that passed quoting it (`email` checks do). */
function emailCheckIndex(report: GradeReport): number {
  const printed = report.student.email;
  if (printed === null) return -1;
  return report.preliminaries.findIndex((c) => c.status === 'pass' && c.evidence.toLowerCase().startsWith(`"${printed.toLowerCase()}"`));
}

/** The report as the grader made it, before a gmail_mismatch was applied. */
function withoutMismatch(report: GradeReport): GradeReport {
  let restored = 0;
  const preliminaries = report.preliminaries.map((check) => {
    const held = check.withheld;
    if (held?.flag !== 'gmail_mismatch') return check;
    const { withheld: _withheld, ...rest } = check;
    restored += held.points;
    return { ...rest, status: held.status ?? rest.status, points: rest.points + held.points, evidence: held.evidence ?? rest.evidence };
  });
  const holds = report.holds?.filter((hold) => hold.flag !== 'gmail_mismatch');
  return { ...report, preliminaries, score: round(report.score + restored), ...(holds !== undefined ? { holds } : {}) };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
