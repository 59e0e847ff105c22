/**
 * Canvas names downloaded submissions `lastname_[LATE_]<userId>_<submissionId>_<original name>`,
 * e.g. `smith_12345_67890_Class_06_2.smith.pdf`. The name is the best label when no Gmail is printed.
 */
export interface CanvasName {
  lastname: string;
  late: boolean;
  userId: string;
}

const CANVAS_PATTERN = /^([a-z][a-z-]*)_(late_)?(\d+)_(\d+)_/i;

export function parseCanvasFilename(filename: string): CanvasName | null {
  const match = CANVAS_PATTERN.exec(filename);
  if (!match) return null;
  return { lastname: match[1].toLowerCase(), late: Boolean(match[2]), userId: match[3] };
}
