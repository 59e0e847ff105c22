/**
 * Exercise ids as the course writes them: "1", "2A", "2B", "10", or a name ("bonus"). The id is what
 * keys an exercise everywhere and what people read ("Exercise 2A"); `number` stays beside it in the
 * results contract as the id's leading integer (2 for "2A"), for consumers that predate ids.
 */

/** What an id may look like (spec.schema.ts): digits with an optional letter, or a plain name. */
export const EXERCISE_ID_PATTERN = /^[0-9]+[A-Za-z]?$|^[A-Za-z0-9_-]+$/;

/** The id's leading integer ("2A" → 2, "10" → 10), or null when it has none ("bonus"). */
export function leadingNumber(id: string): number | null {
  const match = /^[0-9]+/.exec(id);
  return match ? Number(match[0]) : null;
}

/**
 * The id of an exercise result, flag or hold that may have been stored before ids existed: those
 * carried only the number, which was then the whole id.
 */
export function idOf(item: { id?: string | null; number: number }): string;
export function idOf(item: { id?: string | null; number: number | null }): string | null;
export function idOf(item: { id?: string | null; number: number | null }): string | null {
  if (typeof item.id === 'string') return item.id;
  return item.number === null ? null : String(item.number);
}

/**
 * Course order: by leading integer ("2" < "2A" < "2B" < "3" < "10"), then the rest of the id; ids
 * with no leading integer come last, by name.
 */
export function compareExerciseIds(a: string, b: string): number {
  const na = leadingNumber(a);
  const nb = leadingNumber(b);
  if (na !== nb) {
    if (na === null) return 1;
    if (nb === null) return -1;
    return na - nb;
  }
  const ra = a.replace(/^[0-9]+/, '');
  const rb = b.replace(/^[0-9]+/, '');
  return ra < rb ? -1 : ra > rb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** "Exercise 2A", or "Exercises 2A, 2B, 3" for several. */
export function describeExercises(ids: readonly string[]): string {
  return ids.length === 1 ? `Exercise ${ids[0]}` : `Exercises ${ids.join(', ')}`;
}

/** The id as a literal inside a regular expression (what `{n}` in a spec's `locate` patterns stands for). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\\-/]/g, '\\$&');
}

/** A stored row (CheckResult, ExerciseScore) written before ids has only the number, which was then the id. */
export function withRowExerciseId<R extends { exerciseNumber: number | null; exerciseId: string | null }>(row: R): R {
  return row.exerciseId !== null || row.exerciseNumber === null ? row : { ...row, exerciseId: String(row.exerciseNumber) };
}
