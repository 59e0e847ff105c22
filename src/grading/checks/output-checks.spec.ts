import type { Cell } from '../../ingest/document.js';
import type { SectionEvidence } from '../evidence.js';
import { inWords, outputNumber, outputRegex } from './output-checks.js';

const cell: Cell = { index: 12, kind: 'code', source: 'check_colab_gpu()', executionCount: 3, outputs: [], id: null, page: null };
const evidence = (output: string): SectionEvidence => ({
  cells: [cell], code: cell.source, output, imageCount: 0, errors: [], executed: true, empty: false, codeMayBeHidden: false,
});
const gpu = {
  id: 'runtime.gpu', description: 'PyTorch saw a CUDA GPU', points: 5, kind: 'output_regex' as const,
  pattern: 'PyTorch GPU available: True', near: 'PyTorch GPU available: .*',
};

describe('output checks say in words what they expected and what they found', () => {
  it('quotes the line expected and the line printed, never the regular expression', () => {
    const outcome = outputRegex(gpu, { evidence: evidence('PyTorch GPU available: False\n'), exercise: null });
    expect(outcome.evidence).toBe('expected a line starting "PyTorch GPU available: True" (PyTorch saw a CUDA GPU), but cell 12 printed "PyTorch GPU available: False"');
    const shape = { ...gpu, description: 'The ONNX model gives one row of 5 logits', pattern: 'ONNX prediction shape:\\s+\\(1, 5\\)' };
    const absent = outputRegex(shape, { evidence: evidence('done\n'), exercise: '4' });
    expect(absent.evidence).toBe('expected a line starting "ONNX prediction shape:" (the ONNX model gives one row of 5 logits): not in the printed output');
    expect(absent.evidence).not.toMatch(/\\s|\\\(/);
  });

  it('falls back to the check\'s description when the pattern starts with no fixed text', () => {
    expect(inWords({ pattern: '(True|False)$', description: 'The verdict is printed' })).toBe('the verdict is printed');
    const number = outputNumber(
      { id: 'ex8.acc', description: 'Accuracy is printed as a percentage', points: 2, kind: 'output_number', pattern: 'Accuracy:\\s+([0-9.]+)%', min: 0, max: 100, tolerance: 0 },
      { evidence: evidence('nothing\n'), exercise: '8' },
    );
    expect(number.evidence).toBe('expected a line starting "Accuracy:" (accuracy is printed as a percentage): not in the printed output');
  });
});
