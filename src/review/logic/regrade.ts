/**
 * A re-grade's difference for one student: the accepted grade (with its overrides) against the new
 * spec's report. Overrides follow their check into the new grade when it still exists and can hold
 * the points; those that cannot are listed as dropped, so staff see it before accepting.
 */
import type { GradeReport } from '../../grading/grade.types.js';
import { type CheckChange, type CheckOutcome, diffChecks, reportChecks } from './check-diff.js';
import { round } from './effective.js';

export interface OverriddenOutcome extends CheckOutcome {
  override: { id: string; points: number; reason: string; who: string } | null;
}

export interface CurrentGrade {
  gradeId: string;
  score: number;
  specVersion: string;
  specHash: string;
  checks: OverriddenOutcome[];
}

export interface CarriedOverride {
  overrideId: string;
  checkId: string;
  points: number;
  reason: string;
  who: string;
}

export interface DroppedOverride extends CarriedOverride {
  why: string;
}

export interface RegradeDiff {
  oldSpec: { version: string; hash: string } | null;
  newSpec: { version: string; hash: string };
  /** The grader's totals, before overrides. */
  oldRawScore: number | null;
  newRawScore: number;
  checks: CheckChange[];
  carried: CarriedOverride[];
  dropped: DroppedOverride[];
}

export interface RegradeOutcome {
  /** Effective scores: the accepted grade with its overrides; the new grade with the carried ones. */
  oldScore: number | null;
  newScore: number;
  maxScore: number;
  changed: boolean;
  diff: RegradeDiff;
}

export function regradeOutcome(current: CurrentGrade | null, report: GradeReport): RegradeOutcome {
  const after = reportChecks(report);
  const newChecks = new Map(after.map((c) => [c.checkId, c]));
  const carried: CarriedOverride[] = [];
  const dropped: DroppedOverride[] = [];
  for (const check of current?.checks ?? []) {
    if (!check.override) continue;
    const entry = {
      overrideId: check.override.id,
      checkId: check.checkId,
      points: check.override.points,
      reason: check.override.reason,
      who: check.override.who,
    };
    const target = newChecks.get(check.checkId);
    if (!target) dropped.push({ ...entry, why: 'the new spec has no such check' });
    else if (entry.points > target.maxPoints) {
      dropped.push({ ...entry, why: `the check is now worth ${target.maxPoints} points, less than the ${entry.points} given` });
    } else carried.push(entry);
  }
  const oldScore = current
    ? round(current.score + sum(current.checks.map((c) => (c.override ? c.override.points - c.points : 0))))
    : null;
  const newScore = round(report.score + sum(carried.map((o) => o.points - newChecks.get(o.checkId)!.points)));
  const checks = diffChecks(current?.checks ?? [], after);
  return {
    oldScore,
    newScore,
    maxScore: report.maxScore,
    changed: oldScore !== newScore || checks.length > 0 || dropped.length > 0,
    diff: {
      oldSpec: current ? { version: current.specVersion, hash: current.specHash } : null,
      newSpec: { version: report.spec.version, hash: report.spec.hash },
      oldRawScore: current?.score ?? null,
      newRawScore: report.score,
      checks,
      carried,
      dropped,
    },
  };
}

export interface RegradeSummary {
  students: number;
  changed: number;
  unchanged: number;
  failed: number;
  raised: number;
  lowered: number;
  /** Mean change of the effective score over the students graded both times. */
  meanDelta: number | null;
}

export function summarizeRegrade(
  items: { oldScore: number | null; newScore: number | null; changed: boolean; error: string | null }[],
): RegradeSummary {
  const graded = items.filter((i) => i.error === null);
  const deltas = graded.flatMap((i) => (i.oldScore !== null && i.newScore !== null ? [i.newScore - i.oldScore] : []));
  return {
    students: items.length,
    changed: graded.filter((i) => i.changed).length,
    unchanged: graded.filter((i) => !i.changed).length,
    failed: items.length - graded.length,
    raised: deltas.filter((d) => d > 0).length,
    lowered: deltas.filter((d) => d < 0).length,
    meanDelta: deltas.length > 0 ? round(sum(deltas) / deltas.length) : null,
  };
}

/** An evaluation that stopped beating (the API restarted mid-way) will never finish by itself. */
export const REGRADE_STALE_MS = 2 * 60_000;

export function isStale(run: { status: string; heartbeatAt: Date }, now: Date): boolean {
  return run.status === 'evaluating' && now.getTime() - run.heartbeatAt.getTime() > REGRADE_STALE_MS;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
