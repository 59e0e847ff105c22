import { html, type SafeHtml } from '../html.js';

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

interface ReportLike {
  environment?: { opsetUsed?: number | null; opsetRequested?: number; fallbackReason?: string | null };
  samples?: { used: number; total: number; seed: number | null };
  steps?: { name: string; status: string; seconds: number; detail: string }[];
  checks?: { id: string; status: string; evidence: string }[];
  metrics?: { latency?: { pytorch?: { p50: number } | null; onnxRuntime?: { p50: number }; speedup?: { ratio: number; low: number; high: number } | null } };
}

const fmt = (value: number) => String(Number(value.toPrecision(4)));

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
  return html`<div class="rerun">
<div><span class="pill st-${run.status === 'succeeded' ? 'pass' : run.status === 'failed' ? 'fail' : 'error'}">${run.status}</span>
 ${run.device ?? 'device unknown'} · ONNX Runtime ${run.ortVersion ?? '?'} on ${run.executionProvider ?? '?'} · torch ${run.torchVersion ?? '?'}
 ${report.environment?.opsetUsed ? ` · opset ${report.environment.opsetUsed} (spec ${report.environment.opsetRequested})` : ''}
 <span class="muted small">${run.startedAt.toISOString()}</span></div>
${run.error ? html`<div class="error-text">${run.error}</div>` : null}
${report.samples ? html`<div class="small muted">seed ${report.samples.seed ?? '?'}, ${report.samples.used} of ${report.samples.total} samples</div>` : null}
${latency?.onnxRuntime ? html`<div>Batch-1 p50: PyTorch ${latency.pytorch ? `${fmt(latency.pytorch.p50)} ms` : '–'}, ONNX Runtime ${fmt(latency.onnxRuntime.p50)} ms${latency.speedup ? `, speedup ${fmt(latency.speedup.ratio)}x (${fmt(latency.speedup.low)}–${fmt(latency.speedup.high)})` : ''}</div>` : null}
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
