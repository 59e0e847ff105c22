/**
 * Speed with every lesson loaded (issue #10 item 5), measured in one run:
 * 1. recognition among all the specs of grading-specs/ (`SpecRegistry.recognise`), per notebook, on the
 *    static bench's 200 synthetic Class_06_2 hand-ins and, when REFERENCE_DIR has `course/`, on the
 *    course's real lesson and solution notebooks;
 * 2. static grading with Postgres writes (the SubmissionGrader path, as `npm run grade` and the static
 *    bench run it) against its floor on the same files: reading the file, sha256 and JSON.parse.
 * Grading is timed by phase too (store the bytes, recognise, database writes, and, in a pass without
 * the database, load / parse / grade), so the ratio says where the time goes.
 * Nothing runs at import; call benchCourse().
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { openDatabase } from '../src/database/database.js';
import { GradeRepository } from '../src/database/grade.repository.js';
import { documentText } from '../src/grading/evidence.js';
import type { GradeReport } from '../src/grading/grade.types.js';
import { gradeDocument } from '../src/grading/rubric.engine.js';
import { type GradeSink, SubmissionGrader } from '../src/grading/submission-grader.js';
import type { SubmissionDocument } from '../src/ingest/document.js';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { loadSubmissionFile, parseSubmission } from '../src/ingest/submission.reader.js';
import { projectPath } from '../src/paths.js';
import { SpecRegistry } from '../src/specs/spec.registry.js';
import { FileStore } from '../src/submissions/file-store.js';
import { REFERENCE_DIR } from '../test/support/reference.js';
import { createTestDatabase } from '../test/support/test-database.js';
import { gradeEach, writeStaticNotebooks } from './static-grading.bench.js';

export interface Spread {
  files: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface RecognitionResult extends Spread {
  /** Files some spec recognised (the others are rejected with a reason, which costs the same). */
  recognised: number;
  /** The spec most files were recognised as, and how many. */
  mostCommon: string | null;
  /** Of the time, building the hand-in's text once (documentText), per file. */
  textMsP50: number;
  largestTextKB: number;
}

export interface CourseBenchResult {
  specs: number;
  /** recognise/all/none/headings/prefer patterns tested against each hand-in. */
  patternsPerFile: number;
  synthetic: RecognitionResult;
  /** The course's notebooks read from REFERENCE_DIR/course (null when absent). */
  course: { lessons: RecognitionResult; solutions: RecognitionResult } | null;
  grading: {
    notebooks: number;
    totalMB: number;
    /** Read the file, sha256, JSON.parse: before grading, after it, and both passes together. */
    floorPerSecond: { before: number; after: number; overall: number };
    perSecond: number;
    p50Ms: number;
    p95Ms: number;
    /** floor.overall / grading: the target is ≤ 3. */
    ratio: number;
    /** Share of grading's wall time, by phase (ms per notebook). */
    phasesMsPerNotebook: Record<string, number>;
  };
}

function spread(durations: number[]): Spread {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return {
    files: sorted.length,
    p50Ms: round(at(50)),
    p95Ms: round(at(95)),
    maxMs: round(sorted.at(-1) ?? 0),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}

/** Recognition per document: one untimed warm-up (regex compilation), then the median of `reps` timed runs. */
function timeRecognition(registry: SpecRegistry, documents: SubmissionDocument[], reps = 3): RecognitionResult {
  const durations: number[] = [];
  const textDurations: number[] = [];
  const ids = new Map<string, number>();
  let recognised = 0;
  let largestText = 0;
  for (const document of documents) {
    const result = registry.recognise(document);
    if (result.spec) {
      recognised++;
      ids.set(result.spec.spec.id, (ids.get(result.spec.spec.id) ?? 0) + 1);
    }
    const runs: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      registry.recognise(document);
      runs.push(performance.now() - t);
    }
    durations.push(runs.sort((a, b) => a - b)[Math.floor(reps / 2)]);
    const t = performance.now();
    largestText = Math.max(largestText, documentText(document).length);
    textDurations.push(performance.now() - t);
  }
  const mostCommon = [...ids].sort((a, b) => b[1] - a[1])[0];
  return {
    ...spread(durations),
    recognised,
    mostCommon: mostCommon ? `${mostCommon[0]} (${mostCommon[1]})` : null,
    textMsP50: spread(textDurations).p50Ms,
    largestTextKB: round(largestText / 1024),
  };
}

async function readNotebooks(folder: string): Promise<SubmissionDocument[]> {
  const names = (await readdir(folder)).filter((f) => f.endsWith('.ipynb')).sort();
  return Promise.all(names.map(async (name) => readNotebook(await readFile(join(folder, name)), name)));
}

/** The floor: read, sha256 and JSON.parse each file, one after another. */
async function floorPass(files: string[]): Promise<number> {
  const started = performance.now();
  for (const file of files) {
    const bytes = await readFile(file);
    createHash('sha256').update(bytes).digest('hex');
    JSON.parse(bytes.toString('utf8'));
  }
  return (performance.now() - started) / 1000;
}

/** Adds each call's duration to `totals[name]`. */
function timed<A extends unknown[], R>(totals: Record<string, number>, name: string, f: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    const t = performance.now();
    const result = f(...args);
    if (result instanceof Promise) {
      return result.finally(() => (totals[name] = (totals[name] ?? 0) + performance.now() - t)) as R;
    }
    totals[name] = (totals[name] ?? 0) + performance.now() - t;
    return result;
  };
}

export async function benchCourse(count = 200): Promise<CourseBenchResult> {
  const folder = await mkdtemp(join(tmpdir(), 'bench-course-'));
  const database = await createTestDatabase('bench_course');
  const opened = await openDatabase({ databaseUrl: database.url, embeddedDir: join(folder, 'unused') });
  try {
    const files = await writeStaticNotebooks(join(folder, 'in'), count);
    const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
    const registry = await SpecRegistry.load(projectPath('grading-specs'));
    const patternsPerFile = registry.specs.reduce((n, { spec: { recognise: r } }) => n + r.all.length + r.none.length + r.headings.length + r.prefer.length, 0);

    // 1. Recognition among every spec.
    const synthetic = timeRecognition(registry, await Promise.all(files.map(async (f) => readNotebook(await readFile(f), basename(f)))));
    if (synthetic.recognised !== count) throw new Error(`only ${synthetic.recognised} of ${count} synthetic notebooks were recognised`);
    const courseDir = join(REFERENCE_DIR, 'course');
    const course = existsSync(join(courseDir, 'lessons'))
      ? {
          lessons: timeRecognition(registry, await readNotebooks(join(courseDir, 'lessons'))),
          solutions: timeRecognition(registry, await readNotebooks(join(courseDir, 'solutions'))),
        }
      : null;

    // 2. Floor, grading with the database, floor again (the machine's load moves: both sides of it).
    global.gc?.();
    const floorBefore = await floorPass(files);

    const phases: Record<string, number> = {};
    const repository = new GradeRepository(opened.prisma);
    const sink: GradeSink = {
      recordSubmission: timed(phases, 'databaseWrites', repository.recordSubmission.bind(repository)),
      recordRejection: timed(phases, 'databaseWrites', repository.recordRejection.bind(repository)),
      saveGrade: timed(phases, 'databaseWrites', (id: string, report: GradeReport) => repository.saveGrade(id, report)),
    };
    const store = new FileStore(join(folder, 'store'));
    store.put = timed(phases, 'storeBytes', store.put.bind(store));
    registry.recognise = timed(phases, 'recognise', registry.recognise.bind(registry));
    const limits = { maxBytes: 100 * 1024 * 1024, pdfTimeoutMs: 30_000, maxPdfPages: 300 };
    const grader = new SubmissionGrader(registry, limits, store, sink);
    global.gc?.();
    const { durations, seconds: gradingSeconds } = await gradeEach(grader, files);

    global.gc?.();
    const floorAfter = await floorPass(files);

    const graded = { ...phases };
    // The rest of grading's time, by phase, in a pass without the database (seeds now reproduced).
    const rest: Record<string, number> = {};
    const load = timed(rest, 'load', loadSubmissionFile);
    const parse = timed(rest, 'parse', parseSubmission);
    const grade = timed(rest, 'gradeDocument', gradeDocument);
    for (const file of files) {
      const loaded = await load(file, limits);
      const document = await parse(loaded, limits);
      const recognition = registry.recognise(document);
      grade(document, recognition.spec!);
    }

    const perNotebook = (ms: number) => round(ms / count);
    const wallMs = gradingSeconds * 1000;
    const measured = ['storeBytes', 'recognise', 'databaseWrites'].reduce((n, k) => n + (graded[k] ?? 0), 0);
    const floorOverall = (2 * count) / (floorBefore + floorAfter);
    const perSecond = count / gradingSeconds;
    return {
      specs: registry.specs.length,
      patternsPerFile,
      synthetic,
      course,
      grading: {
        notebooks: count,
        totalMB: round(sizes.reduce((a, b) => a + b, 0) / 1024 ** 2),
        floorPerSecond: { before: round(count / floorBefore), after: round(count / floorAfter), overall: round(floorOverall) },
        perSecond: round(perSecond),
        ...(({ p50Ms, p95Ms }) => ({ p50Ms, p95Ms }))(spread(durations)),
        ratio: round(floorOverall / perSecond),
        phasesMsPerNotebook: {
          total: perNotebook(wallMs),
          storeBytes: perNotebook(graded.storeBytes ?? 0),
          recognise: perNotebook(graded.recognise ?? 0),
          databaseWrites: perNotebook(graded.databaseWrites ?? 0),
          'load+parse+grade+report (rest of total)': perNotebook(wallMs - measured),
          'of which load (no-db pass)': perNotebook(rest.load ?? 0),
          'of which parse (no-db pass)': perNotebook(rest.parse ?? 0),
          'of which gradeDocument (no-db pass, seeds cached)': perNotebook(rest.gradeDocument ?? 0),
        },
      },
    };
  } finally {
    await opened.close();
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
