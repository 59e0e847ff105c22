/**
 * Checks an ONNX model's interface against what the grading spec expects: one input [N, 3, size, size]
 * and one output [N, classes], float32, with N symbolic (a dynamic batch). The rule itself is pure
 * (`checkGraphInterface` over ORT's metadata); `checkOnnxGraph` only opens the file with onnxruntime-node.
 *
 * The file is opened by path so that ONNX Runtime resolves external data (`model.onnx.data`, written by
 * exporters for models over 2 GB or on request) relative to the model's folder.
 */
import { basename } from 'node:path';
import ort from 'onnxruntime-node';

export interface GraphExpectations {
  readonly inputSize: number;
  readonly classes: number;
  readonly channels?: number;
  /** true (the lesson's rule): the batch dimension must be symbolic. false: a fixed batch is accepted too. */
  readonly requireSymbolicBatch?: boolean;
}

export type Dim = number | string;

export interface TensorInterface {
  readonly name: string;
  /** null for a non-tensor value (sequence, map). */
  readonly type: string | null;
  readonly shape: readonly Dim[];
}

export interface GraphCheckResult {
  readonly ok: boolean;
  readonly failures: string[];
  readonly evidence: string[];
  readonly inputs: TensorInterface[];
  readonly outputs: TensorInterface[];
}

/**
 * ORT reports a named symbolic dimension as its name, an unnamed dynamic one as -1; the ONNX proto's
 * unset dim_value reads as 0 in some tools. None of them is a usable fixed size, so all are symbolic.
 */
export function isSymbolicDim(dim: Dim): boolean {
  return typeof dim === 'string' || dim <= 0;
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (typeof d === 'string' ? d || '?' : String(d))).join(', ')}]`;
}

function describeTensor(kind: 'input' | 'output', t: TensorInterface): string {
  return `${kind} '${t.name}': ${t.type ?? 'non-tensor'} ${formatShape(t.shape)}`;
}

/** The spec's rule over the model's interface. Pure. */
export function checkGraphInterface(
  inputs: readonly TensorInterface[],
  outputs: readonly TensorInterface[],
  expectations: GraphExpectations,
): GraphCheckResult {
  const channels = expectations.channels ?? 3;
  const requireSymbolic = expectations.requireSymbolicBatch ?? true;
  const size = expectations.inputSize;
  const failures: string[] = [];
  const evidence: string[] = [
    ...inputs.map((t) => describeTensor('input', t)),
    ...outputs.map((t) => describeTensor('output', t)),
  ];
  const done = (): GraphCheckResult => ({
    ok: failures.length === 0,
    failures,
    evidence,
    inputs: [...inputs],
    outputs: [...outputs],
  });

  if (inputs.length !== 1) failures.push(`expected exactly one input, found ${inputs.length}`);
  if (outputs.length !== 1) failures.push(`expected exactly one output, found ${outputs.length}`);
  if (failures.length > 0) return done();
  const input = inputs[0];
  const output = outputs[0];

  for (const [kind, t] of [
    ['input', input],
    ['output', output],
  ] as const) {
    if (t.type !== 'float32') failures.push(`${kind} '${t.name}' is ${t.type ?? 'not a tensor'}, expected float32`);
  }

  // Input: [N, C, H, W]
  const expectedInput = `[N, ${channels}, ${size}, ${size}]`;
  if (input.shape.length !== 4) {
    failures.push(`input shape ${formatShape(input.shape)} has ${input.shape.length} dimensions, expected ${expectedInput}`);
  } else {
    const [n, c, h, w] = input.shape;
    if (c !== channels || h !== size || w !== size) {
      failures.push(`input is ${formatShape([c, h, w])} per image, expected [${channels}, ${size}, ${size}] (${expectedInput})`);
    } else {
      evidence.push(`input images are ${channels}×${size}×${size} as expected`);
    }
    checkBatch('input', n, requireSymbolic, failures, evidence);
  }

  // Output: [N, classes]
  if (output.shape.length !== 2) {
    const expected = `[N, ${expectations.classes}]`;
    failures.push(`output shape ${formatShape(output.shape)} has ${output.shape.length} dimensions, expected ${expected}`);
  } else {
    const [n, k] = output.shape;
    if (k !== expectations.classes) {
      failures.push(`output has ${typeof k === 'string' ? `symbolic '${k}'` : k} classes, expected ${expectations.classes}`);
    } else {
      evidence.push(`output has ${k} classes as expected`);
    }
    checkBatch('output', n, requireSymbolic, failures, evidence);
    if (input.shape.length === 4 && !isSymbolicDim(input.shape[0]) && !isSymbolicDim(n) && input.shape[0] !== n) {
      failures.push(`output batch ${n} differs from input batch ${input.shape[0]}`);
    }
  }
  return done();
}

function checkBatch(kind: string, dim: Dim, requireSymbolic: boolean, failures: string[], evidence: string[]): void {
  if (isSymbolicDim(dim)) {
    evidence.push(`${kind} batch dimension is symbolic (${typeof dim === 'string' ? `'${dim}'` : String(dim)})`);
  } else if (requireSymbolic) {
    failures.push(`${kind} batch dimension is fixed at ${dim}, expected a symbolic (dynamic) batch`);
  } else {
    evidence.push(`${kind} batch dimension is fixed at ${dim}`);
  }
}

function toInterface(meta: ort.InferenceSession.ValueMetadata): TensorInterface {
  return meta.isTensor
    ? { name: meta.name, type: meta.type, shape: [...meta.shape] }
    : { name: meta.name, type: null, shape: [] };
}

/**
 * Opens the model (CPU, nothing run) and checks its interface. A file ONNX Runtime cannot open
 * (corrupt, missing external data, unsupported opset) is a failed check with the reason, not a throw.
 */
export async function checkOnnxGraph(modelPath: string, expectations: GraphExpectations): Promise<GraphCheckResult> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
    });
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    return {
      ok: false,
      failures: [`ONNX Runtime could not open ${basename(modelPath)}: ${reason}`],
      evidence: [],
      inputs: [],
      outputs: [],
    };
  }
  try {
    const inputs = session.inputMetadata.map(toInterface);
    return checkGraphInterface(inputs, session.outputMetadata.map(toInterface), expectations);
  } finally {
    await session.release();
  }
}
