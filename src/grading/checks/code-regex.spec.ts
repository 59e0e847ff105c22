import type { Cell } from '../../ingest/document.js';
import type { SectionEvidence } from '../evidence.js';
import { codeRegex } from './code-regex.js';

const cell: Cell = { index: 53, kind: 'code', source: 'torch.onnx.export(\n    ex_model,', executionCount: 9, outputs: [], id: null, page: 12 };
const evidence = (overrides: Partial<SectionEvidence>): SectionEvidence => ({
  cells: [cell], code: cell.source, output: '[SUCCESS] Model converted and verified!\n', imageCount: 0, errors: [],
  executed: true, empty: false, codeMayBeHidden: false, ...overrides,
});
const check = {
  id: 'ex3.opset', description: 'opset 18', points: 2, kind: 'code_regex' as const, pattern: 'opset_version\\s*=\\s*18\\b',
  whenCodeHidden: 'award' as const, requireRun: true,
};

describe('code_regex', () => {
  it('passes on the pattern in the code and fails without it in a notebook', () => {
    expect(codeRegex(check, { evidence: evidence({ code: 'opset_version=18,' }), exercise: '3' })).toMatchObject({ status: 'pass', evidence: 'code contains "opset_version=18"' });
    expect(codeRegex(check, { evidence: evidence({}), exercise: '3' })).toMatchObject({ status: 'fail', contradicted: true });
  });

  it('falls back to printed output in a PDF, saying so', () => {
    const withFallback = { ...check, fallbackOutputPattern: '\\[SUCCESS\\] Model converted' };
    const outcome = codeRegex(withFallback, { evidence: evidence({ codeMayBeHidden: true }), exercise: '3' });
    expect(outcome.status).toBe('pass');
    expect(outcome.evidence).toMatch(/^code not visible in the PDF \(long lines are cut by the printer\); output "\[SUCCESS\] Model converted" shows it/);
  });

  it('skips when a PDF may hide the line, awarding or withholding as the spec says, and flags it', () => {
    const awarded = codeRegex(check, { evidence: evidence({ codeMayBeHidden: true }), exercise: '3' });
    expect(awarded).toMatchObject({ status: 'skip', points: 2, flags: [{ name: 'code_truncated', detail: 'ex3.opset: code not visible in the PDF' }] });
    expect(awarded.evidence).toMatch(/points awarded on the strength of the printed outputs/);
    const withheld = codeRegex({ ...check, whenCodeHidden: 'withhold' }, { evidence: evidence({ codeMayBeHidden: true }), exercise: '3' });
    expect(withheld).toMatchObject({ status: 'skip', points: 0 });
  });

  it('fails an empty or never-run PDF cell instead of skipping it', () => {
    const outcome = codeRegex({ ...check, requireRun: false }, { evidence: evidence({ codeMayBeHidden: true, executed: false, output: '' }), exercise: '3' });
    expect(outcome).toMatchObject({ status: 'fail', evidence: 'code not found and the cell was never run (no output)' });
    const required = codeRegex(check, { evidence: evidence({ codeMayBeHidden: true, executed: false, output: '' }), exercise: '3' });
    expect(required).toMatchObject({ status: 'fail', contradicted: false });
    expect(required.evidence).toMatch(/^code has no \/.*\/ and the cell was never run \(no output\)/);
  });

  it('pays for code only when the cell ran, unless the spec says otherwise (requireRun)', () => {
    const neverRun = evidence({ code: 'opset_version=18,', executed: false, output: '' });
    const outcome = codeRegex(check, { evidence: neverRun, exercise: '3' });
    expect(outcome).toMatchObject({ status: 'fail', contradicted: false });
    expect(outcome.evidence).toBe('code contains "opset_version=18", but the cell was never run (no output): code-only checks pay for code that ran');
    expect(codeRegex({ ...check, requireRun: false }, { evidence: neverRun, exercise: '3' }).status).toBe('pass');
  });
});
