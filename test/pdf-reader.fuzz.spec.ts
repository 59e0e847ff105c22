import fc from 'fast-check';
import { type SubmissionDocument, UnreadableSubmissionError } from '../src/ingest/document.js';
import { readPdf } from '../src/ingest/pdf.reader.js';
import { figure, smallNotebook, stderr, stdout } from './support/lesson-notebook.js';
import { printNotebookToPdf } from './support/print-pdf.js';

/**
 * Hundreds of damaged copies of a real browser print (flipped bytes, cuts, spliced and repeated
 * chunks): the reader returns a Document or throws UnreadableSubmissionError naming the file,
 * nothing else, and each file is settled within the time limit.
 */
const TIMEOUT_MS = 5000;
/** Time allowed beyond the reader's own limit: replacing a terminated extraction thread. */
const SLACK_MS = 3000;

const NOTEBOOK = smallNotebook([
  { cell_type: 'markdown', metadata: {}, source: '### **Exercise 7: Generate Random Testing Data**\n\nWrite the code.' },
  {
    cell_type: 'code', execution_count: 12, metadata: {},
    source: 'np.random.seed(seed_val)\nfor i in range(3):\n    print(i)',
    outputs: [stdout('Random seed set to 42\n0\n1\n2\n'), stderr('UserWarning: careful\n'), figure(120, 80, 1)],
  },
]);

type Mutation =
  | { kind: 'flip'; bytes: Array<[number, number]> }
  | { kind: 'cut'; at: number; keepTail: boolean }
  | { kind: 'splice'; from: number; to: number; length: number }
  | { kind: 'repeat'; from: number; length: number; times: number };

function mutations(size: number): fc.Arbitrary<Mutation> {
  const at = fc.nat(size - 1);
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), bytes: fc.array(fc.tuple(at, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 24 }) }),
    // keepTail: the end (%%EOF, cross-reference) survives, so pdf.js must cope with a hole in the middle.
    fc.record({ kind: fc.constant('cut' as const), at, keepTail: fc.boolean() }),
    fc.record({ kind: fc.constant('splice' as const), from: at, to: at, length: fc.integer({ min: 1, max: 8192 }) }),
    fc.record({ kind: fc.constant('repeat' as const), from: at, length: fc.integer({ min: 1, max: 2048 }), times: fc.integer({ min: 2, max: 20 }) }),
  );
}

function mutate(original: Buffer, mutation: Mutation): Buffer {
  switch (mutation.kind) {
    case 'flip': {
      const copy = Buffer.from(original);
      for (const [at, value] of mutation.bytes) copy[at] = value;
      return copy;
    }
    case 'cut':
      return mutation.keepTail
        ? Buffer.concat([original.subarray(0, mutation.at), original.subarray(original.length - 1024)])
        : original.subarray(0, mutation.at);
    case 'splice': {
      const copy = Buffer.from(original);
      original.copy(copy, mutation.to, mutation.from, Math.min(original.length, mutation.from + mutation.length));
      return copy;
    }
    case 'repeat': {
      const chunk = original.subarray(mutation.from, mutation.from + mutation.length);
      return Buffer.concat([original.subarray(0, mutation.from), ...Array(mutation.times).fill(chunk), original.subarray(mutation.from)]);
    }
  }
}

function isDocument(value: SubmissionDocument): boolean {
  return (
    value.kind === 'pdf' &&
    value.filename === 'fuzz.pdf' &&
    typeof value.pageCount === 'number' &&
    value.pageCount >= 1 &&
    value.codeMayBeTruncated &&
    value.cells.every((c, i) => c.index === i && ['markdown', 'code'].includes(c.kind) && typeof c.source === 'string')
  );
}

describe('PDF reader under fuzzing', () => {
  let original: Buffer;

  beforeAll(async () => {
    original = await printNotebookToPdf(NOTEBOOK);
  });

  it('reads the unmutated print', async () => {
    const document = await readPdf(original, 'fuzz.pdf');
    expect(document.warnings).toEqual([]);
    expect(document.cells.map((c) => c.kind)).toEqual(['markdown', 'code']);
  });

  it('returns a Document or refuses the file, within the time limit, for every damaged copy', async () => {
    const outcomes = { read: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(mutations(original.length), async (mutation) => {
        const started = Date.now();
        try {
          const document = await readPdf(mutate(original, mutation), 'fuzz.pdf', { timeoutMs: TIMEOUT_MS });
          expect(isDocument(document)).toBe(true);
          outcomes.read++;
        } catch (error) {
          if (!(error instanceof UnreadableSubmissionError)) throw error;
          expect(error.file).toBe('fuzz.pdf');
          expect(error.reason.length).toBeGreaterThan(0);
          outcomes.refused++;
        }
        expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      }),
      // Thousands of mutations in CI; PDF_FUZZ_RUNS raises it for a longer hunt (8,000 found the NaN-matrix bug).
      { numRuns: Number(process.env.PDF_FUZZ_RUNS ?? 1500) },
    );
    // Both paths were exercised: the mutations are neither all fatal nor all harmless.
    expect(outcomes.read).toBeGreaterThan(20);
    expect(outcomes.refused).toBeGreaterThan(20);
    // 1,500 reads take about a minute on a quiet 2-core machine; a busy one needs more room.
  }, 300_000);
});
