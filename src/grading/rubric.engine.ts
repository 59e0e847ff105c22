import type { Cell, SubmissionDocument } from '../ingest/document.js';
import type { LoadedSpec } from '../specs/spec.loader.js';
import type { CheckSpec, GradingSpec } from '../specs/spec.schema.js';
import { runCheck } from './checks/index.js';
import { type CheckContext, describeError } from './checks/check.types.js';
import { extractEmail } from './checks/output-checks.js';
import { evidenceOf, locateExercises, locateSection, type SectionEvidence } from './evidence.js';
import { describeExercises } from './exercise-id.js';
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
      flags.add({ name: section.missingFlag, ...NO_EXERCISE, detail: `${section.title}: cell not found` });
    } else if (!evidence.executed && section.missingFlag) {
      // Found by its code, but it never ran (outputs cleared, or never run): it printed nothing.
      flags.add({ name: section.missingFlag, ...NO_EXERCISE, detail: `${section.title}: cell ${cells.map((c) => c.index).join(', ')} never run (no output)` });
    }
    preliminaries.push(...runChecks(section.checks, { evidence, exercise: null }, NO_EXERCISE, flags));
    for (const check of section.checks) {
      if (check.kind === 'email') email ??= extractEmail(check.pattern, evidence.output);
    }
  }

  const located = locateExercises(document, spec);
  const exercises = spec.exercises.map((exercise): ExerciseResult => {
    const evidence = evidenceOf(located.get(exercise.id) ?? [], document);
    const maxScore = sum(exercise.checks.map((c) => c.points));
    const base = { id: exercise.id, number: exercise.number, title: exercise.title, maxScore, cells: evidence.cells.map((c) => c.index) };
    const about = { exercise: exercise.number, exerciseId: exercise.id };
    // A notebook keeps its execution counts: code that never ran printed nothing to grade, whether it
    // is the lesson's pre-filled template or the student's own (outputs cleared before saving).
    const neverRun = document.kind === 'ipynb' && !evidence.empty && !evidence.executed;
    if (evidence.empty || neverRun) {
      // Said so that a student reading one line of feedback knows which exercise and what to do.
      const label = `Exercise ${exercise.id}`;
      const reason =
        evidence.cells.length === 0 ? `${label} was not found (no cell under its heading or marked with its number)`
        : neverRun ? `${label} was never run: it has code but no output (run it, then save the notebook)`
        : `${label} is empty`;
      flags.add({ name: 'exercise_missing', ...about, detail: reason });
      // The checks' own hints are about a wrong answer; here there is none yet: say what to do.
      const hint =
        evidence.cells.length === 0 ? `Write ${label} in the code cell under its heading (or start a cell with "# ${label}"), run it, and save the notebook.`
        : neverRun ? `Run the cell of ${label}, then save the notebook with its output.`
        : `Write your code for ${label} in its cell, run it, and save the notebook.`;
      const checks = exercise.checks.map((c) => result(c, { status: 'fail', evidence: reason, hint }));
      return { ...base, score: 0, status: 'missing', notes: [reason], checks };
    }
    for (const error of evidence.errors) {
      flags.add({ name: 'error_output', ...about, detail: describeError(error) });
    }
    const checks = runChecks(exercise.checks, { evidence, exercise: exercise.id }, about, flags);
    const score = sum(checks.map((c) => c.points));
    return { ...base, score, status: exerciseStatus(checks, score, maxScore), notes: notesFor(evidence), checks };
  });

  noteRunOrder(exercises, located);
  const holds = applyHolds(spec, exercises, flags.list());
  const all = [...preliminaries, ...exercises.flatMap((e) => e.checks)];
  const failed = new Set(all.filter((c) => c.status === 'fail').map((c) => c.id));
  const reading = assessReading(document, loaded, located, failed);
  if (reading.uncertain) {
    flags.add({ name: 'read_uncertain', ...NO_EXERCISE, detail: readUncertainDetail(reading) });
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
 * Exercises are keyed by id; a hold lists the ones it reaches in spec order.
 */
function applyHolds(spec: GradingSpec, exercises: ExerciseResult[], flags: Flag[]): Hold[] {
  const holds: Hold[] = [];
  const position = new Map(spec.exercises.map((e, index) => [e.id, index]));
  const numberOf = new Map(spec.exercises.map((e) => [e.id, e.number]));
  const reaching = new Map<string, { keep: number; hold: Hold }>();
  for (const rule of spec.holds) {
    for (const flag of flags) {
      if (flag.name !== rule.flag || flag.exerciseId === null) continue;
      const targets = new Map<string, number>();
      if (rule.keep < 1) targets.set(flag.exerciseId, rule.keep);
      if (rule.dependentsKeep < 1) {
        for (const id of dependentsOf(spec, flag.exerciseId)) targets.set(id, Math.min(targets.get(id) ?? 1, rule.dependentsKeep));
      }
      if (targets.size === 0) continue;
      const ids = [...targets.keys()].sort((a, b) => position.get(a)! - position.get(b)!);
      const hold: Hold = {
        flag: flag.name,
        exercise: flag.exercise,
        exerciseId: flag.exerciseId,
        exercises: ids.map((id) => numberOf.get(id)!),
        exerciseIds: ids,
        points: 0,
        detail: `Exercise ${flag.exerciseId} raised ${flag.name} (${flag.detail}): ${describeExercises(ids)} held until staff review`,
      };
      holds.push(hold);
      for (const [id, keep] of targets) {
        const current = reaching.get(id);
        if (!current || keep < current.keep) reaching.set(id, { keep, hold });
      }
    }
  }
  for (const exercise of exercises) {
    const entry = reaching.get(exercise.id);
    if (!entry) continue;
    const { keep, hold } = entry;
    const reason = `${hold.flag} in Exercise ${hold.exerciseId}`;
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

/** Ids of the exercises that depend on `id`, directly or through others (`dependsOn`), in spec order. */
function dependentsOf(spec: GradingSpec, id: string): string[] {
  const found = new Set<string>();
  let frontier = [id];
  while (frontier.length > 0) {
    const next = spec.exercises
      .filter((e) => !found.has(e.id) && e.id !== id && e.dependsOn.some((d) => frontier.includes(d)))
      .map((e) => e.id);
    next.forEach((n) => found.add(n));
    frontier = next;
  }
  return spec.exercises.map((e) => e.id).filter((e) => found.has(e));
}

/** A failed check of a hand-in read with low confidence: the student is told staff will look. */
function softenHint(check: CheckResult): void {
  if (check.hint) check.hintIfReadCorrectly = check.hint;
  check.hint = FLAG_WORDING.read_uncertain.student;
}

/** The exercise a flag is about: its leading integer and its id (both null for the hand-in as a whole). */
type FlagSubject = Pick<Flag, 'exercise' | 'exerciseId'>;
const NO_EXERCISE: FlagSubject = { exercise: null, exerciseId: null };

function runChecks(checks: CheckSpec[], context: CheckContext, about: FlagSubject, flags: FlagSet): CheckResult[] {
  return checks.map((check) => {
    let outcome;
    try {
      outcome = runCheck(check, context);
    } catch (error) {
      outcome = { status: 'error' as const, evidence: `grader error: ${(error as Error).message}`, contradicted: false };
    }
    for (const flag of outcome.flags ?? []) flags.add({ ...flag, ...about });
    if (check.flag) {
      const raised = check.flag.when
        ? regex(check.flag.when).exec(context.evidence.output)
        : outcome.status === 'fail' && outcome.contradicted;
      if (raised) {
        const detail = Array.isArray(raised) ? `printed "${raised[0]}"` : `${check.id}: ${outcome.evidence}`;
        flags.add({ name: check.flag.name, ...about, detail: detail.slice(0, 300) });
      }
    }
    return result(check, outcome);
  });
}

function result(check: CheckSpec, outcome: { status: CheckResult['status']; evidence: string; points?: number; hint?: string }): CheckResult {
  const hint = outcome.hint ?? check.hint;
  return {
    id: check.id,
    description: check.description,
    status: outcome.status,
    points: outcome.points ?? (outcome.status === 'pass' ? check.points : 0),
    maxPoints: check.points,
    evidence: outcome.evidence,
    ...(hint && outcome.status === 'fail' ? { hint } : {}),
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
function noteRunOrder(exercises: ExerciseResult[], located: Map<string, Cell[]>): void {
  let previous: { id: string; count: number } | null = null;
  for (const exercise of exercises) {
    const counts = (located.get(exercise.id) ?? []).map((c) => c.executionCount).filter((n): n is number => n !== null);
    if (counts.length === 0) continue;
    const count = Math.max(...counts);
    if (previous && count < previous.count) {
      exercise.notes.push(`run before Exercise ${previous.id} (In [${count}] < In [${previous.count}])`);
    }
    previous = { id: exercise.id, count };
  }
}

/** Flags deduplicated by (name, exercise id): one per finding, first detail kept. */
class FlagSet {
  private readonly flags = new Map<string, Flag>();
  add(flag: Flag): void {
    const key = `${flag.name}:${flag.exerciseId ?? '-'}`;
    if (!this.flags.has(key)) this.flags.set(key, flag);
  }
  list(): Flag[] {
    return [...this.flags.values()];
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const round = (value: number) => Math.round(value * 1000) / 1000;
