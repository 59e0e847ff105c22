/**
 * The GPU worker image cannot be built here (no registry access), so its recipe is read: the `gpu`
 * stage must carry what ONNX Runtime's providers need on an NVIDIA machine. WebGPU (Dawn over Vulkan)
 * needs the Vulkan loader in the image and the driver's Vulkan library and ICD file, which the NVIDIA
 * container toolkit mounts only with the `graphics` capability.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The Dockerfile's stages by name, each as its instructions with continuation lines joined. */
function stages(text: string): Map<string, string[]> {
  const joined = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const result = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of joined) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      current = [];
      result.set(from[1] ?? `stage${result.size}`, current);
    }
    current.push(line);
  }
  return result;
}

describe('GPU worker image (Dockerfile target gpu, compose worker-gpu)', () => {
  const gpu = stages(readFileSync('Dockerfile', 'utf8')).get('gpu');

  it('installs the Vulkan loader beside Python', () => {
    expect(gpu).toBeDefined();
    const installs = gpu!.filter((line) => /^RUN\b.*apt-get install/.test(line));
    expect(installs.some((line) => /\blibvulkan1\b/.test(line))).toBe(true);
  });

  it('asks the NVIDIA runtime for the graphics capability (the driver\'s Vulkan library and ICD file)', () => {
    const env = gpu!.filter((line) => line.startsWith('ENV ')).join(' ');
    expect(env).toMatch(/NVIDIA_DRIVER_CAPABILITIES=\S*\bgraphics\b/);
    expect(env).toMatch(/NVIDIA_DRIVER_CAPABILITIES=\S*\bcompute\b/);
    const compose = parse(readFileSync('docker-compose.yml', 'utf8'));
    const devices = compose.services['worker-gpu'].deploy.resources.reservations.devices;
    expect(devices[0].capabilities).toEqual(expect.arrayContaining(['gpu', 'compute', 'utility', 'graphics']));
  });
});
