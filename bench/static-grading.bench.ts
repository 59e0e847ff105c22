/**
 * Static grading throughput: 200 realistic notebooks (100 KB to 5 MB, figures included) read,
 * graded and written to a real Postgres, one after another on one core, as `npm run grade` does.
 * Nothing runs at import; call benchStaticGrading().
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/database/database.js';
import { GradeRepository } from '../src/database/grade.repository.js';
import { SubmissionGrader } from '../src/grading/submission-grader.js';
import { SpecRegistry } from '../src/specs/spec.registry.js';
import { tabulatedLabels5 } from '../src/numpy-random/labels-table.js';
import { projectPath } from '../src/paths.js';
import { FileStore } from '../src/submissions/file-store.js';
import { buildSubmission, notebookText } from '../test/fixtures/submissions.js';
import { createTestDatabase } from '../test/support/test-database.js';

export interface StaticGradingBenchResult {
  notebooks: number;
  totalMB: number;
  smallestKB: number;
  largestMB: number;
  distinctSeeds: number;
  /** Of those, seeds whose 512 px labels are precomputed (labels-table.json); the others are reproduced. */
  tabulatedSeeds: number;
  wallSeconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** The same files graded again in the same process: seed reproduction cached, grades already stored. */
  warmPerSecond: number;
  peakRssMB: number;
}

/** Seeds the fixtures can print (numpy-reference.json), i.e. a class where 8 seeds recur. */
const SEEDS = [0, 1, 7, 123, 2024, 31337, 4294967295, 42];
/** Figure sizes (KB per figure, 4 figures a notebook): from ~100 KB to ~5 MB notebooks. */
const IMAGE_KB = [8, 25, 60, 120, 250, 500, 800, 880];

/**
 * The bench's hand-ins, written under `folder` (created): `count` Class_06_2 notebooks of ~0.2–4.8 MB
 * from eight base notebooks (one per seed and figure size); each copy differs in its Gmail, so every
 * file is a distinct submission. Returns their paths. The `course` bench grades the same files.
 */
export async function writeStaticNotebooks(folder: string, count = 200): Promise<string[]> {
  const bases = SEEDS.map((seed, i) => notebookText(buildSubmission({ seed, imagesKb: IMAGE_KB[i], email: 'student@gmail.com' })));
  const files: string[] = [];
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    const path = join(folder, `s${String(i).padStart(3, '0')}_${1000 + i}_${5000 + i}_Class_06_2.S${i}.ipynb`);
    await writeFile(path, bases[i % bases.length].replaceAll('student@gmail.com', `student${i}@gmail.com`));
    files.push(path);
  }
  return files;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Grade every file once, in order: each one's time (ms) and the pass's wall time (s). A file not graded stops the bench. */
export async function gradeEach(grader: SubmissionGrader, files: string[]): Promise<{ durations: number[]; seconds: number }> {
  const durations: number[] = [];
  const started = performance.now();
  for (const file of files) {
    const t = performance.now();
    const report = await grader.gradeFile(file);
    if (report.status !== 'graded') throw new Error(`${file} was not graded: ${report.error}`);
    durations.push(performance.now() - t);
  }
  return { durations, seconds: (performance.now() - started) / 1000 };
}

export async function benchStaticGrading(count = 200): Promise<StaticGradingBenchResult> {
  const folder = await mkdtemp(join(tmpdir(), 'bench-static-'));
  const database = await createTestDatabase('bench_static');
  const opened = await openDatabase({ databaseUrl: database.url, embeddedDir: join(folder, 'unused') });
  try {
    const files = await writeStaticNotebooks(join(folder, 'in'), count);
    const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
    const registry = await SpecRegistry.load(projectPath('grading-specs'));
    const limits = { maxBytes: 100 * 1024 * 1024, pdfTimeoutMs: 30_000, maxPdfPages: 300 };
    const grader = new SubmissionGrader(registry, limits, new FileStore(join(folder, 'store')), new GradeRepository(opened.prisma));

    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const { durations, seconds: wallSeconds } = await gradeEach(grader, files);
    const warmStarted = performance.now();
    for (const file of files) await grader.gradeFile(file);
    const warmSeconds = (performance.now() - warmStarted) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

    durations.sort((a, b) => a - b);
    return {
      notebooks: count,
      totalMB: round(sizes.reduce((a, b) => a + b, 0) / 1024 ** 2),
      smallestKB: round(Math.min(...sizes) / 1024),
      largestMB: round(Math.max(...sizes) / 1024 ** 2),
      distinctSeeds: SEEDS.length,
      tabulatedSeeds: SEEDS.filter((seed) => tabulatedLabels5(seed, 512, 100, 5) !== null).length,
      wallSeconds: round(wallSeconds),
      perSecond: round(count / wallSeconds),
      p50Ms: round(percentile(durations, 50)),
      p95Ms: round(percentile(durations, 95)),
      maxMs: round(durations.at(-1)!),
      warmPerSecond: round(count / warmSeconds),
      peakRssMB: round(peakRss / 1024 ** 2),
    };
  } finally {
    await opened.close();
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
