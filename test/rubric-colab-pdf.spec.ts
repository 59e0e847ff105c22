/**
 * Hand-ins printed with Colab's own File → Print (no `In [n]:` prompts) grade as their notebooks do:
 * the honest one 100/100, every dishonest one with the flags its notebook gets. The prints come from
 * test/support/colab-print.ts (Colab's layouts rebuilt and printed by Debian's chromium) in each
 * variant: boxed (2025+) and indented (2020–2024), with and without the browser's header and
 * footer, Letter and A4, and Safari's print of the live page.
 */
import { closePdfExtraction } from '../src/ingest/pdf/extract.js';
import { readPdf } from '../src/ingest/pdf.reader.js';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import type { SubmissionDocument } from '../src/ingest/document.js';
import { gradeDocument, type RubricResult } from '../src/grading/rubric.engine.js';
import { type LoadedSpec, loadSpecFile } from '../src/specs/spec.loader.js';
import { buildSubmission, FIXTURE_VARIANTS, type FixtureVariant, notebookText } from './fixtures/submissions.js';
import { COLAB_PRINT_VARIANTS, type ColabPrintVariant, ColabPrinter, printColabStyle } from './support/colab-print.js';
import { renderColabHtml } from './support/colab-html.js';

/** The variants graded here ('indented2020-letter', the same look with a header, is for people to look at). */
const PRINTS: ColabPrintVariant[] = ['boxed-letter', 'boxed-a4-noheader', 'indented-a4', 'indented2020-letter-noheader', 'safari-a4'];
const DISHONEST: FixtureVariant[] = ['seed42', 'missing8to10', 'cpuRuntime', 'wrongResolution244', 'tracebackEx5', 'parityFailure', 'editedSeedOutput'];

let spec: LoadedSpec;
const printer = new ColabPrinter();
beforeAll(async () => {
  spec = await loadSpecFile('grading-specs/class_06_2.yaml');
});
afterAll(async () => {
  await printer.close();
  await closePdfExtraction();
});

const flags = (result: RubricResult) => result.flags.map((f) => `${f.name}@${f.exercise ?? '-'}`).sort();
const summary = (result: RubricResult) => ({
  score: result.score,
  email: result.email,
  exercises: result.exercises.map((e) => `${e.number}:${e.status}:${e.score}`),
  flags: flags(result),
});

const notebookResults = new Map<FixtureVariant, RubricResult>();
function gradeNotebook(variant: FixtureVariant): RubricResult {
  if (!notebookResults.has(variant)) {
    const text = notebookText(buildSubmission(FIXTURE_VARIANTS[variant]));
    notebookResults.set(variant, gradeDocument(readNotebook(Buffer.from(text), `${variant}.ipynb`), spec));
  }
  return notebookResults.get(variant)!;
}

const documents = new Map<string, Promise<SubmissionDocument>>();
function readPrint(variant: FixtureVariant, print: ColabPrintVariant): Promise<SubmissionDocument> {
  const key = `${variant}.${print}`;
  if (!documents.has(key)) {
    documents.set(
      key,
      printColabStyle(buildSubmission(FIXTURE_VARIANTS[variant]), { ...COLAB_PRINT_VARIANTS[print], printer }).then((pdf) => readPdf(pdf, `${key}.pdf`)),
    );
  }
  return documents.get(key)!;
}

describe.each(PRINTS)('a Colab print (%s)', (print) => {
  it('is read as the Colab layout it is, with the whole notebook', async () => {
    const document = await readPrint('good', print);
    expect(document.kind).toBe('pdf');
    expect(document.pageCount).toBeGreaterThanOrEqual(20);
    expect(document.reading.layout).toBe(COLAB_PRINT_VARIANTS[print].layout === 'boxed' ? 'colab-boxed' : 'colab-indented');
  }, 180_000);

  it('grades the honest hand-in 100/100, as its notebook', async () => {
    const result = gradeDocument(await readPrint('good', print), spec);
    expect(summary(result)).toEqual(summary(gradeNotebook('good')));
    expect(result.score).toBe(100);
  }, 180_000);

  it.each(DISHONEST)('flags the %s hand-in as its notebook', async (variant) => {
    const result = gradeDocument(await readPrint(variant, print), spec);
    expect(flags(result)).toEqual(flags(gradeNotebook(variant)));
  }, 180_000);
});

describe('the Colab print renderer', () => {
  const notebook = {
    cells: [
      { cell_type: 'markdown', metadata: {}, source: '## Classification <script>x</script>\n\nA `fit_flow` for **fitting** & [a link](http://x).' },
      {
        cell_type: 'code',
        metadata: {},
        source: 'df = make()  # fit <b>\ndf.head()',
        outputs: [
          {
            output_type: 'execute_result',
            metadata: {},
            execution_count: 1,
            data: { 'text/plain': '   a', 'text/html': '<table><thead><tr><th></th><th>a</th></tr></thead><tbody><tr><th>0</th><td>1 &amp; <b>2</b></td></tr></tbody></table>' },
          },
        ],
      },
      { cell_type: 'code', metadata: { cellView: 'form' }, source: '# @title Exercise 10: Speed\nsecret_code()', outputs: [] },
    ],
  };

  it('escapes what the notebook says and prints DataFrames as tables with Colab\'s buttons', () => {
    const html = renderColabHtml(notebook, 'boxed');
    expect(html).not.toContain('<script>');
    expect(html).toContain('# fit &lt;b&gt;');
    expect(html).toContain('<td>1 &amp; 2</td>');
    expect(html).toContain('Next steps: <span class="button">Generate code with df</span>');
    expect(html).toContain('keyboard_arrow_down');
    // A form cell shows its title, not its code, unless asked.
    expect(html).toContain('Exercise 10: Speed');
    expect(html).not.toContain('secret_code');
    expect(renderColabHtml(notebook, 'boxed', { formCode: 'shown' })).toContain('secret_code()');
  });

  it('drops the ligatures from Safari\'s prose only, never from code', () => {
    const html = renderColabHtml(notebook, 'safari');
    expect(html).toContain('Classi4cation');
    expect(html).toContain('<strong>4Wing</strong>'); // "fitting": fi → 4, tt → W
    expect(html).toContain('<code>fit_flow</code>');
    expect(html).toContain('df = make()  # fit');
    expect(html).not.toContain('keyboard_arrow_down');
  });
});
