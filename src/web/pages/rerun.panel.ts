import { html, jsonScript, type SafeHtml } from '../html.js';

/** A RerunRun row as the page needs it (metrics holds the whole RerunReport when there is one). */
export interface RerunRow {
  id: string;
  status: string;
  device: string | null;
  executionProvider: string | null;
  torchVersion: string | null;
  ortVersion: string | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  metrics: unknown;
}

interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  medianCi: { low: number; high: number } | null;
  iterations: number;
}

interface ReportLike {
  environment?: { runnerDevice?: string | null; deviceName?: string | null; executionProvider?: string | null; opsetUsed?: number | null; opsetRequested?: number; fallbackReason?: string | null };
  samples?: { used: number; total: number; seed: number | null };
  steps?: { name: string; status: string; seconds: number; detail: string }[];
  checks?: { id: string; status: string; evidence: string }[];
  metrics?: {
    latency?: { pytorch?: LatencySummary | null; onnxRuntime?: LatencySummary; speedup?: { ratio: number; low: number; high: number } | null };
    confusion?: { samples: number; pytorch: number[][]; onnx: { label: string; student: boolean; matrix: number[][] }[] };
  };
}

/** What the page's script draws for one re-run: batch-1 latency per engine, with intervals. */
export interface LatencyChart {
  title: string;
  labels: string[];
  p50: number[];
  /** The 95% confidence interval of each median, as floating bars [low, high]. */
  medianCi: ([number, number] | null)[];
  p95: number[];
  p99: number[];
}

const fmt = (value: number) => String(Number(value.toPrecision(4)));

/** Chart data from a report's latency metrics, each engine named with where it ran. Pure. */
/** How the execution provider that ran ORT is named on the page (the report's values). */
const EP_LABELS: Record<string, string> = { cuda: 'CUDA EP', webgpu: 'WebGPU EP', cpu: 'CPU EP' };

export function latencyChart(report: ReportLike): LatencyChart | null {
  const latency = report.metrics?.latency;
  if (!latency?.onnxRuntime) return null;
  const env = report.environment ?? {};
  const torchWhere = env.runnerDevice === 'cuda' ? `CUDA, ${env.deviceName ?? '?'}` : `CPU${env.deviceName ? `, ${env.deviceName}` : ''}`;
  const engines: [string, LatencySummary][] = [];
  if (latency.pytorch) engines.push([`PyTorch (${torchWhere})`, latency.pytorch]);
  engines.push([`ONNX Runtime (${EP_LABELS[String(env.executionProvider)] ?? 'CPU EP'})`, latency.onnxRuntime]);
  const speedup = latency.speedup ? `, speedup ${fmt(latency.speedup.ratio)}× (${fmt(latency.speedup.low)}–${fmt(latency.speedup.high)})` : '';
  return {
    title: `Batch-1 latency, ms (p50 with the 95% interval of the median; p95, p99)${speedup}`,
    labels: engines.map(([label, l]) => `${label}, ${l.iterations} runs`),
    p50: engines.map(([, l]) => round(l.p50)),
    medianCi: engines.map(([, l]) => (l.medianCi ? [round(l.medianCi.low), round(l.medianCi.high)] : null)),
    p95: engines.map(([, l]) => round(l.p95)),
    p99: engines.map(([, l]) => round(l.p99)),
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** A confusion matrix as a table, cells shaded by their share of the row (rows: true label). */
function confusionTable(title: string, matrix: number[][]): SafeHtml {
  return html`<table class="confusion"><caption>${title}</caption>
<thead><tr><th class="small">true ↓ / predicted →</th>${matrix.map((_, j) => html`<th>${j}</th>`)}</tr></thead>
<tbody>${matrix.map((row, i) => {
    const total = row.reduce((sum, value) => sum + value, 0);
    return html`<tr><th>${i}</th>${row.map((value, j) => {
      const share = total === 0 ? 0 : value / total;
      const colour = i === j ? '27,127,59' : '192,57,43';
      return html`<td style="${`background: rgba(${colour}, ${(0.08 + 0.8 * share).toFixed(2)})`}" title="${`${value} of ${total} with true label ${i}`}">${value}</td>`;
    })}</tr>`;
  })}</tbody></table>`;
}

function confusionSection(report: ReportLike): SafeHtml | null {
  const confusion = report.metrics?.confusion;
  if (!confusion) return null;
  return html`<div class="confusions"><h3>Confusion matrices on the seeded data (${confusion.samples} samples), measured</h3>
<div class="confusion-row">${confusionTable('PyTorch', confusion.pytorch)}${confusion.onnx.map((m) => confusionTable(`ONNX Runtime, ${m.label}`, m.matrix))}</div></div>`;
}

/**
 * Measured results of the re-runs of this submission, newest first: where they ran (device, EP,
 * versions), each step, and each re-run check with its evidence (claimed vs measured).
 */
export function rerunPanel(reruns: RerunRow[]): SafeHtml | null {
  if (reruns.length === 0) return null;
  return html`<div class="card" id="reruns"><h2>Re-runs on the student's model</h2>
${reruns.map((run) => {
  const report = (run.metrics ?? {}) as ReportLike;
  const latency = report.metrics?.latency;
  const chart = latencyChart(report);
  return html`<div class="rerun">
<div><span class="pill st-${run.status === 'succeeded' ? 'pass' : run.status === 'failed' ? 'fail' : 'error'}">${run.status}</span>
 ${run.device ?? 'device unknown'} · ONNX Runtime ${run.ortVersion ?? '?'} on ${run.executionProvider ?? '?'} · torch ${run.torchVersion ?? '?'}
 ${report.environment?.opsetUsed ? ` · opset ${report.environment.opsetUsed} (spec ${report.environment.opsetRequested})` : ''}
 <span class="muted small">${run.startedAt.toISOString()}</span></div>
${run.error ? html`<div class="error-text">${run.error}</div>` : null}
${report.samples ? html`<div class="small muted">seed ${report.samples.seed ?? '?'}, ${report.samples.used} of ${report.samples.total} samples</div>` : null}
${latency?.onnxRuntime ? html`<div>Batch-1 p50: PyTorch ${latency.pytorch ? `${fmt(latency.pytorch.p50)} ms` : '–'}, ONNX Runtime ${fmt(latency.onnxRuntime.p50)} ms${latency.speedup ? `, speedup ${fmt(latency.speedup.ratio)}x (${fmt(latency.speedup.low)}–${fmt(latency.speedup.high)})` : ''}</div>` : null}
${chart ? html`<div class="latency-chart"><canvas data-latency-chart="${`latency-${run.id}`}" aria-label="Batch-1 latency of PyTorch and ONNX Runtime"></canvas></div>${jsonScript(`latency-${run.id}`, chart)}` : null}
${confusionSection(report)}
${report.checks?.length ? html`<table class="grid"><thead><tr><th>Check</th><th>Status</th><th>Evidence</th></tr></thead><tbody>
${report.checks.map((c) => html`<tr><td>${c.id}</td><td><span class="pill st-${c.status}">${c.status}</span></td><td class="small">${c.evidence}</td></tr>`)}
</tbody></table>` : null}
${report.steps?.length ? html`<details><summary class="small">Steps</summary><table class="grid"><tbody>
${report.steps.map((s) => html`<tr><td>${s.name}</td><td>${s.status}</td><td>${s.seconds.toFixed(1)} s</td><td class="small">${s.detail}</td></tr>`)}
</tbody></table></details>` : null}
</div>`;
})}
</div>`;
}
