/**
 * ONNX Runtime (onnxruntime-node) for the re-run: open a session on the best execution provider the
 * machine has (CUDA, else WebGPU, else CPU: providers.ts), record which one was actually registered and
 * why each one before it could not be, so that a CPU run is never reported as a GPU one. Then logits in
 * batches and batch-1 timings.
 *
 * CUDA in onnxruntime-node needs its CUDA provider library next to the binding (installed with
 * `--onnxruntime-node-install-cuda`); WebGPU is bundled but needs a Vulkan loader and driver. When one
 * is missing, creating its session throws and the next provider is tried. With a GPU provider
 * registered ORT may still place single nodes on CPU; `profileNodePlacement` tells how many nodes ran
 * where, from ORT's own profile.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { measureUntilStable, type MeasureOptions, type MeasureResult } from '../stats.js';
import { isSymbolicDim, type Dim } from './graph-check.js';
import {
  chooseProvider,
  type ExecutionProvider,
  type ProviderAttempt,
  type ProviderMemory,
  type ProviderRequest,
  providerChain,
} from './providers.js';

export { ORT_PROVIDER_NAMES, type ExecutionProvider, type ProviderAttempt, type ProviderRequest } from './providers.js';

export interface OpenSessionOptions {
  readonly provider: ProviderRequest;
  /** Pins ORT's intra-op threads (timings need a fixed count on shared CPUs); ORT's default otherwise. */
  readonly intraOpNumThreads?: number;
  readonly cudaDeviceId?: number;
}

export interface OpenedSession {
  readonly session: ort.InferenceSession;
  readonly modelPath: string;
  readonly requested: ProviderRequest;
  /** The provider the session was created with; a GPU one only if ORT accepted it. */
  readonly executionProvider: ExecutionProvider;
  /**
   * Why the providers tried before it could not be used, in order ('; '): null when the first one
   * tried was used (the first GPU provider, or the CPU when the CPU was asked for).
   */
  readonly fallbackReason: string | null;
  /** Every provider tried, in order, with its outcome and reason. */
  readonly attempts: readonly ProviderAttempt[];
  readonly inputName: string;
  readonly outputName: string;
  readonly inputShape: readonly Dim[];
  readonly ortVersion: string;
  readonly createSeconds: number;
}

function baseOptions(options: OpenSessionOptions): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    ...(options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads }),
  };
}

function providerList(
  provider: ExecutionProvider,
  options: OpenSessionOptions,
): ort.InferenceSession.ExecutionProviderConfig[] {
  switch (provider) {
    case 'cuda':
      return [{ name: 'cuda', deviceId: options.cudaDeviceId ?? 0 }];
    case 'webgpu':
      // ORT's defaults (layout, validation); outputs come back to the CPU, as the other providers' do.
      return [{ name: 'webgpu' }];
    case 'cpu':
      return ['cpu'];
  }
}

async function createOn(
  modelPath: string,
  provider: ExecutionProvider,
  options: OpenSessionOptions,
  extra: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelPath, {
    ...baseOptions(options),
    executionProviders: providerList(provider, options),
    ...extra,
  });
}

/**
 * Providers found missing for good in this process (a provider library that is not there, no WebGPU
 * adapter): they will not appear later, and every new attempt only prints ORT's error again (twice per
 * re-run, as seen on the H100 machine whose onnxruntime-node had no CUDA build). Other failures
 * (e.g. out of memory while creating a session) are tried again next time.
 */
const unavailable: ProviderMemory = new Map();

export function cudaProviderKnownMissing(): string | null {
  return unavailable.get('cuda') ?? null;
}

/** Why a provider is known to be unusable in this process, or null. */
export function providerKnownUnavailable(provider: ExecutionProvider): string | null {
  return unavailable.get(provider) ?? null;
}

/**
 * Opens a session on the first provider of the request's chain that works: 'auto' and 'cuda' try CUDA,
 * then WebGPU, then CPU; 'webgpu' tries WebGPU, then CPU; 'cpu' only the CPU.
 */
export async function openOrtSession(modelPath: string, options: OpenSessionOptions): Promise<OpenedSession> {
  const started = performance.now();
  const choice = await chooseProvider(providerChain(options.provider), (provider) => createOn(modelPath, provider, options), {
    memory: unavailable,
  });
  const { session } = choice;
  if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
    await session.release();
    throw new Error(`${modelPath}: expected one input and one output (run the graph check first)`);
  }
  const inputMeta = session.inputMetadata[0];
  return {
    session,
    modelPath,
    requested: options.provider,
    executionProvider: choice.provider,
    fallbackReason: choice.fallbackReason,
    attempts: choice.attempts,
    inputName: session.inputNames[0],
    outputName: session.outputNames[0],
    inputShape: inputMeta.isTensor ? [...inputMeta.shape] : [],
    ortVersion: ort.env.versions.node ?? ort.env.versions.common,
    createSeconds: (performance.now() - started) / 1000,
  };
}

export async function closeOrtSession(opened: OpenedSession): Promise<void> {
  await opened.session.release();
}

/**
 * How to cut N images into runs: the model's fixed batch if it has one (a static export, usually 1),
 * else `batchSize`. A fixed batch that does not divide N gets its last run zero-padded. Pure.
 */
export interface BatchRun {
  readonly start: number;
  readonly end: number;
  /** Images in the run, padding included. */
  readonly runSize: number;
}

export function planBatches(count: number, modelBatch: Dim, batchSize: number): BatchRun[] {
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`planBatches: invalid count ${count} or batch size ${batchSize}`);
  }
  const fixed = !isSymbolicDim(modelBatch);
  const step = fixed ? (modelBatch as number) : batchSize;
  const plan: BatchRun[] = [];
  for (let start = 0; start < count; start += step) {
    const end = Math.min(start + step, count);
    plan.push({ start, end, runSize: fixed ? step : end - start });
  }
  return plan;
}

export interface ImageBatch {
  /** NCHW float32, C order. */
  readonly data: Float32Array;
  readonly shape: readonly [number, number, number, number];
}

export interface LogitsResult {
  readonly data: Float32Array;
  readonly shape: readonly [number, number];
  readonly runs: number;
  readonly seconds: number;
}

/** Logits for every image, in the model's batch size (or `batchSize` for a dynamic batch). */
export async function runLogits(opened: OpenedSession, images: ImageBatch, batchSize = 10): Promise<LogitsResult> {
  const [n, c, h, w] = images.shape;
  const perImage = c * h * w;
  if (images.data.length !== n * perImage) {
    throw new RangeError(`runLogits: ${images.data.length} values do not fill shape [${images.shape.join(', ')}]`);
  }
  const started = performance.now();
  const plan = planBatches(n, opened.inputShape[0] ?? -1, batchSize);
  let classes = -1;
  let out = new Float32Array(0);
  for (const { start, end, runSize } of plan) {
    const chunk = new Float32Array(runSize * perImage); // zero padding past `end` for a fixed batch
    chunk.set(images.data.subarray(start * perImage, end * perImage));
    const result = await opened.session.run({
      [opened.inputName]: new ort.Tensor('float32', chunk, [runSize, c, h, w]),
    });
    const tensor = result[opened.outputName];
    if (tensor.type !== 'float32' || tensor.dims.length !== 2 || tensor.dims[0] !== runSize) {
      throw new Error(`${opened.modelPath}: output ${tensor.type} [${tensor.dims.join(', ')}] for a batch of ${runSize}`);
    }
    if (classes < 0) {
      classes = tensor.dims[1];
      out = new Float32Array(n * classes);
    } else if (tensor.dims[1] !== classes) {
      throw new Error(`${opened.modelPath}: output width changed from ${classes} to ${tensor.dims[1]}`);
    }
    out.set((tensor.data as Float32Array).subarray(0, (end - start) * classes), start * classes);
    tensor.dispose();
  }
  return { data: out, shape: [n, Math.max(classes, 0)], runs: plan.length, seconds: (performance.now() - started) / 1000 };
}

/**
 * Batch-1 latency of `session.run` on one image (C×H×W), warm-up first, until the median's interval is
 * tight enough or a cap is reached (stats.ts). The same input tensor is reused: we time the model, not
 * the allocation of its input.
 */
export async function benchmarkBatch1(
  opened: OpenedSession,
  image: Float32Array,
  shapeCHW: readonly [number, number, number],
  options: MeasureOptions,
): Promise<MeasureResult> {
  const [c, h, w] = shapeCHW;
  if (image.length !== c * h * w) throw new RangeError(`benchmarkBatch1: ${image.length} values for [${c}, ${h}, ${w}]`);
  // A copy: the caller may pass a view into a larger batch.
  const feeds = { [opened.inputName]: new ort.Tensor('float32', new Float32Array(image), [1, c, h, w]) };
  return measureUntilStable(async () => {
    const start = performance.now();
    const result = await opened.session.run(feeds);
    const elapsed = performance.now() - start;
    for (const tensor of Object.values(result)) tensor.dispose();
    return elapsed;
  }, options);
}

/** Counts the profiled node events of one run per provider, from ORT's profile JSON. Pure. */
export function countNodesPerProvider(profile: unknown): Record<string, number> {
  if (!Array.isArray(profile)) throw new TypeError('ORT profile: expected a JSON array of events');
  const counts: Record<string, number> = {};
  for (const event of profile as { cat?: unknown; args?: { provider?: unknown } }[]) {
    const provider = event?.args?.provider;
    if (event?.cat === 'Node' && typeof provider === 'string') counts[provider] = (counts[provider] ?? 0) + 1;
  }
  return counts;
}

/**
 * Runs one inference with ORT's profiler on the provider the session got, and reports how many node
 * kernels ran on each provider: evidence that "CUDA" or "WebGPU" meant the GPU did the work.
 */
export async function profileNodePlacement(
  opened: OpenedSession,
  image: Float32Array,
  shapeCHW: readonly [number, number, number],
  options: OpenSessionOptions,
): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'ort-profile-'));
  try {
    const session = await createOn(opened.modelPath, opened.executionProvider, options, {
      enableProfiling: true,
      profileFilePrefix: join(dir, 'profile'),
    });
    try {
      const [c, h, w] = shapeCHW;
      const input = new ort.Tensor('float32', new Float32Array(image), [1, c, h, w]);
      const result = await session.run({ [opened.inputName]: input });
      for (const tensor of Object.values(result)) tensor.dispose();
      session.endProfiling();
    } finally {
      await session.release();
    }
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    if (files.length !== 1) throw new Error(`ORT profile: expected one file in ${dir}, found ${files.length}`);
    return countNodesPerProvider(JSON.parse(await readFile(join(dir, files[0]), 'utf8')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
