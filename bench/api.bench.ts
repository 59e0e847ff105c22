/**
 * The service under a class-sized burst: 200 students upload their notebook at the same moment
 * (200 concurrent multipart uploads of realistic ~340 KB Class_06_2 notebooks over loopback).
 * Deployed shape: the api and a worker as processes of their own (dist-bench/src/main.js and
 * worker.js), this process only sends requests (the load generator must not share the api's event
 * loop). Measures acceptance (202) throughput and latency, errors, and the time until all are graded.
 * Postgres and Redis are the real local servers; a fresh database and a Bull prefix of its own.
 * Nothing runs at import; call benchApi().
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import Bull from 'bull';
import { SessionTokens } from '../src/auth/session-tokens.js';
import { openDatabase } from '../src/database/database.js';
import { PeopleRepository } from '../src/identity/people.repository.js';
import { projectPath } from '../src/paths.js';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from '../test/fixtures/submissions.js';
import { createTestDatabase } from '../test/support/test-database.js';

export interface ApiBenchOptions {
  uploads?: number;
  /** Worker processes grading (each: one job at a time). */
  workers?: number;
}

export interface ApiBenchResult {
  uploads: number;
  concurrency: number;
  workers: number;
  averageNotebookKB: number;
  distinctSeeds: number;
  /** Responses other than 202, and requests that failed outright. */
  errors: number;
  acceptedPerSecond: number;
  uploadLatencyMs: { p50: number; p90: number; p99: number; max: number };
  /** From the first upload sent until the last submission is graded. */
  allGradedSeconds: number;
  gradedPerSecond: number;
  finalStatuses: Record<string, number>;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** One notebook per student: the fixture variants in turn, each printing its student's own Gmail. */
function classOfNotebooks(count: number): { email: string; bytes: Buffer; seed: number }[] {
  const variants = Object.values(FIXTURE_VARIANTS);
  const bases = variants.map((options) => ({ text: notebookText(buildSubmission(options)), email: options.email!, seed: options.seed ?? 123 }));
  return Array.from({ length: count }, (_, i) => {
    const base = bases[i % bases.length];
    const email = `bio1173.student${String(i).padStart(3, '0')}@gmail.com`;
    return { email, bytes: Buffer.from(base.text.split(base.email).join(email)), seed: base.seed };
  });
}

/** Starts dist-bench/src/<script> with the bench's environment; resolves once `ready` is printed. */
function startProcess(script: string, env: Record<string, string>, ready: string): Promise<ChildProcess> {
  const path = fileURLToPath(new URL(`../src/${script}`, import.meta.url));
  // BENCH_CPU_PROFILE=<folder>: the api and workers write V8 CPU profiles there.
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, path], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes(ready)) {
        clearInterval(timer);
        resolve(child);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`${script} exited: ${output}`));
      }
    }, 50);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function benchApi(options: ApiBenchOptions = {}): Promise<ApiBenchResult> {
  const count = options.uploads ?? 200;
  const workerCount = options.workers ?? 1;
  const database = await createTestDatabase('bench_api');
  const dataDir = await mkdtemp(join(tmpdir(), 'grader-bench-api-'));
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    GRADER_DATA_DIR: dataDir,
    GRADING_SPECS_DIR: projectPath('grading-specs'),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bench-api-${randomBytes(3).toString('hex')}`,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_BASE_URL: 'http://127.0.0.1',
    RECONCILE_GRACE_MS: '60000',
    // One machine for everything: grading yields the CPU to accepting uploads.
    WORKER_NICE: '10',
  };
  const port = await freePort();
  Object.assign(env, { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' });
  const base = `http://127.0.0.1:${port}`;
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const children: ChildProcess[] = [];
  try {
    const notebooks = classOfNotebooks(count);
    // The students exist (as after a roster import) and hold sessions, as after web sign-in.
    const opened = await openDatabase({ databaseUrl: database.url, embeddedDir: join(dataDir, 'unused') });
    const people = new PeopleRepository(opened.prisma);
    const sessions = new SessionTokens(env.SESSION_SECRET);
    const tokens: string[] = [];
    for (const { email } of notebooks) {
      const person = await people.ensurePerson(email);
      tokens.push(sessions.issue({ email: person.email, role: 'student', personId: person.id }));
    }
    await opened.close();
    children.push(await startProcess('main.js', env, 'listening on'));
    for (let i = 0; i < workerCount; i++) children.push(await startProcess('worker.js', env, 'started (queues:'));

    // autocannon: one connection per student, one request each, bodies prepared beforehand so the
    // load generator costs little CPU beside the api on this 2-core machine.
    const boundary = `----bench${randomBytes(8).toString('hex')}`;
    const bodies = notebooks.map((notebook) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Class_06_2.ipynb"\r\nContent-Type: application/x-ipynb+json\r\n\r\n`),
        notebook.bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    );
    // A service that has been up a while: its first requests (JIT, first queries, Bull's scripts)
    // are not part of the burst. Cut-off notebooks: rejected at once, no seed work for the worker.
    const warmup = await openDatabase({ databaseUrl: database.url, embeddedDir: join(dataDir, 'unused') });
    const warmupPerson = await new PeopleRepository(warmup.prisma).ensurePerson('bench.warmup@gmail.com');
    await warmup.close();
    const warmupToken = sessions.issue({ email: warmupPerson.email, role: 'student', personId: warmupPerson.id });
    for (let i = 0; i < 10; i++) {
      const form = new FormData();
      form.append('file', new Blob([notebooks[i].bytes.subarray(0, 100_000 + i)]), 'warmup.ipynb');
      await fetch(`${base}/api/submissions`, { method: 'POST', headers: { Authorization: `Bearer ${warmupToken}` }, body: form });
    }

    let next = 0;
    const responses = new Map<number, number>();
    const started = performance.now();
    const load = await autocannon({
      url: `${base}/api/submissions`,
      connections: count,
      amount: count,
      timeout: 60,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const i = next++ % count;
            return {
              ...request,
              headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
              body: bodies[i],
            };
          },
          onResponse: (status) => void responses.set(status, (responses.get(status) ?? 0) + 1),
        },
      ],
    });
    const acceptedSeconds = (performance.now() - started) / 1000;
    const errors = count - (responses.get(202) ?? 0);

    let finished = 0;
    const deadline = Date.now() + 180_000;
    while (workerCount > 0 && finished < count - errors && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Submission" WHERE status <> 'received' AND "personId" <> $1`,
        [warmupPerson.id],
      );
      finished = rows[0].n;
    }
    const allGradedSeconds = (performance.now() - started) / 1000;
    const { rows: statuses } = await pool.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM "Submission" WHERE "personId" <> $1 GROUP BY status',
      [warmupPerson.id],
    );
    return {
      uploads: count,
      concurrency: count,
      workers: workerCount,
      averageNotebookKB: Math.round(notebooks.reduce((sum, n) => sum + n.bytes.length, 0) / count / 1024),
      distinctSeeds: new Set(notebooks.map((n) => n.seed)).size,
      errors,
      acceptedPerSecond: round(count / acceptedSeconds),
      uploadLatencyMs: { p50: load.latency.p50, p90: load.latency.p90, p99: load.latency.p99, max: load.latency.max },
      allGradedSeconds: round(allGradedSeconds),
      gradedPerSecond: round(finished / allGradedSeconds),
      finalStatuses: Object.fromEntries(statuses.map((row) => [row.status, row.n])),
    };
  } finally {
    await Promise.all(children.map(stopProcess));
    for (const name of ['grade', 'rerun']) {
      const queue = new Bull(name, env.REDIS_URL, { prefix: env.QUEUE_PREFIX });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await pool.end();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
