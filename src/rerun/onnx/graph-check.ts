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
import type { Flag } from '../../grading/grade.types.js';
import { defaultOpset, readOnnxOpsets } from './onnx-opset.js';

export interface GraphExpectations {
  readonly inputSize: number;
  readonly classes: number;
  readonly channels?: number;
  /** true (the lesson's rule): the batch dimension must be symbolic. false: a fixed batch is accepted too. */
  readonly requireSymbolicBatch?: boolean;
  /** The opset the lesson asks for: a file declaring another is noted (the notebook's code check grades it). */
  readonly opset?: number;
}

export type Dim = number | string;

export interface TensorInterface {
  readonly name: string;
  /** null for a non-tensor value (sequence, map). */
  readonly type: string | null;
  readonly shape: readonly Dim[];
}

/** What is wrong with the interface, as data: flags and grades are decided from these, never from words. */
export type GraphProblemKind = 'interface' | 'dtype' | 'input_size' | 'batch_axis' | 'output_classes' | 'unreadable';

export interface GraphProblem {
  readonly kind: GraphProblemKind;
  readonly message: string;
  readonly expected?: number | string;
  readonly found?: number | string | null;
}

/** Something worth saying that fails nothing (the opset: the notebook's code is graded for it). */
export interface GraphNote {
  readonly kind: 'opset';
  readonly message: string;
  readonly expected: number;
  readonly found: number | null;
}

export interface GraphCheckResult {
  readonly ok: boolean;
  /** The problems' messages, in order (for evidence). */
  readonly failures: string[];
  readonly problems: GraphProblem[];
  readonly notes: GraphNote[];
  /** The default domain's opset the file declares; null when not read. */
  readonly opset: number | null;
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
  opset: number | null = null,
): GraphCheckResult {
  const channels = expectations.channels ?? 3;
  const requireSymbolic = expectations.requireSymbolicBatch ?? true;
  const size = expectations.inputSize;
  const problems: GraphProblem[] = [];
  const problem = (kind: GraphProblemKind, message: string, expected?: number | string, found?: number | string | null) =>
    problems.push({ kind, message, ...(expected !== undefined ? { expected } : {}), ...(found !== undefined ? { found } : {}) });
  const evidence: string[] = [
    ...inputs.map((t) => describeTensor('input', t)),
    ...outputs.map((t) => describeTensor('output', t)),
  ];
  const notes: GraphNote[] = [];
  if (expectations.opset !== undefined && opset !== expectations.opset) {
    notes.push({
      kind: 'opset',
      expected: expectations.opset,
      found: opset,
      message: opset === null ? `opset not readable, the lesson asks for ${expectations.opset}` : `exported at opset ${opset}, the lesson asks for ${expectations.opset}`,
    });
  }
  if (opset !== null) evidence.push(`opset ${opset}`);
  const done = (): GraphCheckResult => ({
    ok: problems.length === 0,
    failures: problems.map((p) => p.message),
    problems,
    notes,
    opset,
    evidence: [...evidence, ...notes.map((n) => n.message)],
    inputs: [...inputs],
    outputs: [...outputs],
  });

  if (inputs.length !== 1) problem('interface', `expected exactly one input, found ${inputs.length}`, 1, inputs.length);
  if (outputs.length !== 1) problem('interface', `expected exactly one output, found ${outputs.length}`, 1, outputs.length);
  if (problems.length > 0) return done();
  const input = inputs[0];
  const output = outputs[0];

  for (const [kind, t] of [
    ['input', input],
    ['output', output],
  ] as const) {
    if (t.type !== 'float32') problem('dtype', `${kind} '${t.name}' is ${t.type ?? 'not a tensor'}, expected float32`, 'float32', t.type);
  }

  // Input: [N, C, H, W]
  const expectedInput = `[N, ${channels}, ${size}, ${size}]`;
  if (input.shape.length !== 4) {
    problem('interface', `input shape ${formatShape(input.shape)} has ${input.shape.length} dimensions, expected ${expectedInput}`, expectedInput, formatShape(input.shape));
  } else {
    const [n, c, h, w] = input.shape;
    if (c !== channels || h !== size || w !== size) {
      const message = `input is ${formatShape([c, h, w])} per image, expected [${channels}, ${size}, ${size}] (${expectedInput})`;
      // Square images of another size with the channels first: another resolution. Anything else
      // (channels last, non-square) is a layout the lesson's code does not make.
      if (c === channels && h === w && typeof h === 'number' && h > 0) problem('input_size', message, size, h);
      else problem('interface', message, `[${channels}, ${size}, ${size}]`, formatShape([c, h, w]));
    } else {
      evidence.push(`input images are ${channels}×${size}×${size} as expected`);
    }
    checkBatch('input', n, requireSymbolic, problem, evidence);
  }

  // Output: [N, classes]
  if (output.shape.length !== 2) {
    const expected = `[N, ${expectations.classes}]`;
    problem('interface', `output shape ${formatShape(output.shape)} has ${output.shape.length} dimensions, expected ${expected}`, expected, formatShape(output.shape));
  } else {
    const [n, k] = output.shape;
    if (k !== expectations.classes) {
      problem('output_classes', `output has ${typeof k === 'string' ? `symbolic '${k}'` : k} classes, expected ${expectations.classes}`, expectations.classes, k);
    } else {
      evidence.push(`output has ${k} classes as expected`);
    }
    checkBatch('output', n, requireSymbolic, problem, evidence);
    if (input.shape.length === 4 && !isSymbolicDim(input.shape[0]) && !isSymbolicDim(n) && input.shape[0] !== n) {
      problem('batch_axis', `output batch ${n} differs from input batch ${input.shape[0]}`, input.shape[0], n);
    }
  }
  return done();
}

function checkBatch(
  kind: string,
  dim: Dim,
  requireSymbolic: boolean,
  problem: (kind: GraphProblemKind, message: string, expected?: number | string, found?: number | string | null) => void,
  evidence: string[],
): void {
  if (isSymbolicDim(dim)) {
    evidence.push(`${kind} batch dimension is symbolic (${typeof dim === 'string' ? `'${dim}'` : String(dim)})`);
  } else if (requireSymbolic) {
    problem('batch_axis', `${kind} batch dimension is fixed at ${dim}, expected a symbolic (dynamic) batch`, 'symbolic', dim);
  } else {
    evidence.push(`${kind} batch dimension is fixed at ${dim}`);
  }
}

/**
 * The flags a failed graph check raises, from its structured problems: another input size is
 * wrong_resolution (whatever the batch axis), another number of classes is wrong_model. A fixed
 * batch, a wrong dtype or layout fail the check without a flag.
 */
export function graphFlags(graph: GraphCheckResult, who = 'the handed-in ONNX'): Flag[] {
  const flags: Flag[] = [];
  const size = graph.problems.find((p) => p.kind === 'input_size');
  if (size) {
    flags.push({ name: 'wrong_resolution', exercise: null, exerciseId: null, detail: `re-run: ${who} takes ${size.found}×${size.found} images, not ${size.expected}×${size.expected}` });
  }
  const classes = graph.problems.find((p) => p.kind === 'output_classes');
  if (classes) {
    flags.push({ name: 'wrong_model', exercise: null, exerciseId: null, detail: `re-run: ${who} has ${classes.found} output classes, not the lesson's ${classes.expected}` });
  }
  return flags;
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
    const message = `ONNX Runtime could not open ${basename(modelPath)}: ${reason}`;
    return {
      ok: false,
      failures: [message],
      problems: [{ kind: 'unreadable', message }],
      notes: [],
      opset: null,
      evidence: [],
      inputs: [],
      outputs: [],
    };
  }
  try {
    const inputs = session.inputMetadata.map(toInterface);
    const opset = defaultOpset(await readOnnxOpsets(modelPath));
    return checkGraphInterface(inputs, session.outputMetadata.map(toInterface), expectations, opset);
  } finally {
    await session.release();
  }
}
