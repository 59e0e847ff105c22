/**
 * Which execution provider ONNX Runtime runs a re-run on, and why not the ones before it. Pure apart
 * from the injected session factory (ort-session.ts passes onnxruntime-node's; the tests pass stubs).
 *
 * The order is CUDA, then WebGPU, then CPU:
 * - `cuda`: onnxruntime-node's CUDA provider, a library its install script fetches from NuGet (CUDA 12
 *   builds only in 1.30); absent from the CPU build we bundle, so creating a session fails with
 *   "Failed to load shared library".
 * - `webgpu`: bundled in onnxruntime-node 1.30 on Linux (Dawn over Vulkan). It needs the Vulkan loader
 *   (`libvulkan.so.1`, Debian's libvulkan1) and a Vulkan driver that offers an adapter (NVIDIA's, found
 *   through its ICD JSON file). Without them creating a session fails with "Failed to get a WebGPU
 *   adapter: No supported adapters"; Mesa's software lavapipe is refused by Dawn.
 * - `cpu`: always there. A CPU failure is not a fallback: it is thrown.
 *
 * Parity tolerances per provider (the spec's `rerun.parity`, `rerun.providers.<ep>.parity`, README
 * "Re-running a hand-in"): CPU and CUDA use the spec's own (atol 1e-4, rtol 1e-3 for class_06_2; on
 * the H100 the CPU provider was within 4.2e-5 of TF32-off PyTorch); WebGPU has its own, looser
 * tolerance in the spec, because its WGSL kernels accumulate in another order than cuDNN or MLAS.
 *
 * A failure that is a property of the machine (a provider library that is not there, no WebGPU
 * adapter) is remembered for the process: asking again only prints ORT's error again. Other failures
 * (out of memory while creating a session, say) are tried again next time.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type ExecutionProvider = 'cuda' | 'webgpu' | 'cpu';
/** What a caller asks for: `auto` and `cuda` try every GPU provider first; `webgpu` skips CUDA. */
export type ProviderRequest = 'auto' | ExecutionProvider;

export const PROVIDER_ORDER: readonly ExecutionProvider[] = ['cuda', 'webgpu', 'cpu'];

/** The providers tried, in order, for a request. */
export function providerChain(request: ProviderRequest): ExecutionProvider[] {
  const first = request === 'auto' ? 'cuda' : request;
  return PROVIDER_ORDER.slice(PROVIDER_ORDER.indexOf(first));
}

/** ORT's own names, as its profiles and the RerunRun rows write them. */
export const ORT_PROVIDER_NAMES: Record<ExecutionProvider, string> = {
  cuda: 'CUDAExecutionProvider',
  webgpu: 'WebGpuExecutionProvider',
  cpu: 'CPUExecutionProvider',
};

const LABELS: Record<ExecutionProvider, string> = { cuda: 'CUDA', webgpu: 'WebGPU', cpu: 'CPU' };

export function providerLabel(provider: ExecutionProvider): string {
  return LABELS[provider];
}

/** One provider tried while opening a session, as the report records it. */
export interface ProviderAttempt {
  readonly provider: ExecutionProvider;
  readonly ok: boolean;
  /** Why it could not be used (null when it was). */
  readonly reason: string | null;
  /** Not tried again: an earlier attempt in this process found it missing for good. */
  readonly remembered: boolean;
  readonly seconds: number;
}

export interface ProviderChoice<S> {
  readonly session: S;
  readonly provider: ExecutionProvider;
  readonly attempts: readonly ProviderAttempt[];
  /** Every failed attempt's reason, in order ('; '), or null when the first provider tried was used. */
  readonly fallbackReason: string | null;
}

/** Failures remembered per provider (the module keeps one for the process; tests pass their own). */
export type ProviderMemory = Map<ExecutionProvider, string>;

export interface ChooseOptions {
  readonly memory?: ProviderMemory;
  /** Adds to a WebGPU failure what the machine lacks (Vulkan loader, driver file); injected by tests. */
  readonly describeWebGpuFailure?: () => string | null;
}

/**
 * Tries `chain` in order with `create` until one provider gives a session. Failed attempts are
 * recorded with their reason; a remembered failure is recorded without calling `create`. The last
 * provider's (CPU's) failure is thrown: there is nothing left to fall back to.
 */
export async function chooseProvider<S>(
  chain: readonly ExecutionProvider[],
  create: (provider: ExecutionProvider) => Promise<S>,
  options: ChooseOptions = {},
): Promise<ProviderChoice<S>> {
  if (chain.length === 0) throw new RangeError('chooseProvider: no provider to try');
  const memory = options.memory ?? new Map<ExecutionProvider, string>();
  const attempts: ProviderAttempt[] = [];
  for (const [index, provider] of chain.entries()) {
    const last = index === chain.length - 1;
    const known = memory.get(provider);
    if (known !== undefined && !last) {
      attempts.push({ provider, ok: false, reason: known, remembered: true, seconds: 0 });
      continue;
    }
    const started = performance.now();
    try {
      const session = await create(provider);
      attempts.push({ provider, ok: true, reason: null, remembered: false, seconds: elapsed(started) });
      const failed = attempts.filter((a) => !a.ok).map((a) => a.reason);
      return { session, provider, attempts, fallbackReason: failed.length > 0 ? failed.join('; ') : null };
    } catch (error) {
      if (last) throw error;
      // Not `instanceof Error`: the native binding's errors may come from another realm (jest).
      const message = typeof (error as Error | null)?.message === 'string' ? (error as Error).message : String(error);
      let reason = unavailableReason(provider, message);
      if (provider === 'webgpu') {
        const more = (options.describeWebGpuFailure ?? describeVulkan)();
        if (more) reason = `${reason} (${more})`;
      }
      attempts.push({ provider, ok: false, reason, remembered: false, seconds: elapsed(started) });
      if (missingForGood(provider, message)) memory.set(provider, reason);
    }
  }
  throw new Error('chooseProvider: unreachable');
}

/**
 * "<Provider> execution provider unavailable: <ORT's first line>", without the source location and
 * failed condition ORT puts before WebGPU's message ("…webgpu_context.cc:136 … was false. Failed to
 * get a WebGPU adapter: No supported adapters").
 */
export function unavailableReason(provider: ExecutionProvider, message: string): string {
  let text = message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'no message';
  const afterCondition = /\bwas false\.\s+(.+)$/.exec(text);
  if (afterCondition) text = afterCondition[1];
  else text = text.replace(/^\/onnxruntime_src\/\S+:\d+\s+/, '');
  return `${providerLabel(provider)} execution provider unavailable: ${text}`;
}

/** A failure that will not go away in this process: the provider's library or adapter is not there. */
export function missingForGood(provider: ExecutionProvider, message: string): boolean {
  if (/failed to load shared library|cannot open shared object/i.test(message)) return true;
  return provider === 'webgpu' && /Failed to get a WebGPU adapter|No supported adapters/i.test(message);
}

/** Where the dynamic loader looks for libvulkan.so.1 (LD_LIBRARY_PATH first, then Debian's and the usual). */
const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib', '/usr/local/lib'];
/** Where the Vulkan loader looks for driver (ICD) manifests, unless VK_DRIVER_FILES / VK_ICD_FILENAMES say. */
const ICD_DIRS = ['/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'];

export interface VulkanProbe {
  readonly env: NodeJS.ProcessEnv;
  readonly exists: (path: string) => boolean;
  readonly list: (dir: string) => string[];
}

const realProbe: VulkanProbe = {
  env: process.env,
  exists: existsSync,
  list: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
};

/**
 * What the machine lacks for WebGPU, in words: no Vulkan loader; a loader without any driver file;
 * or both present (then the driver offered no adapter Dawn accepts, e.g. lavapipe).
 */
export function describeVulkan(probe: VulkanProbe = realProbe): string {
  const libraryDirs = [...(probe.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIBRARY_DIRS];
  const loader = libraryDirs.map((dir) => join(dir, 'libvulkan.so.1')).find((path) => probe.exists(path));
  if (!loader) return 'no Vulkan loader: libvulkan.so.1 is not installed (Debian: libvulkan1)';
  const listed = (probe.env.VK_DRIVER_FILES ?? probe.env.VK_ICD_FILENAMES ?? '').split(':').filter(Boolean);
  const drivers = listed.length > 0
    ? listed.filter((path) => probe.exists(path))
    : ICD_DIRS.flatMap((dir) => probe.list(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)));
  if (drivers.length === 0) return `Vulkan loader ${loader}, but no Vulkan driver (ICD) file`;
  return `Vulkan loader ${loader}, drivers ${drivers.join(', ')}: none offered an adapter WebGPU accepts`;
}

const elapsed = (started: number) => Math.round(performance.now() - started) / 1000;
