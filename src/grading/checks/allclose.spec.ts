import type { Cell } from '../../ingest/document.js';
import type { SectionEvidence } from '../evidence.js';
import { allClose } from './allclose.js';

const cell: Cell = { index: 59, kind: 'code', source: '# Exercise 5', executionCount: 12, outputs: [], id: null, page: null };
const evidence = (output: string): SectionEvidence => ({
  cells: [cell], code: cell.source, output, imageCount: 0, errors: [], executed: true, empty: false, codeMayBeHidden: false,
});
const check = {
  id: 'ex5.max_difference', description: 'parity', points: 4, kind: 'allclose' as const,
  pattern: 'Max difference:\\s+([-+0-9.eE]+)', verdictPattern: 'identical: (True|False)', verdictTrue: 'True',
  atol: 1e-5, rtol: 1e-5, float32Tolerance: 1e-4,
};
const run = (output: string, extra: Partial<typeof check> & { referencePattern?: string } = {}) =>
  allClose({ ...check, ...extra }, { evidence: evidence(output), exercise: '5' });

describe('allclose', () => {
  it('passes within atol, and beyond it when the lesson\'s allclose said True of a float32-sized difference', () => {
    expect(run('Max difference:  0.00000191\nidentical: True\n')).toMatchObject({ status: 'pass' });
    const drift = run('Max difference:  0.00002289\nidentical: True\n');
    expect(drift.status).toBe('pass');
    expect(drift.flags).toBeUndefined();
    expect(drift.evidence).toMatch(/said True/);
  });

  it('fails a float32-sized difference the lesson\'s rule rejected, accusing nobody', () => {
    const outcome = run('Max difference:  0.00003100\nidentical: False\n');
    expect(outcome).toMatchObject({ status: 'fail', contradicted: false });
    expect(outcome.flags).toBeUndefined();
  });

  it('flags parity_failed beyond what float32 explains', () => {
    const outcome = run('Max difference:  0.35172606\nidentical: False\n');
    expect(outcome).toMatchObject({ status: 'fail', contradicted: true, flags: [{ name: 'parity_failed' }] });
  });

  it('calls a verdict the printed difference rules out inconsistent', () => {
    expect(run('Max difference:  0.00000191\nidentical: False\n').flags).toEqual([
      expect.objectContaining({ name: 'outputs_inconsistent', detail: expect.stringMatching(/cannot be False/) }),
    ]);
    const withReference = { referencePattern: 'Reference: (\\[[^\\]]*\\])' };
    // Largest |reference| 1.2: allclose accepts at most 1e-5 + 1.2e-5 = 2.2e-5.
    const faked = run('Reference: [ 1.2 -0.5  0.3]\nMax difference:  0.00009000\nidentical: True\n', withReference);
    expect(faked.flags).toEqual([expect.objectContaining({ name: 'outputs_inconsistent', detail: expect.stringMatching(/cannot be True/) })]);
    expect(run('Reference: [ 2.8 -0.5  0.3]\nMax difference:  0.00002289\n', withReference).status).toBe('pass');
  });

  it('fails, without a flag, when nothing is printed', () => {
    expect(run('')).toMatchObject({ status: 'fail', contradicted: false });
  });
});
