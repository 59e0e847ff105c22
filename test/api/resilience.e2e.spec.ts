/**
 * Nothing uploaded is lost when the infrastructure fails:
 * - Redis down during an upload: still 202, the file and the row are stored; when Redis is back
 *   (empty: it kept nothing), the reconciler enqueues the submission and it is graded once;
 * - a worker killed with SIGKILL in the middle of a job: the job's lock expires, the restarted
 *   worker takes it again, and exactly one grade is stored.
 * The second test runs the built worker (`npm run build` first; `npm test` does).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { buildSubmission, notebookText } from '../fixtures/submissions.js';
import { type ApiHarness, startApi } from '../support/api-harness.js';
import { createTestRedis, type TestRedis } from '../support/redis-server.js';
import { until } from '../support/until.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis unavailable during an upload', () => {
  let redis: TestRedis;
  let api: ApiHarness;

  beforeAll(async () => {
    redis = await createTestRedis();
    await redis.start();
    api = await startApi({
      label: 'redis_down',
      worker: true,
      env: { REDIS_URL: redis.url, ENQUEUE_TIMEOUT_MS: '300', RECONCILE_INTERVAL_MS: '500', RECONCILE_GRACE_MS: '0' },
    });
  });

  afterAll(async () => {
    await api?.close();
    await redis?.stop();
  });

  it('accepts and stores the upload, then grades it once when Redis is back', async () => {
    const jane = await api.sessionFor('jane.student@gmail.com', 'student');
    await redis.stop();
    await until('health to see Redis down', async () => (await api.http.get('/health')).status === 503);
    expect((await api.http.get('/health')).body).toMatchObject({ status: 'degraded', database: 'up', redis: 'down' });

    const bytes = Buffer.from(notebookText(buildSubmission({ email: 'jane.student@gmail.com', seed: 123 })));
    const started = Date.now();
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).attach('file', bytes, 'Class_06_2.ipynb');
    expect(upload.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(upload.body).toMatchObject({ status: 'received', queue: 'unavailable' });
    const id = upload.body.submissionId as string;
    const [row] = await api.sql<{ status: string; storedPath: string }>('SELECT status, "storedPath" FROM "Submission" WHERE id = $1', [id]);
    expect(row.status).toBe('received');
    expect((await stat(row.storedPath)).size).toBe(bytes.length);

    await sleep(1_000); // the reconciler runs meanwhile and finds Redis down: nothing breaks
    expect((await api.sql('SELECT status FROM "Submission" WHERE id = $1', [id]))[0]).toEqual({ status: 'received' });

    await redis.start();
    const done = await api.waitUntilProcessed(id, jane, 30_000);
    expect(done).toMatchObject({ status: 'graded', result: { score: 100 } });
    await sleep(1_500); // more reconciler rounds: still one grade, one job
    expect(await api.sql('SELECT count(*)::int AS n FROM "Grade" WHERE "submissionId" = $1', [id])).toEqual([{ n: 1 }]);
    const jobs = await api.gradeQueue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed']);
    expect(jobs.map((job) => job.id)).toEqual([`grade:${id}:1.0.0`]);
    expect(api.logs.some((line) => /Redis unavailable/.test(line))).toBe(true);
  });
});

describe('a worker killed with SIGKILL in the middle of a job', () => {
  let api: ApiHarness;
  const workers: ChildProcess[] = [];
  let output = '';

  beforeAll(async () => {
    if (!existsSync('dist/worker.js')) throw new Error('dist/worker.js is missing: run `npm run build` first');
    // A short lock: a dead worker's job is found stalled within seconds, not half a minute.
    api = await startApi({ label: 'sigkill', worker: false, env: { QUEUE_LOCK_DURATION_MS: '3000', QUEUE_STALLED_INTERVAL_MS: '1000' } });
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await api?.close();
  });

  async function startWorker(): Promise<ChildProcess> {
    const worker = spawn(process.execPath, ['dist/worker.js'], { env: { ...process.env, ...api.env, WORKER_QUEUES: 'grade' } });
    workers.push(worker);
    worker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until('the worker to start', async () => output.split('started (queues: grade').length > workers.length);
    return worker;
  }

  it('leaves the job to the next worker, which stores exactly one grade', async () => {
    const first = await startWorker();
    const student = await api.sessionFor('lhernandez1173@gmail.com', 'student');
    // Seed 7 is new to this worker process: reproducing it takes about a second, a wide window to kill in.
    const bytes = Buffer.from(notebookText(buildSubmission({ email: 'lhernandez1173@gmail.com', seed: 7, runtime: 'cpu' })));
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${student}`).attach('file', bytes, 'Class_06_2.ipynb');
    expect(upload.status).toBe(202);
    const id = upload.body.submissionId as string;
    const job = await until('the job to be active', async () => {
      const active = await api.gradeQueue.getActive();
      return active.find((candidate) => candidate.data.submissionId === id);
    });
    first.kill('SIGKILL');
    await until('the worker to die', async () => first.signalCode === 'SIGKILL');

    // Killed mid-job: nothing stored, the job still held by the dead worker.
    expect(await api.sql('SELECT count(*)::int AS n FROM "Grade"')).toEqual([{ n: 0 }]);
    expect(await job.getState()).toBe('active');

    const second = await startWorker();
    const done = await api.waitUntilProcessed(id, student, 30_000);
    expect(done).toMatchObject({ status: 'graded', result: { score: 91 } });
    expect(await api.sql('SELECT count(*)::int AS n FROM "Grade" WHERE "submissionId" = $1', [id])).toEqual([{ n: 1 }]);
    // The grade is written before Bull marks the job complete: wait for that last step too.
    await until('the job to be completed', async () => (await (await api.gradeQueue.getJob(job.id))!.getState()) === 'completed');
    expect(output).toMatch(/its worker stopped answering \(crashed\?\); the job is back in the queue/);
    // Written to a pipe, not a terminal: log lines are JSON objects, with no colour codes (LOG_FORMAT=auto).
    expect(output).not.toMatch(/\x1b\[/);
    const logLines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(JSON.parse(line)).toEqual(expect.objectContaining({ level: expect.any(String), message: expect.anything() }));

    // SIGTERM: the worker finishes and exits cleanly.
    second.kill('SIGTERM');
    await until('the worker to exit', async () => second.exitCode !== null);
    expect(second.exitCode).toBe(0);
  });
});
