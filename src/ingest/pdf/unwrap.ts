/**
 * Undo the browser's wrapping of long output lines. Outputs print with `white-space: pre-wrap` in a
 * column `capacity` characters wide: a row is cut at the last space that fits, or inside a word when
 * a word alone reaches the edge (a printed `1.5230298` can come out as `1.5` / `230298`). Output
 * checks match whole printed lines, so the rows are joined back:
 * - a row that fills the column was cut inside a word: joined with nothing;
 * - a row after which the next row's first word would not have fitted was cut at a space: joined
 *   with one space;
 * - a row followed by one starting with a space is a real line end (wrapping never starts a row
 *   with the space it broke at).
 * A real line end can pass for a wrap when a long line is followed by a long first word; the text
 * survives either way, only the line break is lost.
 */
export function unwrapLines(rows: string[], capacity: number): string[] {
  if (capacity < 20) return rows;
  const lines: string[] = [];
  let current: string | null = null;
  let previousRow = '';
  for (const row of rows) {
    if (current === null) {
      current = row;
    } else {
      const joint = wrapJoint(previousRow, row, capacity);
      if (joint === null) {
        lines.push(current);
        current = row;
      } else {
        current += joint + row;
      }
    }
    previousRow = row;
  }
  if (current !== null) lines.push(current);
  return lines;
}

/** How `row` continues `previous` if the browser wrapped there ('' or ' '), else null. */
function wrapJoint(previous: string, row: string, capacity: number): string | null {
  if (row === '' || /^\s/.test(row) || previous === '') return null;
  if (previous.length >= capacity) return '';
  const firstWord = /^\S+/.exec(row)?.[0] ?? '';
  return previous.length + 1 + firstWord.length > capacity ? ' ' : null;
}
