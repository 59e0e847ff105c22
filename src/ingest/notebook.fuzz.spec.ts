import fc from 'fast-check';
import { UnreadableSubmissionError } from './document.js';
import { readNotebook } from './notebook.reader.js';

/**
 * Thousands of mutated notebooks: the reader either returns a Document or throws
 * UnreadableSubmissionError with a reason; never anything else, never a hang.
 */
const SEED_NOTEBOOK = {
  nbformat: 4,
  nbformat_minor: 0,
  metadata: { colab: { gpuType: 'T4' }, accelerator: 'GPU' },
  cells: [
    { cell_type: 'markdown', metadata: {}, source: ['### **Exercise 7: Generate Random Testing Data**'] },
    {
      cell_type: 'code', execution_count: 12, metadata: {}, source: 'seed_val = 123\nprint(seed_val)',
      outputs: [
        { output_type: 'stream', name: 'stdout', text: ['Random seed set to 123\n'] },
        { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'text/plain': '<Figure>' }, metadata: {} },
        { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[31mValueError\u001b[0m: bad'] },
      ],
    },
  ],
};
const SEED_TEXT = JSON.stringify(SEED_NOTEBOOK);

function readsCleanly(bytes: Uint8Array): boolean {
  try {
    const document = readNotebook(bytes, 'fuzz.ipynb');
    return Array.isArray(document.cells);
  } catch (error) {
    if (error instanceof UnreadableSubmissionError && error.reason.length > 0) return true;
    throw error;
  }
}

describe('notebook reader under fuzzing', () => {
  it('survives byte-level mutations (flips, truncation, splices)', () => {
    const bytes = new TextEncoder().encode(SEED_TEXT);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(bytes.length),
        (flips, cut) => {
          const mutated = bytes.slice(0, Math.max(1, cut));
          for (const [at, value] of flips) if (at < mutated.length) mutated[at] = value;
          return readsCleanly(mutated);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('survives structurally wrong JSON in every field', () => {
    const anything = fc.anything({ maxDepth: 3 });
    fc.assert(
      fc.property(
        fc.record({
          nbformat: fc.oneof(fc.constant(4), anything),
          metadata: fc.oneof(fc.constant({}), anything),
          cells: fc.oneof(
            fc.array(
              fc.record({
                cell_type: fc.oneof(fc.constantFrom('code', 'markdown', 'raw'), anything),
                source: fc.oneof(fc.string(), fc.array(fc.string()), anything),
                execution_count: fc.oneof(fc.integer(), fc.constant(null), anything),
                outputs: fc.oneof(fc.array(anything), fc.array(fc.record({ output_type: fc.constantFrom('stream', 'error', 'display_data', 'execute_result'), text: anything, data: anything, traceback: anything }))),
              }, { requiredKeys: [] }),
            ),
            anything,
          ),
        }, { requiredKeys: [] }),
        (notebook) => readsCleanly(new TextEncoder().encode(JSON.stringify(notebook) ?? 'null')),
      ),
      { numRuns: 2000 },
    );
  });
});
