import type { FileReport, GradeReport } from '../grading/grade.types.js';
import { type CanvasAssignmentColumn, type CanvasStudentScores, formatCanvasGradebookColumns } from '../review/export/canvas-csv.js';
import { parseCanvasFilename } from './canvas-filename.js';

/**
 * The CLI's Canvas gradebook for a folder of hand-ins (`grade -- --canvas-csv out.csv FOLDER`): one
 * column per lesson graded (its spec's title and id), one row per student. A student is the Canvas
 * user id in the file's name (`smith_12345_67890_…`, as Canvas names downloaded submissions; Canvas's
 * importer finds the student by it), else the Gmail the hand-in printed. Where a student handed in
 * one lesson twice, the higher score counts. Rejected files and students known by neither are left
 * out, and said so by the caller.
 */
export interface CliGradebook {
  csv: string;
  students: number;
  columns: CanvasAssignmentColumn[];
  /** Graded files that name no student: not in the CSV. */
  unmatched: string[];
}

export function canvasGradebookOf(reports: FileReport[]): CliGradebook {
  const graded = reports.filter((r): r is GradeReport & { file: string } => r.status === 'graded');
  const lessons = new Map<string, CanvasAssignmentColumn>();
  const students = new Map<string, { row: Omit<CanvasStudentScores, 'scores'>; scores: Map<string, number> }>();
  const unmatched: string[] = [];
  for (const report of graded) {
    const lesson = report.spec.id;
    if (!lessons.has(lesson)) lessons.set(lesson, { title: `${report.spec.title ?? lesson} [${lesson}]`, canvasAssignmentId: null, pointsPossible: report.maxScore });
    const canvas = parseCanvasFilename(report.file);
    const key = canvas ? `canvas:${canvas.userId}` : report.student.email ? `email:${report.student.email}` : null;
    if (!key) {
      unmatched.push(report.file);
      continue;
    }
    const entry = students.get(key) ?? {
      row: {
        student: canvas ? capitalise(canvas.lastname) : report.student.email!,
        canvasUserId: canvas?.userId ?? null,
        sisUserId: null,
        // Canvas's login id for a course that signs in with Google is the Gmail address.
        sisLoginId: canvas ? null : report.student.email,
        section: null,
      },
      scores: new Map<string, number>(),
    };
    entry.scores.set(lesson, Math.max(entry.scores.get(lesson) ?? Number.NEGATIVE_INFINITY, report.score));
    students.set(key, entry);
  }
  const lessonIds = [...lessons.keys()].sort();
  const columns = lessonIds.map((id) => lessons.get(id)!);
  const rows = [...students.values()]
    .sort((a, b) => a.row.student.localeCompare(b.row.student))
    .map(({ row, scores }) => ({ ...row, scores: lessonIds.map((id) => scores.get(id) ?? null) }));
  return { csv: formatCanvasGradebookColumns(columns, rows), students: rows.length, columns, unmatched };
}

const capitalise = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
