import type { Cell, SubmissionDocument } from '../ingest/document.js';
import type { LoadedSpec } from '../specs/spec.loader.js';
import type { CheckSpec, GradingSpec } from '../specs/spec.schema.js';
import { runCheck } from './checks/index.js';
import { type CheckContext, describeError } from './checks/check.types.js';
import { extractEmail } from './checks/output-checks.js';
import { evidenceOf, locateExercises, locateSection, type SectionEvidence } from './evidence.js';
import { FLAG_WORDING } from './flag-wording.js';
import type { CheckResult, ExerciseResult, ExerciseStatus, Flag, Hold, ReadingAssessment } from './grade.types.js';
import { regex } from './patterns.js';
import { assessReading, readUncertainDetail } from './reading-confidence.js';

export interface RubricResult {
  email: string | null;
  score: number;
  maxScore: number;
  preliminaries: CheckResult[];
  exercises: ExerciseResult[];
  flags: Flag[];
  /** How sure the grader is that it read the hand-in right (reading-confidence.ts). */
  reading: ReadingAssessment;
  /** Points withheld pending staff review, by the spec's `holds` rules. */
  holds: Hold[];
}

/**
 * Grade a read hand-in against a spec: pure, no I/O. Every point comes with the evidence behind it.
 * A check that throws is the grader's fault: it becomes `error` (shown to staff, not charged as `fail`).
 */
export function gradeDocument(document: SubmissionDocument, loaded: LoadedSpec): RubricResult {
  const { spec } = loaded;
  const flags = new FlagSet();
  const preliminaries: CheckResult[] = [];
  let email: string | null = null;

  for (const section of spec.sections) {
    const cells = locateSection(document, section);
    const evidence = evidenceOf(cells, document);
    if (cells.length === 0 && section.missingFlag) {
      flags.add({ name: section.missingFlag, exercise: null, detail: `${section.title}: cell not found` });
    } else if (!evidence.executed && section.missingFlag) {
      // Found by its code, but it never ran (outputs cleared, or never run): it printed nothing.
      flags.add({ name: section.missingFlag, exercise: null, detail: `${section.title}: cell ${cells.map((c) => c.index).join(', ')} never run (no output)` });
    }
    preliminaries.push(...runChecks(section.checks, { evidence, exercise: null }, flags));
    for (const check of section.checks) {
      if (check.kind === 'email') email ??= extractEmail(check.pattern, evidence.output);
    }
  }

  const located = locateExercises(document, spec);
  const exercises = spec.exercises.map((exercise): ExerciseResult => {
    const evidence = evidenceOf(located.get(exercise.number) ?? [], document);
    const maxScore = sum(exercise.checks.map((c) => c.points));
    const base = { number: exercise.number, title: exercise.title, maxScore, cells: evidence.cells.map((c) => c.index) };
    if (evidence.empty) {
      const reason = evidence.cells.length === 0 ? 'no cell found for this exercise' : 'the exercise cell is empty';
      flags.add({ name: 'exercise_missing', exercise: exercise.number, detail: reason });
      const checks = exercise.checks.map((c) => result(c, { status: 'fail', evidence: reason }));
      return { ...base, score: 0, status: 'missing', notes: [reason], checks };
    }
    for (const error of evidence.errors) {
      flags.add({ name: 'error_output', exercise: exercise.number, detail: describeError(error) });
    }
    const checks = runChecks(exercise.checks, { evidence, exercise: exercise.number }, flags);
    const score = sum(checks.map((c) => c.points));
    return { ...base, score, status: exerciseStatus(checks, score, maxScore), notes: notesFor(evidence), checks };
  });

  noteRunOrder(exercises, located);
  const holds = applyHolds(spec, exercises, flags.list());
  const all = [...preliminaries, ...exercises.flatMap((e) => e.checks)];
  const failed = new Set(all.filter((c) => c.status === 'fail').map((c) => c.id));
  const reading = assessReading(document, loaded, located, failed);
  if (reading.uncertain) {
    flags.add({ name: 'read_uncertain', exercise: null, detail: readUncertainDetail(reading) });
    // Never tell a student their work is wrong when it may be our reading that is.
    for (const check of all) if (check.status === 'fail') softenHint(check);
  }
  return {
    email,
    score: round(sum(all.map((c) => c.points))),
    maxScore: round(sum(all.map((c) => c.maxPoints))),
    preliminaries,
    exercises,
    flags: flags.list(),
    reading,
    holds,
  };
}

/**
 * The spec's `holds`: an exercise that raised a held flag keeps `keep` of its points, and the
 * exercises depending on it keep `dependentsKeep`, until staff look. Each check says what it
 * withheld (`withheld`, and in its evidence); the check's status stays what was seen. Where several
 * holds reach an exercise, the smallest share applies and the first hold giving it is charged.
 */
function applyHolds(spec: GradingSpec, exercises: ExerciseResult[], flags: Flag[]): Hold[] {
  const holds: Hold[] = [];
  const reaching = new Map<number, { keep: number; hold: Hold }>();
  for (const rule of spec.holds) {
    for (const flag of flags) {
      if (flag.name !== rule.flag || flag.exercise === null) continue;
      const targets = new Map<number, number>();
      if (rule.keep < 1) targets.set(flag.exercise, rule.keep);
      if (rule.dependentsKeep < 1) {
        for (const n of dependentsOf(spec, flag.exercise)) targets.set(n, Math.min(targets.get(n) ?? 1, rule.dependentsKeep));
      }
      if (targets.size === 0) continue;
      const numbers = [...targets.keys()].sort((a, b) => a - b);
      const hold: Hold = {
        flag: flag.name,
        exercise: flag.exercise,
        exercises: numbers,
        points: 0,
        detail: `Exercise ${flag.exercise} raised ${flag.name} (${flag.detail}): ${describeExercises(numbers)} held until staff review`,
      };
      holds.push(hold);
      for (const [n, keep] of targets) {
        const current = reaching.get(n);
        if (!current || keep < current.keep) reaching.set(n, { keep, hold });
      }
    }
  }
  for (const exercise of exercises) {
    const entry = reaching.get(exercise.number);
    if (!entry) continue;
    const { keep, hold } = entry;
    const reason = `${hold.flag} in Exercise ${hold.exercise}`;
    let withheld = 0;
    for (const check of exercise.checks) {
      const held = round(check.points - check.points * keep);
      if (held <= 0) continue;
      check.withheld = { points: held, flag: hold.flag, reason };
      check.points = round(check.points - held);
      check.evidence = `${check.evidence} — ${held} point${held === 1 ? '' : 's'} withheld until staff review (${reason})`;
      withheld += held;
    }
    hold.points = round(hold.points + withheld);
    exercise.score = round(sum(exercise.checks.map((c) => c.points)));
    if (exercise.status !== 'missing') exercise.status = exerciseStatus(exercise.checks, exercise.score, exercise.maxScore);
    exercise.notes.push(`${withheld} point${withheld === 1 ? '' : 's'} withheld until staff review (${reason})`);
  }
  return holds;
}

/** Exercises that depend on `number`, directly or through others (`dependsOn`). */
function dependentsOf(spec: GradingSpec, number: number): number[] {
  const found = new Set<number>();
  let frontier = [number];
  while (frontier.length > 0) {
    const next = spec.exercises
      .filter((e) => !found.has(e.number) && e.number !== number && e.dependsOn.some((d) => frontier.includes(d)))
      .map((e) => e.number);
    next.forEach((n) => found.add(n));
    frontier = next;
  }
  return [...found].sort((a, b) => a - b);
}

function describeExercises(numbers: number[]): string {
  return numbers.length === 1 ? `Exercise ${numbers[0]}` : `Exercises ${numbers.join(', ')}`;
}

/** A failed check of a hand-in read with low confidence: the student is told staff will look. */
function softenHint(check: CheckResult): void {
  if (check.hint) check.hintIfReadCorrectly = check.hint;
  check.hint = FLAG_WORDING.read_uncertain.student;
}

function runChecks(checks: CheckSpec[], context: CheckContext, flags: FlagSet): CheckResult[] {
  return checks.map((check) => {
    let outcome;
    try {
      outcome = runCheck(check, context);
    } catch (error) {
      outcome = { status: 'error' as const, evidence: `grader error: ${(error as Error).message}`, contradicted: false };
    }
    for (const flag of outcome.flags ?? []) flags.add({ ...flag, exercise: context.exercise });
    if (check.flag) {
      const raised = check.flag.when
        ? regex(check.flag.when).exec(context.evidence.output)
        : outcome.status === 'fail' && outcome.contradicted;
      if (raised) {
        const detail = Array.isArray(raised) ? `printed "${raised[0]}"` : `${check.id}: ${outcome.evidence}`;
        flags.add({ name: check.flag.name, exercise: context.exercise, detail: detail.slice(0, 300) });
      }
    }
    return result(check, outcome);
  });
}

function result(check: CheckSpec, outcome: { status: CheckResult['status']; evidence: string; points?: number }): CheckResult {
  return {
    id: check.id,
    description: check.description,
    status: outcome.status,
    points: outcome.points ?? (outcome.status === 'pass' ? check.points : 0),
    maxPoints: check.points,
    evidence: outcome.evidence,
    ...(check.hint && outcome.status === 'fail' ? { hint: check.hint } : {}),
  };
}

function exerciseStatus(checks: CheckResult[], score: number, maxScore: number): ExerciseStatus {
  if (checks.some((c) => c.status === 'error')) return 'error';
  if (score >= maxScore) return 'pass';
  return score > 0 ? 'partial' : 'fail';
}

/** Facts about how the exercise was run, shown beside its checks. */
function notesFor(evidence: SectionEvidence): string[] {
  const notes: string[] = [];
  const neverRun = evidence.cells.filter((c) => c.kind === 'code' && c.executionCount === null && c.outputs.length === 0 && c.source.trim());
  if (neverRun.length > 0) notes.push(`cell ${neverRun.map((c) => c.index).join(', ')} never run`);
  if (evidence.cells.length > 1) notes.push(`${evidence.cells.length} code cells attributed to this exercise`);
  return notes;
}

/**
 * Execution order is evidence: an exercise run before the one it builds on (a lower `In [n]` than the
 * previous exercise's) may have used stale variables, or its output may come from another session.
 */
function noteRunOrder(exercises: ExerciseResult[], located: Map<number, Cell[]>): void {
  let previous: { number: number; count: number } | null = null;
  for (const exercise of exercises) {
    const counts = (located.get(exercise.number) ?? []).map((c) => c.executionCount).filter((n): n is number => n !== null);
    if (counts.length === 0) continue;
    const count = Math.max(...counts);
    if (previous && count < previous.count) {
      exercise.notes.push(`run before Exercise ${previous.number} (In [${count}] < In [${previous.count}])`);
    }
    previous = { number: exercise.number, count };
  }
}

/** Flags deduplicated by (name, exercise): one per finding, first detail kept. */
class FlagSet {
  private readonly flags = new Map<string, Flag>();
  add(flag: Flag): void {
    const key = `${flag.name}:${flag.exercise ?? '-'}`;
    if (!this.flags.has(key)) this.flags.set(key, flag);
  }
  list(): Flag[] {
    return [...this.flags.values()];
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const round = (value: number) => Math.round(value * 1000) / 1000;
