import type { FileReport, GradeReport } from '../grading/grade.types.js';
import { canvasGradebookOf } from './canvas-gradebook.js';

function graded(file: string, lesson: string, score: number, email: string | null, maxScore = 50): FileReport {
  return {
    file, kind: 'ipynb', status: 'graded', sha256: 'x'.repeat(64),
    student: { email, verified: null },
    spec: { id: lesson, version: '1.0.0', hash: 'y'.repeat(64), title: `Lesson ${lesson}` },
    graderVersion: '0.1.0', score, maxScore, preliminaries: [], exercises: [], flags: [],
  } as unknown as GradeReport;
}

describe('the CLI\'s Canvas gradebook', () => {
  it('puts one column per lesson and one row per student, the better of two hand-ins of a lesson', () => {
    const book = canvasGradebookOf([
      graded('smith_12345_900_Class_01_2.ipynb', 'class_01_2_rev3', 40, 'ana.smith@gmail.com'),
      graded('smith_12345_901_Class_05_1.pdf', 'class_05_1_rev4', 35, null),
      graded('smith_LATE_12345_902_Class_01_2.ipynb', 'class_01_2_rev3', 45, 'ana.smith@gmail.com'),
      graded('de-la-cruz_777_903_Class_05_1.ipynb', 'class_05_1_rev4', 50, 'jd@gmail.com'),
      graded('notebook.ipynb', 'class_05_1_rev4', 20, 'bo.li@gmail.com'),
      graded('anonymous.ipynb', 'class_05_1_rev4', 10, null),
      { file: 'bad.docx', kind: null, status: 'rejected', error: 'unsupported file type' },
    ]);
    expect(book.csv.split('\r\n')).toEqual([
      'Student,ID,SIS User ID,SIS Login ID,Section,Lesson class_01_2_rev3 [class_01_2_rev3],Lesson class_05_1_rev4 [class_05_1_rev4]',
      '    Points Possible,,,,,50,50',
      'bo.li@gmail.com,,,bo.li@gmail.com,,,20',
      'De-La-Cruz,777,,,,,50',
      'Smith,12345,,,,45,35',
      '',
    ]);
    expect(book).toMatchObject({ students: 3, unmatched: ['anonymous.ipynb'] });
  });
});
