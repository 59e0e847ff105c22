/** RFC 4180 CSV: fields with a comma, quote, CR or LF are quoted, quotes doubled; rows end in CRLF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvRows(rows: string[][]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** Points as Canvas shows them: at most two decimals, no trailing zeros ("87.5", "100"). */
export function formatPoints(points: number): string {
  return String(Math.round(points * 100) / 100);
}
