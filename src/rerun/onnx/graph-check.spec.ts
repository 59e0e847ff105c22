import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyOnnxModels } from '../../../test/support/tiny-onnx.js';
import { checkGraphInterface, checkOnnxGraph, graphFlags, type TensorInterface } from './graph-check.js';

const expectations = { inputSize: 8, classes: 5 };
const tensor = (name: string, shape: (number | string)[], type = 'float32'): TensorInterface => ({ name, type, shape });

describe('checkGraphInterface', () => {
  it('passes [batch, 3, size, size] -> [batch, classes] with a named or -1 symbolic batch', () => {
    for (const batch of ['batch_size', -1] as const) {
      const result = checkGraphInterface([tensor('input', [batch, 3, 8, 8])], [tensor('output', [batch, 5])], expectations);
      expect(result.failures).toEqual([]);
      expect(result.ok).toBe(true);
    }
    const named = checkGraphInterface([tensor('input', ['N', 3, 8, 8])], [tensor('output', ['N', 5])], expectations);
    expect(named.evidence).toEqual([
      "input 'input': float32 [N, 3, 8, 8]",
      "output 'output': float32 [N, 5]",
      'input images are 3×8×8 as expected',
      "input batch dimension is symbolic ('N')",
      'output has 5 classes as expected',
      "output batch dimension is symbolic ('N')",
    ]);
  });

  it('fails a fixed batch unless the caller accepts one', () => {
    const inputs = [tensor('input', [1, 3, 8, 8])];
    const outputs = [tensor('output', [1, 5])];
    expect(checkGraphInterface(inputs, outputs, expectations).failures).toEqual([
      'input batch dimension is fixed at 1, expected a symbolic (dynamic) batch',
      'output batch dimension is fixed at 1, expected a symbolic (dynamic) batch',
    ]);
    expect(checkGraphInterface(inputs, outputs, { ...expectations, requireSymbolicBatch: false }).ok).toBe(true);
  });

  it('names what is wrong: resolution, classes, rank, count and dtype', () => {
    const fail = (inputs: TensorInterface[], outputs: TensorInterface[]): string[] =>
      checkGraphInterface(inputs, outputs, expectations).failures;
    expect(fail([tensor('x', ['N', 3, 4, 4])], [tensor('y', ['N', 5])])).toEqual([
      'input is [3, 4, 4] per image, expected [3, 8, 8] ([N, 3, 8, 8])',
    ]);
    expect(fail([tensor('x', ['N', 3, 8, 8])], [tensor('y', ['N', 10])])).toEqual(['output has 10 classes, expected 5']);
    expect(fail([tensor('x', ['N', 8, 8, 3])], [tensor('y', ['N', 5])])[0]).toMatch(/^input is \[8, 8, 3\] per image/);
    expect(fail([tensor('x', ['N', 192])], [tensor('y', ['N', 5])])[0]).toMatch(/has 2 dimensions/);
    expect(fail([tensor('a', ['N', 3, 8, 8]), tensor('b', ['N'])], [tensor('y', ['N', 5])])).toEqual([
      'expected exactly one input, found 2',
    ]);
    expect(fail([tensor('x', ['N', 3, 8, 8], 'float16')], [tensor('y', ['N', 5])])).toEqual([
      "input 'x' is float16, expected float32",
    ]);
  });
});

describe('structured graph-check results', () => {
  const problems = (inputs: TensorInterface[], outputs: TensorInterface[], extra = {}) =>
    checkGraphInterface(inputs, outputs, { ...expectations, ...extra }).problems.map(({ kind, expected, found }) => ({ kind, expected, found }));

  it('says which property is wrong, with what was expected and found', () => {
    expect(problems([tensor('x', ['N', 3, 4, 4])], [tensor('y', ['N', 5])])).toEqual([{ kind: 'input_size', expected: 8, found: 4 }]);
    expect(problems([tensor('x', [1, 3, 8, 8])], [tensor('y', [1, 5])])).toEqual([
      { kind: 'batch_axis', expected: 'symbolic', found: 1 },
      { kind: 'batch_axis', expected: 'symbolic', found: 1 },
    ]);
    expect(problems([tensor('x', ['N', 3, 8, 8])], [tensor('y', ['N', 10])])).toEqual([{ kind: 'output_classes', expected: 5, found: 10 }]);
    expect(problems([tensor('x', ['N', 3, 8, 8])], [tensor('y', ['N', 5])], { opset: 18 })).toEqual([]);
  });

  it('raises wrong_resolution for another input size whatever the batch axis, and only then', () => {
    const flagsOf = (inputs: TensorInterface[], outputs: TensorInterface[]) => graphFlags(checkGraphInterface(inputs, outputs, expectations)).map((f) => f.name);
    expect(flagsOf([tensor('x', ['batch_size', 3, 4, 4])], [tensor('y', ['batch_size', 5])])).toEqual(['wrong_resolution']);
    expect(flagsOf([tensor('x', [1, 3, 4, 4])], [tensor('y', [1, 5])])).toEqual(['wrong_resolution']);
    // A fixed batch at the right size is an export mistake, not another resolution.
    expect(flagsOf([tensor('x', [1, 3, 8, 8])], [tensor('y', [1, 5])])).toEqual([]);
    expect(flagsOf([tensor('x', ['N', 3, 8, 8])], [tensor('y', ['N', 10])])).toEqual(['wrong_model']);
  });

  it('compares the opset the file declares with the one expected, as a note that fails nothing', () => {
    const result = checkGraphInterface([tensor('x', ['N', 3, 8, 8])], [tensor('y', ['N', 5])], { ...expectations, opset: 18 }, 17);
    expect(result.ok).toBe(true);
    expect(result.opset).toBe(17);
    expect(result.notes).toEqual([{ kind: 'opset', expected: 18, found: 17, message: 'exported at opset 17, the lesson asks for 18' }]);
  });
});

describe('checkOnnxGraph on real files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'graph-check-'));
    writeTinyOnnxModels(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a dynamic-batch model and fails a static one with evidence', async () => {
    const dynamic = await checkOnnxGraph(join(dir, 'dynamic.onnx'), expectations);
    expect(dynamic.ok).toBe(true);
    expect(dynamic.inputs).toEqual([{ name: 'input', type: 'float32', shape: ['batch_size', 3, 8, 8] }]);
    expect(dynamic.opset).toBe(17); // read from the file's opset_import
    const fixed = await checkOnnxGraph(join(dir, 'static.onnx'), expectations);
    expect(fixed.ok).toBe(false);
    expect(fixed.failures[0]).toBe('input batch dimension is fixed at 1, expected a symbolic (dynamic) batch');
  });

  it('fails a model exported at another resolution', async () => {
    const small = await checkOnnxGraph(join(dir, 'small.onnx'), expectations);
    expect(small.failures).toEqual(['input is [3, 4, 4] per image, expected [3, 8, 8] ([N, 3, 8, 8])']);
  });

  it('opens a model whose weights live in model.onnx.data beside it', async () => {
    const ext = await checkOnnxGraph(join(dir, 'ext', 'model.onnx'), expectations);
    expect(ext.ok).toBe(true);
    // The graph file alone is small: the weights really are external.
    expect((await readFile(join(dir, 'ext', 'model.onnx'))).length).toBeLessThan(1000);
  });

  it('reports a file ONNX Runtime cannot open as a failed check', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    await writeFile(corrupt, (await readFile(join(dir, 'dynamic.onnx'))).subarray(0, 100));
    const result = await checkOnnxGraph(corrupt, expectations);
    expect(result.ok).toBe(false);
    expect(result.failures[0]).toMatch(/^ONNX Runtime could not open corrupt\.onnx: /);
    await rm(join(dir, 'ext', 'model.onnx.data'));
    const missing = await checkOnnxGraph(join(dir, 'ext', 'model.onnx'), expectations);
    expect(missing.ok).toBe(false);
    expect(missing.failures[0]).toMatch(/could not open model\.onnx/);
  });
});
