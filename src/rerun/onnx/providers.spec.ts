import {
  chooseProvider,
  describeVulkan,
  type ExecutionProvider,
  missingForGood,
  providerChain,
  type ProviderMemory,
  unavailableReason,
  type VulkanProbe,
} from './providers.js';

/** What onnxruntime-node 1.30 really throws on a machine without them (seen on this CPU machine). */
const CUDA_MISSING = 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library';
const WEBGPU_NO_ADAPTER =
  '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize' +
  '(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success ' +
  'was false. Failed to get a WebGPU adapter: No supported adapters\n';

/** A session factory that succeeds for the providers in `working` and records every call. */
function factory(working: readonly ExecutionProvider[], errors: Partial<Record<ExecutionProvider, string>> = {}) {
  const calls: ExecutionProvider[] = [];
  const create = async (provider: ExecutionProvider) => {
    calls.push(provider);
    if (working.includes(provider)) return { on: provider };
    throw new Error(errors[provider] ?? `${provider} broke`);
  };
  return { calls, create };
}

const noVulkan = () => 'no Vulkan loader: libvulkan.so.1 is not installed (Debian: libvulkan1)';

describe('providerChain', () => {
  it('orders CUDA, WebGPU, CPU from the provider asked for', () => {
    expect(providerChain('auto')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(providerChain('cuda')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(providerChain('webgpu')).toEqual(['webgpu', 'cpu']);
    expect(providerChain('cpu')).toEqual(['cpu']);
  });
});

describe('chooseProvider with injected session factories', () => {
  it('CUDA ok: takes it, tries nothing else, no fallback reason', async () => {
    const { calls, create } = factory(['cuda', 'webgpu', 'cpu']);
    const choice = await chooseProvider(providerChain('auto'), create, { memory: new Map() });
    expect(calls).toEqual(['cuda']);
    expect(choice).toMatchObject({ provider: 'cuda', session: { on: 'cuda' }, fallbackReason: null });
    expect(choice.attempts).toEqual([{ provider: 'cuda', ok: true, reason: null, remembered: false, seconds: expect.any(Number) }]);
  });

  it('CUDA fails → WebGPU ok: the CUDA reason is recorded, in order', async () => {
    const { calls, create } = factory(['webgpu', 'cpu'], { cuda: CUDA_MISSING });
    const choice = await chooseProvider(providerChain('auto'), create, { memory: new Map(), describeWebGpuFailure: noVulkan });
    expect(calls).toEqual(['cuda', 'webgpu']);
    expect(choice.provider).toBe('webgpu');
    expect(choice.attempts.map((a) => [a.provider, a.ok, a.reason])).toEqual([
      ['cuda', false, `CUDA execution provider unavailable: ${CUDA_MISSING}`],
      ['webgpu', true, null],
    ]);
    expect(choice.fallbackReason).toBe(`CUDA execution provider unavailable: ${CUDA_MISSING}`);
  });

  it('both fail → CPU: each reason recorded in order, WebGPU\'s with what the machine lacks', async () => {
    const { calls, create } = factory(['cpu'], { cuda: CUDA_MISSING, webgpu: WEBGPU_NO_ADAPTER });
    const choice = await chooseProvider(providerChain('auto'), create, { memory: new Map(), describeWebGpuFailure: noVulkan });
    expect(calls).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(choice.provider).toBe('cpu');
    const cuda = `CUDA execution provider unavailable: ${CUDA_MISSING}`;
    const webgpu = 'WebGPU execution provider unavailable: Failed to get a WebGPU adapter: No supported adapters ' +
      '(no Vulkan loader: libvulkan.so.1 is not installed (Debian: libvulkan1))';
    expect(choice.attempts.map((a) => [a.provider, a.ok, a.reason, a.remembered])).toEqual([
      ['cuda', false, cuda, false],
      ['webgpu', false, webgpu, false],
      ['cpu', true, null, false],
    ]);
    expect(choice.fallbackReason).toBe(`${cuda}; ${webgpu}`);
  });

  it('remembers a provider missing for good and does not ask it again; retries a passing failure', async () => {
    const memory: ProviderMemory = new Map();
    const first = factory(['cpu'], { cuda: CUDA_MISSING, webgpu: 'WebGPU: out of memory creating the device' });
    await chooseProvider(providerChain('auto'), first.create, { memory, describeWebGpuFailure: () => null });
    expect([...memory.keys()]).toEqual(['cuda']);
    const second = factory(['webgpu', 'cpu']);
    const choice = await chooseProvider(providerChain('auto'), second.create, { memory });
    expect(second.calls).toEqual(['webgpu']);
    expect(choice.provider).toBe('webgpu');
    expect(choice.attempts[0]).toEqual({ provider: 'cuda', ok: false, reason: memory.get('cuda'), remembered: true, seconds: 0 });
  });

  it('throws the CPU\'s own error: there is nothing to fall back to', async () => {
    const { create } = factory([], { cpu: 'model is not a valid ONNX file' });
    await expect(chooseProvider(providerChain('auto'), create, { memory: new Map(), describeWebGpuFailure: () => null }))
      .rejects.toThrow('model is not a valid ONNX file');
    await expect(chooseProvider([], create)).rejects.toThrow(/no provider/);
  });
});

describe('failure reasons', () => {
  it('keeps ORT\'s first line, without the source location and failed condition', () => {
    expect(unavailableReason('cuda', `${CUDA_MISSING}\nmore`)).toBe(`CUDA execution provider unavailable: ${CUDA_MISSING}`);
    expect(unavailableReason('webgpu', WEBGPU_NO_ADAPTER)).toBe(
      'WebGPU execution provider unavailable: Failed to get a WebGPU adapter: No supported adapters');
    expect(unavailableReason('webgpu', '/onnxruntime_src/x/y.cc:12 something else')).toBe(
      'WebGPU execution provider unavailable: something else');
  });

  it('tells failures for good (library, adapter) from passing ones', () => {
    expect(missingForGood('cuda', CUDA_MISSING)).toBe(true);
    expect(missingForGood('webgpu', WEBGPU_NO_ADAPTER)).toBe(true);
    expect(missingForGood('cuda', 'CUDA failure 2: out of memory')).toBe(false);
  });
});

describe('describeVulkan', () => {
  const probe = (files: string[], env: NodeJS.ProcessEnv = {}): VulkanProbe => ({
    env,
    exists: (path) => files.includes(path),
    list: (dir) => files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1)),
  });

  it('says what is missing: the loader, a driver file, or an adapter', () => {
    expect(describeVulkan(probe([]))).toBe('no Vulkan loader: libvulkan.so.1 is not installed (Debian: libvulkan1)');
    expect(describeVulkan(probe(['/opt/vk/usr/lib/x86_64-linux-gnu/libvulkan.so.1'], { LD_LIBRARY_PATH: '/opt/vk/usr/lib/x86_64-linux-gnu' })))
      .toBe('Vulkan loader /opt/vk/usr/lib/x86_64-linux-gnu/libvulkan.so.1, but no Vulkan driver (ICD) file');
    expect(describeVulkan(probe(['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'])))
      .toBe('Vulkan loader /usr/lib/x86_64-linux-gnu/libvulkan.so.1, drivers /usr/share/vulkan/icd.d/lvp_icd.x86_64.json: none offered an adapter WebGPU accepts');
    // VK_DRIVER_FILES replaces the search (the GPU check points it at the ICD file it writes).
    expect(describeVulkan(probe(['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/tmp/nvidia_icd.json'], { VK_DRIVER_FILES: '/tmp/nvidia_icd.json' })))
      .toMatch(/drivers \/tmp\/nvidia_icd\.json: none offered/);
  });
});
