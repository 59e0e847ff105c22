/**
 * Canvas names downloaded submissions `lastname_[LATE_]<userId>_<submissionId>_<original name>`,
 * e.g. `smith_12345_67890_Class_06_2.smith.pdf`. The name is the best label when no Gmail is printed.
 */
export interface CanvasName {
  lastname: string;
  late: boolean;
  userId: string;
}

// Canvas's user and submission ids are long numbers: "Class_02_4_Solutions" is not "class", user 02.
const CANVAS_PATTERN = /^([a-z][a-z-]*)_(late_)?(\d{3,})_(\d{3,})_/i;

export function parseCanvasFilename(filename: string): CanvasName | null {
  const match = CANVAS_PATTERN.exec(filename);
  if (!match) return null;
  return { lastname: match[1].toLowerCase(), late: Boolean(match[2]), userId: match[3] };
}
