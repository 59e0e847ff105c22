import type { FileReport } from '../grading/grade.types.js';
import { flagExerciseId } from '../grading/stored-report.js';
import { parseCanvasFilename } from './canvas-filename.js';

/** One row per file, as an instructor scans it: who, what score, what to look at. */
export function formatTable(reports: FileReport[]): string {
  const rows = reports.map((report) => {
    const canvas = parseCanvasFilename(report.file);
    const who =
      report.status === 'graded' && report.student.email ? report.student.email : canvas ? `${canvas.lastname} (no Gmail)` : '?';
    if (report.status === 'rejected') return [who, report.file, 'REJECTED', report.error];
    const held = (report.holds ?? []).reduce((n, h) => n + h.points, 0);
    const flags = [
      ...report.flags.map((f) => {
        const exercise = flagExerciseId(f);
        return exercise !== null ? `${f.name}(ex${exercise})` : f.name;
      }),
      // Points withheld until staff review (the spec's holds): the score is not final.
      ...((report.holds ?? []).length > 0 ? [`held(${Math.round(held * 1000) / 1000} pts)`] : []),
    ].join(' ');
    return [who, report.file, `${report.score}/${report.maxScore}`, flags || '-'];
  });
  const header = ['student', 'file', 'score', 'flags / reason'];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : truncate(cell, widths[i]).padEnd(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatSummary(reports: FileReport[]): string {
  const graded = reports.filter((r) => r.status === 'graded');
  const rejected = reports.length - graded.length;
  const mean = graded.length ? graded.reduce((s, r) => s + r.score, 0) / graded.length : 0;
  return `${graded.length} graded${graded.length ? ` (mean ${mean.toFixed(1)})` : ''}, ${rejected} rejected`;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
