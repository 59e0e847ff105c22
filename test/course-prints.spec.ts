import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closePdfExtraction } from '../src/ingest/pdf/extract.js';
import { readPdf } from '../src/ingest/pdf.reader.js';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { gradeDocument } from '../src/grading/rubric.engine.js';
import { SpecRegistry } from '../src/specs/spec.registry.js';
import { projectPath } from '../src/paths.js';
import { ColabPrinter, COLAB_PRINT_VARIANTS, printColabStyle } from './support/colab-print.js';
import { describeWithReference, REFERENCE_DIR } from './support/reference.js';

/**
 * Instructor runs of three course lessons printed as Colab's File → Print does (test/support/
 * colab-print.ts: form cells show their title only, headings lose # and **), then read and graded as
 * a student's PDF hand-in would be: the print is recognised as the same lesson revision as its
 * notebook, and no exercise scores less than in the notebook unless the grade says staff must look
 * (read_uncertain). One exercise-step lesson, one with lettered exercises, one assignment.
 */
const RUNS = [
  'Class_05_1_Solutions@f839e89.ipynb',
  'Class_02_3_Solutions@bbb761c.ipynb',
  'Assignment_01_Regression_Solutions_DiabetesProg@090e106.ipynb',
];

describeWithReference('course/solutions')('course lessons handed in as Colab prints', () => {
  let registry: SpecRegistry;
  const printer = new ColabPrinter();
  beforeAll(async () => {
    registry = await SpecRegistry.load(projectPath('grading-specs'));
  });
  afterAll(async () => {
    await printer.close();
    await closePdfExtraction();
  });

  for (const file of RUNS) {
    it(`${file}: the print is the same lesson and loses no points silently`, async () => {
      const json = JSON.parse(readFileSync(join(REFERENCE_DIR, 'course', 'solutions', file), 'utf8')) as object;
      const notebook = readNotebook(Buffer.from(JSON.stringify(json)), file);
      const fromNotebook = registry.recognise(notebook);
      expect(fromNotebook.spec).not.toBeNull();
      const pdf = await printColabStyle(json, { ...COLAB_PRINT_VARIANTS['boxed-letter'], fileName: file, printer });
      const document = await readPdf(new Uint8Array(pdf), file.replace(/\.ipynb$/, '.pdf'));
      const fromPrint = registry.recognise(document);
      expect(fromPrint.spec?.spec.id ?? (fromPrint as { reason: string }).reason).toBe(fromNotebook.spec!.spec.id);

      const graded = gradeDocument(notebook, fromNotebook.spec!);
      const printed = gradeDocument(document, fromPrint.spec!);
      const staffWillLook = printed.flags.some((f) => f.name === 'read_uncertain');
      const lost = printed.exercises
        .filter((e) => e.score < graded.exercises.find((n) => n.id === e.id)!.score)
        .map((e) => `${e.id}: ${e.score} < ${graded.exercises.find((n) => n.id === e.id)!.score} (${e.checks.find((c) => c.status === 'fail')?.evidence.slice(0, 140)})`);
      if (!staffWillLook) expect(lost).toEqual([]);
      // Whatever the reading, the print never scores more than the notebook it was printed from.
      expect(printed.score).toBeLessThanOrEqual(graded.score + 1e-9);
    }, 240_000);
  }
});
