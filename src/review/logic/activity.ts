/**
 * The overview plots that are about time rather than scores: flags raised per day, re-run device
 * time per day (GPU and CPU apart), and the length of the re-run queue over time. Pure: the service
 * reads rows and Bull job records and hands them here.
 */

/** UTC calendar day of a moment, e.g. "2026-11-26". */
export const dayOf = (moment: Date): string => moment.toISOString().slice(0, 10);

/** Every day from the first to the last, so gaps show as zero rather than vanish. */
export function daySpan(days: readonly string[]): string[] {
  if (days.length === 0) return [];
  const sorted = [...days].sort();
  const out: string[] = [];
  const last = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`);
  for (let t = Date.parse(`${sorted[0]}T00:00:00Z`); t <= last; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export interface FlagsByDay {
  days: string[];
  /** One series per flag, most frequent first; `counts[i]` belongs to `days[i]`. */
  series: { name: string; counts: number[] }[];
}

/** Flags of each hand-in's latest grade, by the day the hand-in arrived. */
export function flagsByDay(handIns: readonly { receivedAt: Date; flags: readonly string[] }[], maxSeries = 8): FlagsByDay {
  const days = daySpan(handIns.map((h) => dayOf(h.receivedAt)));
  const index = new Map(days.map((day, i) => [day, i]));
  const counts = new Map<string, number[]>();
  for (const handIn of handIns) {
    for (const name of new Set(handIn.flags)) {
      const row = counts.get(name) ?? new Array<number>(days.length).fill(0);
      row[index.get(dayOf(handIn.receivedAt))!] += 1;
      counts.set(name, row);
    }
  }
  const total = (row: number[]) => row.reduce((sum, n) => sum + n, 0);
  const series = [...counts.entries()]
    .map(([name, row]) => ({ name, counts: row }))
    .sort((a, b) => total(b.counts) - total(a.counts) || a.name.localeCompare(b.name));
  if (series.length <= maxSeries) return { days, series };
  // the rare ones together, so the chart stays readable and nothing is silently dropped
  const other = series.slice(maxSeries - 1).reduce((sum, s) => sum.map((n, i) => n + s.counts[i]), new Array<number>(days.length).fill(0));
  return { days, series: [...series.slice(0, maxSeries - 1), { name: 'other flags', counts: other }] };
}

export interface RerunTime {
  days: string[];
  gpuMinutes: number[];
  cpuMinutes: number[];
  runs: number[];
}

/**
 * Device time of the re-runs per day, by where the runner ran: `device` is the GPU's name, or
 * starts with "cpu"; null when nothing ran (no model handed in), which counts as a run of 0 minutes.
 */
export function rerunTimeByDay(runs: readonly { startedAt: Date; finishedAt: Date | null; device: string | null }[]): RerunTime {
  const days = daySpan(runs.map((r) => dayOf(r.startedAt)));
  const index = new Map(days.map((day, i) => [day, i]));
  const zeros = () => new Array<number>(days.length).fill(0);
  const out: RerunTime = { days, gpuMinutes: zeros(), cpuMinutes: zeros(), runs: zeros() };
  for (const run of runs) {
    const i = index.get(dayOf(run.startedAt))!;
    out.runs[i] += 1;
    if (!run.finishedAt || run.device === null) continue;
    const minutes = Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime()) / 60_000;
    if (run.device.toLowerCase().startsWith('cpu')) out.cpuMinutes[i] += minutes;
    else out.gpuMinutes[i] += minutes;
  }
  const round = (values: number[]) => values.map((v) => Math.round(v * 100) / 100);
  return { ...out, gpuMinutes: round(out.gpuMinutes), cpuMinutes: round(out.cpuMinutes) };
}

/** A queue job as Bull keeps it: when it was added and when a worker took it (null: still waiting). */
export interface QueuedJob {
  addedAt: number;
  takenAt: number | null;
}

/**
 * Jobs waiting in the queue over time, rebuilt from the jobs' own times (Bull keeps finished jobs for
 * days), so no sampler has to run: the count after each add and take, in time order, ending now.
 */
export function queueLengthHistory(jobs: readonly QueuedJob[], now: number): { t: number; waiting: number }[] {
  const events: [number, number][] = [];
  for (const job of jobs) {
    events.push([job.addedAt, +1]);
    if (job.takenAt !== null) events.push([Math.max(job.takenAt, job.addedAt), -1]);
  }
  // at the same instant, takes before adds: a job taken as soon as it came never counts as waiting twice
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const points: { t: number; waiting: number }[] = [];
  let waiting = 0;
  for (const [t, delta] of events) {
    waiting += delta;
    if (points.length > 0 && points[points.length - 1].t === t) points[points.length - 1].waiting = waiting;
    else points.push({ t, waiting });
  }
  if (points.length > 0 && points[points.length - 1].t < now) points.push({ t: now, waiting });
  return points;
}
