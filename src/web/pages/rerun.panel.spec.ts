import { latencyChart, rerunPanel, type RerunRow } from './rerun.panel.js';

const summary = (p50: number) => ({ p50, p95: p50 * 1.1, p99: p50 * 1.2, medianCi: { low: p50 * 0.99, high: p50 * 1.01 }, iterations: 40 });

const report = {
  environment: { runnerDevice: 'cuda', deviceName: 'NVIDIA H100 80GB HBM3', executionProvider: 'cpu', opsetUsed: 18, opsetRequested: 18 },
  samples: { used: 100, total: 100, seed: 123 },
  metrics: {
    latency: { pytorch: summary(7.15), onnxRuntime: summary(82.1), speedup: { ratio: 0.0871, low: 0.0854, high: 0.0885 } },
    confusion: {
      samples: 4,
      pytorch: [[2, 0], [1, 1]],
      onnx: [{ label: "the student's ONNX", student: true, matrix: [[2, 0], [0, 2]] }],
    },
  },
};

const row = (metrics: unknown): RerunRow => ({
  id: 'r1', status: 'succeeded', device: 'NVIDIA H100 80GB HBM3', executionProvider: 'CPUExecutionProvider', torchVersion: '2.11.0', ortVersion: '1.30.0',
  error: null, startedAt: new Date('2026-11-26T11:32:00Z'), finishedAt: null, metrics,
});

describe('latencyChart', () => {
  it('names each engine with where it ran, and carries p50, the median interval, p95 and p99', () => {
    expect(latencyChart(report)).toEqual({
      title: 'Batch-1 latency, ms (p50 with the 95% interval of the median; p95, p99), speedup 0.0871× (0.0854–0.0885)',
      labels: ['PyTorch (CUDA, NVIDIA H100 80GB HBM3), 40 runs', 'ONNX Runtime (CPU EP), 40 runs'],
      p50: [7.15, 82.1],
      medianCi: [[7.079, 7.222], [81.279, 82.921]],
      p95: [7.865, 90.31],
      p99: [8.58, 98.52],
    });
  });

  it('has nothing to draw without an ONNX Runtime measurement, and leaves out a missing PyTorch one', () => {
    expect(latencyChart({})).toBeNull();
    const ortOnly = latencyChart({ environment: { runnerDevice: 'cpu', deviceName: 'Xeon', executionProvider: 'cpu' }, metrics: { latency: { pytorch: null, onnxRuntime: { ...summary(10), medianCi: null } } } });
    expect(ortOnly).toMatchObject({ labels: ['ONNX Runtime (CPU EP), 40 runs'], medianCi: [null] });
  });

  it('names the WebGPU provider when ORT ran on it', () => {
    const webgpu = { ...report, environment: { ...report.environment, executionProvider: 'webgpu' } };
    expect(latencyChart(webgpu)?.labels[1]).toBe('ONNX Runtime (WebGPU EP), 40 runs');
  });
});

describe('rerunPanel', () => {
  it('draws the measured confusion matrices, rows by true label, and embeds the chart data', () => {
    const text = String(rerunPanel([row(report)]));
    expect(text).toContain('Confusion matrices on the seeded data (4 samples), measured');
    expect(text).toContain('<caption>PyTorch</caption>');
    expect(text).toContain('<caption>ONNX Runtime, the student&#39;s ONNX</caption>');
    expect(text).toMatch(/title="1 of 2 with true label 1">1<\/td>/);
    expect(text).toContain('data-latency-chart="latency-r1"');
    expect(text).toContain('<script type="application/json" id="latency-r1">');
  });

  it('shows a re-run that recorded no measurements (no weights) without charts', () => {
    const text = String(rerunPanel([{ ...row(null), status: 'failed', error: 'no weights (.pth) were handed in with this submission' }]));
    expect(text).toContain('no weights (.pth) were handed in');
    expect(text).not.toContain('data-latency-chart');
    expect(text).not.toContain('confusion');
  });
});
