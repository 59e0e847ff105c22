import type { Cell, SubmissionDocument } from '../ingest/document.js';
import { loadSpecFile } from '../specs/spec.loader.js';
import type { GradingSpec } from '../specs/spec.schema.js';
import { isBlankCode, locateExercises } from './evidence.js';

let spec: GradingSpec;
beforeAll(async () => {
  spec = (await loadSpecFile('grading-specs/class_06_2.yaml')).spec;
});

let nextIndex = 0;
const markdown = (source: string): Cell => ({ index: nextIndex++, kind: 'markdown', source, executionCount: null, outputs: [], id: null, page: null });
const code = (source: string): Cell => ({ index: nextIndex++, kind: 'code', source, executionCount: 1, outputs: [], id: null, page: null });
const doc = (cells: Cell[], kind: 'ipynb' | 'pdf' = 'ipynb'): SubmissionDocument => ({
  kind, filename: 'x', cells, pageCount: null, codeMayBeTruncated: kind === 'pdf', metadata: {}, warnings: [], reading: { layout: kind === 'pdf' ? 'nbconvert' : 'notebook', confidence: 1 },
});
const owners = (document: SubmissionDocument) => {
  const located = locateExercises(document, spec);
  return Object.fromEntries([...located].filter(([, cells]) => cells.length > 0).map(([n, cells]) => [n, cells.map((c) => c.source)]));
};

describe('finding exercise cells by content', () => {
  it('takes the code cells under an Exercise heading until the next section heading', () => {
    const document = doc([
      markdown('### Example 7: Generate Random Testing Data'),
      code('# Example 7\nseed_val = 42'),
      markdown('### **Exercise 7: Generate Random Testing Data**\n\nText'),
      code('seed_val = 123'),
      markdown('If the code is correct you should see the following output'),
      code('print("split cell")'),
      markdown('### **Exercise 8: Compute Relative Accuracy**'),
      code('acc = 1'),
      markdown('## **Lesson Turn-in**'),
      code('print("unrelated")'),
    ]);
    expect(owners(document)).toEqual({ 7: ['seed_val = 123', 'print("split cell")'], 8: ['acc = 1'] });
  });

  it('lets the template marker or an `# Exercise N` comment win over position (moved cells)', () => {
    const document = doc([
      markdown('### **Exercise 1: Copy**'),
      code('# Insert your code for Exercise 1 here\ncopy()'),
      code('# Exercise 10: moved up here\nbenchmark()'),
      markdown('### **Exercise 2: Load**'),
      code('# Exercise 1 (second try)\ncopy_again()'),
    ]);
    expect(owners(document)).toEqual({
      1: ['# Insert your code for Exercise 1 here\ncopy()', '# Exercise 1 (second try)\ncopy_again()'],
      10: ['# Exercise 10: moved up here\nbenchmark()'],
    });
  });

  it('lets the heading win over a number copied with the code: the comment carries the heading\'s title', () => {
    const document = doc([
      markdown('### **Exercise 1: Copy ResNet101_model_512.pth from Google Drive**'),
      code('# Exercise 1: Copy the model from Google Drive\ncopy()'),
      markdown('### **Exercise 2: Load the PyTorch ResNet101 model**'),
      code('# Exercise 1: Load the PyTorch ResNet101 model\nload()'),
    ]);
    expect(owners(document)).toEqual({
      1: ['# Exercise 1: Copy the model from Google Drive\ncopy()'],
      2: ['# Exercise 1: Load the PyTorch ResNet101 model\nload()'],
    });
  });

  it('does not confuse Exercise 1 with Exercise 10', () => {
    const document = doc([markdown('Exercise 10: Speed Comparison'), code('# Insert your code for Exercise 10 here')]);
    expect(owners(document)).toEqual({ 10: ['# Insert your code for Exercise 10 here'] });
  });

  it('finds headings printed in a PDF, where # and ** are gone', () => {
    const document = doc([markdown('Exercise 4: Verify ONNX Model'), code('check()')], 'pdf');
    expect(owners(document)).toEqual({ 4: ['check()'] });
  });

  it('treats a cell of comments only as blank', () => {
    expect(isBlankCode('# Insert your code for Exercise 3 here\n\n')).toBe(true);
    expect(isBlankCode('# comment\nx = 1')).toBe(false);
  });
});
