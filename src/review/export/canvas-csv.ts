/**
 * Canvas's gradebook import CSV, in the shape Canvas's own export has and its importer reads
 * (canvas-lms GradebookImporter):
 *
 *   Student,ID,SIS User ID,SIS Login ID,Section,<Assignment title> (<Canvas assignment id>)
 *       Points Possible,,,,,<points>
 *   "Last, First",<Canvas user id>,<SIS user id>,<SIS login id>,<section>,<score>
 *
 * The importer finds a student by ID, then SIS User ID, then SIS Login ID, then by name; it finds the
 * assignment by the id in parentheses (or else by title). The second row starts with four spaces, as
 * Canvas writes it (the importer recognises it by the words "Points Possible"). A blank score leaves
 * Canvas's grade unchanged.
 */
import { csvRows, formatPoints } from './csv.js';

export interface CanvasAssignmentColumn {
  title: string;
  /** Canvas's numeric assignment id; null: Canvas matches the column by title (or creates one). */
  canvasAssignmentId: string | null;
  pointsPossible: number;
}

export interface CanvasStudentRow {
  /** Name as Canvas shows it ("Last, First" in its exports); any form Canvas knows matches. */
  student: string;
  canvasUserId: string | null;
  sisUserId: string | null;
  sisLoginId: string | null;
  section: string | null;
  /** Effective score; null leaves the cell blank. */
  score: number | null;
}

export const CANVAS_STUDENT_COLUMNS = ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section'] as const;
export const CANVAS_POINTS_POSSIBLE = '    Points Possible';

export class CanvasExportError extends Error {}

export function canvasAssignmentHeader(column: CanvasAssignmentColumn): string {
  const title = column.title.trim();
  if (!title) throw new CanvasExportError('the assignment needs a title for the Canvas column');
  if (column.canvasAssignmentId === null) return title;
  if (!/^\d+$/.test(column.canvasAssignmentId)) {
    throw new CanvasExportError(`Canvas assignment id must be a number, not "${column.canvasAssignmentId}"`);
  }
  return `${title} (${column.canvasAssignmentId})`;
}

export function formatCanvasGradebook(column: CanvasAssignmentColumn, students: CanvasStudentRow[]): string {
  return formatCanvasGradebookColumns([column], students.map(({ score, ...student }) => ({ ...student, scores: [score] })));
}

/** A student's row of a gradebook with several assignments: one score per column, in column order. */
export type CanvasStudentScores = Omit<CanvasStudentRow, 'score'> & { scores: (number | null)[] };

/** The gradebook with one column per assignment (a class's whole course, or the CLI's folder). */
export function formatCanvasGradebookColumns(columns: CanvasAssignmentColumn[], students: CanvasStudentScores[]): string {
  const header = [...CANVAS_STUDENT_COLUMNS, ...columns.map(canvasAssignmentHeader)];
  const pointsPossible = [CANVAS_POINTS_POSSIBLE, '', '', '', '', ...columns.map((c) => formatPoints(c.pointsPossible))];
  const rows = students.map((s) => [
    s.student,
    s.canvasUserId ?? '',
    s.sisUserId ?? '',
    s.sisLoginId ?? '',
    s.section ?? '',
    ...columns.map((_, i) => (s.scores[i] === null || s.scores[i] === undefined ? '' : formatPoints(s.scores[i]!))),
  ]);
  return csvRows([header, pointsPossible, ...rows]);
}
