/**
 * The review endpoints on a class of realistic size: 300 enrolled students (a few with nothing
 * handed in, some with two attempts, some overrides), graded by the real grader into a real Postgres,
 * served over HTTP on loopback by the review app. Measures the class matrix (and its growth from 30
 * to 300 students: constant queries mean no per-student cost beyond the rows themselves), a filtered
 * matrix, one submission's evidence, the Canvas CSV, and re-grading the class.
 *
 * Asserts the matrix answers in reasonable time: p95 under MATRIX_P95_LIMIT_MS for 300 students.
 * Nothing runs at import; call benchReview(). Needs Postgres and Redis on 127.0.0.1.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { SubmissionGrader } from '../src/grading/submission-grader.js';
import { projectPath } from '../src/paths.js';
import { SpecRegistry } from '../src/specs/spec.registry.js';
import { FileStore } from '../src/submissions/file-store.js';
import { buildSubmission, notebookText } from '../test/fixtures/submissions.js';
import { writeChangedSpec } from '../test/review/support/changed-spec.js';
import { startReviewApp, type ReviewApp } from '../test/review/support/review-app.js';

export const MATRIX_P95_LIMIT_MS = 500;

export interface EndpointTiming {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  bytes: number;
}

export interface ClassBench {
  students: number;
  attempts: number;
  seedSeconds: number;
  matrix: EndpointTiming;
  filteredMatrix: EndpointTiming;
  evidence: EndpointTiming;
  canvasCsv: EndpointTiming;
  /**
   * Re-grade of every counted submission after a spec change (Exercise 1 worth 8 points): evaluation
   * until it waits for a decision, then the accept request (every student gets a new grade).
   */
  regrade: { submissions: number; seconds: number; perSecond: number; acceptSeconds: number };
}

export interface ReviewBenchResult {
  small: ClassBench;
  large: ClassBench;
  /** large.matrix.p50 / small.matrix.p50 for 10× the students. */
  matrixGrowth: number;
  matrixP95LimitMs: number;
}

/** Seeds numpy-reference.json has, so every notebook is a valid, distinct-looking hand-in. */
const SEEDS = [123, 2024, 7, 31337, 1, 0, 4294967295, 42];
const ITERATIONS = 30;

export async function benchReview(students = 300): Promise<ReviewBenchResult> {
  const small = await benchClass(Math.round(students / 10));
  const large = await benchClass(students);
  if (large.matrix.p95Ms > MATRIX_P95_LIMIT_MS) {
    throw new Error(`class matrix for ${students} students: p95 ${large.matrix.p95Ms} ms, over the ${MATRIX_P95_LIMIT_MS} ms limit`);
  }
  return {
    small,
    large,
    matrixGrowth: round(large.matrix.p50Ms / small.matrix.p50Ms),
    matrixP95LimitMs: MATRIX_P95_LIMIT_MS,
  };
}

async function benchClass(size: number): Promise<ClassBench> {
  // The class is graded with the committed spec; the app serves a changed copy, to re-grade with.
  const specs = await mkdtemp(join(tmpdir(), 'bench-review-specs-'));
  await writeChangedSpec(specs, { version: '1.1.0', exercise: 1, checkId: 'ex1.copied', points: 8 });
  const h = await startReviewApp(`bench_${size}`, { specsDir: specs });
  try {
    const config = loadConfig({ GRADER_DATA_DIR: join(h.dir, 'data') });
    const grader = new SubmissionGrader(await SpecRegistry.load(projectPath('grading-specs')), config.limits, new FileStore(config.fileStoreDir), h.repository);
    const seedStarted = performance.now();
    const { attempts, someSubmission } = await seed(h, grader, size);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    await h.app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(h.app.getHttpServer().address() as AddressInfo).port}`;
    const headers = h.as('instructor');
    const get = (path: string) => timed(`${base}${path}`, headers);

    const matrix = await get('/api/assignments/class_06_2/matrix?sort=score');
    const filteredMatrix = await get('/api/assignments/class_06_2/matrix?flag=seed_is_42&section=BIO%201173%20002&sort=name');
    const evidence = await get(`/api/submissions/${someSubmission}/evidence`);
    const canvasCsv = await get('/api/assignments/class_06_2/export/canvas.csv');

    const started = performance.now();
    const run = await fetch(`${base}/api/assignments/class_06_2/regrade`, { method: 'POST', headers });
    if (run.status !== 202) throw new Error(`re-grade start answered ${run.status}: ${await run.text()}`);
    const { id, progress } = (await run.json()) as { id: string; progress: { total: number } };
    for (;;) {
      const view = (await (await fetch(`${base}/api/assignments/class_06_2/regrade/${id}`, { headers })).json()) as { status: string };
      if (view.status !== 'evaluating') {
        if (view.status !== 'pending') throw new Error(`re-grade ended ${view.status}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const acceptStarted = performance.now();
    const accepted = await fetch(`${base}/api/assignments/class_06_2/regrade/${id}/accept`, { method: 'POST', headers });
    if (accepted.status !== 200) throw new Error(`re-grade accept answered ${accepted.status}: ${await accepted.text()}`);
    const acceptSeconds = (performance.now() - acceptStarted) / 1000;
    return {
      students: size,
      attempts,
      seedSeconds: round(seedSeconds),
      matrix,
      filteredMatrix,
      evidence,
      canvasCsv,
      regrade: { submissions: progress.total, seconds: round(seconds), perSecond: round(progress.total / seconds), acceptSeconds: round(acceptSeconds) },
    };
  } finally {
    await h.close();
    await rm(specs, { recursive: true, force: true });
  }
}

/**
 * `size` enrolled students in two sections; every 15th hands in nothing, every 5th handed in an
 * incomplete notebook first and a complete one later; every 7th has an override. Hand-ins are the
 * fixture notebooks (8 seeds) with each student's own Gmail, graded with the committed spec.
 */
export async function seed(h: Pick<ReviewApp, 'dir' | 'prisma'>, grader: SubmissionGrader, size: number): Promise<{ attempts: number; someSubmission: string }> {
  const complete = SEEDS.map((seed) => notebookText(buildSubmission({ seed, imagesKb: 8, email: 'student@gmail.com' })));
  const incomplete = notebookText(buildSubmission({ seed: 123, imagesKb: 8, email: 'student@gmail.com', missingExercises: [8, 9, 10] }));
  const email = (i: number) => `student${String(i).padStart(3, '0')}@gmail.com`;
  let attempts = 0;
  let someSubmission = '';
  for (let i = 0; i < size; i++) {
    if (i % 15 === 14) continue;
    const texts = i % 5 === 0 ? [incomplete, complete[i % SEEDS.length]] : [complete[i % SEEDS.length]];
    for (const [n, text] of texts.entries()) {
      const file = join(h.dir, `s${i}_${n}.ipynb`);
      await writeFile(file, text.replaceAll('student@gmail.com', email(i)));
      const report = await grader.gradeFile(file);
      if (report.status !== 'graded' || !report.stored) throw new Error(`${file} was not graded`);
      someSubmission = report.stored.submissionId;
      attempts++;
    }
  }
  const course = await h.prisma.course.create({ data: { code: `BIO1173-${size}`, title: 'Biology & AI' } });
  await h.prisma.assignment.update({ where: { specId: 'class_06_2' }, data: { courseId: course.id, title: 'Class 06.2: ONNX Runtime' } });
  await h.prisma.person.createMany({
    data: Array.from({ length: size }, (_, i) => ({ email: email(i), name: `Student ${String(i).padStart(3, '0')}` })),
    skipDuplicates: true,
  });
  const people = await h.prisma.person.findMany({ select: { id: true, email: true } });
  await h.prisma.enrollment.createMany({
    data: people.map((p) => {
      const i = Number(p.email.slice(7, 10));
      return { personId: p.id, courseId: course.id, section: `BIO 1173 00${1 + (i % 2)}`, canvasUserId: String(100_000 + i) };
    }),
  });
  const checks = await h.prisma.checkResult.findMany({ where: { status: 'fail', maxPoints: { gt: 0 } }, select: { id: true, maxPoints: true } });
  await h.prisma.override.createMany({
    data: checks.filter((_, i) => i % 7 === 0).map((c) => ({ checkResultId: c.id, who: 'prof@utsa.edu', points: c.maxPoints, reason: 'bench' })),
  });
  return { attempts, someSubmission };
}

export async function timed(url: string, headers: Record<string, string>): Promise<EndpointTiming> {
  const durations: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ITERATIONS + 3; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    const body = await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${Buffer.from(body).toString()}`);
    if (i >= 3) durations.push(performance.now() - started); // the first calls warm the JIT and the pool
    bytes = body.byteLength;
  }
  return { ...summarizeTimings(durations), bytes };
}

/** p50, p95 (nearest rank) and the slowest of repeated timings, in ms. */
export function summarizeTimings(durations: readonly number[]): { p50Ms: number; p95Ms: number; maxMs: number } {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
  return { p50Ms: at(50), p95Ms: at(95), maxMs: round(sorted.at(-1)!) };
}

const round = (value: number) => Math.round(value * 100) / 100;
