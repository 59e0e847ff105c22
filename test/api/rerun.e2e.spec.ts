/** @jest-environment ./test/support/ort-jest-environment.mjs */
/**
 * Re-runs through the service: a student hands in model files beside the notebook, a TA asks for a
 * re-run, the worker (in-process, queue `rerun`) runs the real Python runner and onnxruntime-node and
 * records one RerunRun with its device, execution provider and versions. The spec folder names a small
 * model (resnet18, 64 px) so that it fits CI; on GPU workers the same path runs ResNet101 at 512 px.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from '../fixtures/submissions.js';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { type ApiHarness, startApi } from '../support/api-harness.js';
import { until } from '../support/until.js';
import { writeSmallModelSpec } from '../support/small-model-spec.js';
import { makeFixtures, type FixtureManifest } from '../support/runner-fixtures.js';

const JANE = 'jane.student@gmail.com';

describe('re-runs through the service', () => {
  let api: ApiHarness;
  let specs: string;
  let manifest: FixtureManifest;
  let jane: string;
  let marcus: string;
  let ta: string;
  let submissionId: string;

  beforeAll(async () => {
    specs = await mkdtemp(join(tmpdir(), 'rerun-e2e-'));
    manifest = await makeFixtures({ backbone: 'resnet18', size: 64, out: specs, variants: ['onnx'] });
    await writeSmallModelSpec(specs);
    api = await startApi({
      label: 'rerun',
      worker: true,
      env: { GRADING_SPECS_DIR: specs, WORKER_QUEUES: 'grade,rerun', RERUN_DEVICE: 'cpu', RERUN_BENCHMARK: 'false', RUNNER_THREADS: '2', MAX_MODEL_BYTES: String(200 * 1024 * 1024) },
    });
    jane = await api.sessionFor(JANE, 'student');
    marcus = await api.sessionFor('marcus.okafor22@gmail.com', 'student');
    ta = await api.sessionFor('sam.ta@utsa.edu', 'ta');
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`)
      .attach('file', Buffer.from(notebookText(buildSubmission(FIXTURE_VARIANTS.good))), 'Class_06_2.Student.ipynb');
    expect(upload.status).toBe(202);
    submissionId = upload.body.submissionId;
    await api.waitUntilProcessed(submissionId, jane);
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    await rm(specs, { recursive: true, force: true });
  });

  async function waitForJob(statusUrl: string, timeoutMs = 120_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await api.http.get(statusUrl).set('Authorization', `Bearer ${ta}`);
      expect(response.status).toBe(200);
      if (response.body.state === 'completed' || response.body.state === 'failed') return response.body;
      if (Date.now() > deadline) throw new Error(`job still ${response.body.state}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('takes the student\'s model files, classified by content, and only on their own submission', async () => {
    const notTorch = await api.http.post(`/api/submissions/${submissionId}/model`).set('Authorization', `Bearer ${jane}`)
      .attach('weights', Buffer.from('just some text, not a model'), 'ResNet101_model_512.pth');
    expect(notTorch.status).toBe(415);
    expect(notTorch.body.message).toMatch(/ResNet101_model_512\.pth: not a PyTorch weights file/);
    const others = await api.http.post(`/api/submissions/${submissionId}/model`).set('Authorization', `Bearer ${marcus}`)
      .attach('weights', await readFile(manifest.files.honest), 'model.pth');
    expect(others.status).toBe(404);
    const nothing = await api.http.post(`/api/submissions/${submissionId}/model`).set('Authorization', `Bearer ${jane}`).field('note', 'x');
    expect(nothing.status).toBe(400);

    const stored = await api.http.post(`/api/submissions/${submissionId}/model`).set('Authorization', `Bearer ${jane}`)
      .attach('weights', await readFile(manifest.files.honest), 'ResNet101_model_512.pth')
      .attach('onnx', await readFile(manifest.files.onnx), 'ResNet101_model_512.onnx');
    expect(stored.status).toBe(201);
    expect(stored.body.files.map((f: { role: string }) => f.role).sort()).toEqual(['onnx', 'weights']);
    expect(stored.body.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);

  it('re-runs on a TA\'s request and records the measurement with its environment, once', async () => {
    const requested = await api.http.post(`/api/submissions/${submissionId}/rerun`).set('Authorization', `Bearer ${ta}`)
      .send({ checkIds: ['ex5.max_difference', 'ex8.accuracies_equal'] });
    expect(requested.status).toBe(202);
    const job = await waitForJob(requested.body.statusUrl);
    expect(job.state).toBe('completed');

    const rows = await api.sql<{ status: string; device: string; executionProvider: string; torchVersion: string; ortVersion: string; metrics: { checks: { id: string; status: string }[] } }>(
      'SELECT status, device, "executionProvider", "torchVersion", "ortVersion", metrics FROM "RerunRun" WHERE "submissionId" = $1', [submissionId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'succeeded', executionProvider: 'CPUExecutionProvider', ortVersion: '1.30.0' });
    expect(rows[0].torchVersion).toMatch(/^1\.13/);
    const checks = Object.fromEntries(rows[0].metrics.checks.map((c) => [c.id, c.status]));
    expect(checks).toMatchObject({ 'rerun.conversion': 'pass', 'rerun.student_onnx': 'pass', 'rerun.parity': 'pass', 'rerun.student_parity': 'pass' });
  }, 180_000);

  it('keeps the worker\'s runner warm: started with the worker, no re-run starts a Python process', async () => {
    const requested = await api.http.post(`/api/submissions/${submissionId}/rerun`).set('Authorization', `Bearer ${ta}`)
      .send({ checkIds: ['ex5.max_difference'] });
    expect(requested.status).toBe(202);
    expect((await waitForJob(requested.body.statusUrl)).state).toBe('completed');
    const rows = await api.sql<{ metrics: { metrics: { runnerProcesses: number; runnerTimings: Record<string, { overheadSeconds: number }> } } }>(
      'SELECT metrics FROM "RerunRun" WHERE "submissionId" = $1 ORDER BY "startedAt"', [submissionId]);
    // the worker started its runner when it started (a probe), so neither re-run paid for Python and torch
    expect(api.logs.some((line) => /runner warm in [\d.]+ s \(cpu /.test(line))).toBe(true);
    expect(rows.map((r) => r.metrics.metrics.runnerProcesses)).toEqual([0, 0]);
    for (const row of rows) expect(row.metrics.metrics.runnerTimings.convert.overheadSeconds).toBeLessThan(0.5);
  }, 180_000);

  it('records a re-run without weights as the student\'s missing input, not an error', async () => {
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${marcus}`)
      .attach('file', Buffer.from(notebookText(buildSubmission({ ...FIXTURE_VARIANTS.seed42, email: 'marcus.okafor22@gmail.com' }))), 'Class_06_2.Okafor.ipynb');
    expect(upload.status).toBe(202);
    await api.waitUntilProcessed(upload.body.submissionId, marcus);
    const requested = await api.http.post(`/api/submissions/${upload.body.submissionId}/rerun`).set('Authorization', `Bearer ${ta}`).send({});
    expect(requested.status).toBe(202);
    expect((await waitForJob(requested.body.statusUrl)).state).toBe('completed');
    const rows = await api.sql<{ status: string; error: string }>('SELECT status, error FROM "RerunRun" WHERE "submissionId" = $1', [upload.body.submissionId]);
    expect(rows).toEqual([{ status: 'failed', error: 'no weights (.pth) were handed in with this submission' }]);
  }, 120_000);

  it('re-runs an ONNX whose weights are in model.onnx.data (torch 2.x\'s export), handed in as onnxData', async () => {
    // The fixture's ONNX re-saved as torch 2.x's dynamo exporter writes it: graph and weights apart.
    const external = join(specs, 'external');
    await mkdir(external);
    await promisify(execFile)('/usr/bin/python3', ['-c', [
      'import sys, onnx',
      'm = onnx.load(sys.argv[1])',
      "onnx.save(m, sys.argv[2] + '/ResNet101_model_512.onnx', save_as_external_data=True, all_tensors_to_one_file=True, location='ResNet101_model_512.onnx.data', size_threshold=0)",
    ].join('\n'), manifest.files.onnx, external]);
    const graph = await readFile(join(external, 'ResNet101_model_512.onnx'));
    expect(graph.length).toBeLessThan(1024 * 1024); // the weights really are in the .data file
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`)
      .attach('file', Buffer.from(notebookText(buildSubmission({ ...FIXTURE_VARIANTS.good, seed: 7 }))), 'Class_06_2.Student.ipynb');
    expect(upload.status).toBe(202);
    const id = upload.body.submissionId as string;
    await api.waitUntilProcessed(id, jane);
    const stored = await api.http.post(`/api/submissions/${id}/model`).set('Authorization', `Bearer ${jane}`)
      .attach('weights', await readFile(manifest.files.honest), 'ResNet101_model_512.pth')
      .attach('onnx', graph, 'ResNet101_model_512.onnx')
      .attach('onnxData', await readFile(join(external, 'ResNet101_model_512.onnx.data')), 'ResNet101_model_512.onnx.data');
    expect(stored.status).toBe(201);
    expect(stored.body.files.map((f: { role: string }) => f.role).sort()).toEqual(['onnx', 'onnx_data', 'weights']);
    // Nothing failed in this hand-in: the TA names the check to re-run.
    const requested = await api.http.post(`/api/submissions/${id}/rerun`).set('Authorization', `Bearer ${ta}`).send({ checkIds: ['ex5.max_difference'] });
    expect(requested.status).toBe(202);
    expect((await waitForJob(requested.body.statusUrl)).state).toBe('completed');
    const rows = await api.sql<{ status: string; metrics: { checks: { id: string; status: string; evidence: string }[] } }>(
      'SELECT status, metrics FROM "RerunRun" WHERE "submissionId" = $1', [id]);
    expect(rows).toHaveLength(1);
    const checks = Object.fromEntries(rows[0].metrics.checks.map((c) => [c.id, `${c.status}: ${c.evidence}`]));
    expect(checks['rerun.student_onnx']).toMatch(/^pass/);
    expect(checks['rerun.student_parity']).toMatch(/^pass/);
  }, 240_000);
});

describe('a re-run worker killed with SIGKILL in the middle of a re-run', () => {
  let api: ApiHarness;
  let specs: string;
  let manifest: FixtureManifest;
  const workers: ChildProcess[] = [];
  let output = '';

  beforeAll(async () => {
    if (!existsSync('dist/worker.js')) throw new Error('dist/worker.js is missing: run `npm run build` first');
    specs = await mkdtemp(join(tmpdir(), 'rerun-kill-'));
    manifest = await makeFixtures({ backbone: 'resnet18', size: 64, out: specs, variants: [] });
    await writeSmallModelSpec(specs);
    // Grading in-process; re-runs only in the child workers. A short lock: a dead worker's job is
    // found stalled within seconds.
    api = await startApi({
      label: 'rerun_kill',
      worker: true,
      env: {
        GRADING_SPECS_DIR: specs, WORKER_QUEUES: 'grade', RERUN_DEVICE: 'cpu', RERUN_BENCHMARK: 'false', RUNNER_THREADS: '1',
        QUEUE_LOCK_DURATION_MS: '3000', QUEUE_STALLED_INTERVAL_MS: '1000',
      },
    });
  }, 180_000);

  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await api?.close();
    await rm(specs, { recursive: true, force: true });
  });

  async function startRerunWorker(): Promise<ChildProcess> {
    const worker = spawn(process.execPath, ['dist/worker.js'], { env: { ...process.env, ...api.env, WORKER_QUEUES: 'rerun' } });
    workers.push(worker);
    worker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until('the worker to start', async () => output.split("processing queue 'rerun'").length > workers.length);
    return worker;
  }

  it('leaves the job to the next worker, which records exactly one re-run', async () => {
    const student = await api.sessionFor(JANE, 'student');
    const ta = await api.sessionFor('sam.ta@utsa.edu', 'ta');
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${student}`)
      .attach('file', Buffer.from(notebookText(buildSubmission(FIXTURE_VARIANTS.parityFailure))), 'Class_06_2.ipynb');
    const id = upload.body.submissionId as string;
    await api.waitUntilProcessed(id, student);
    const model = await api.http.post(`/api/submissions/${id}/model`).set('Authorization', `Bearer ${student}`)
      .attach('weights', await readFile(manifest.files.honest), 'ResNet101_model_512.pth');
    expect(model.status).toBe(201);

    const first = await startRerunWorker();
    const requested = await api.http.post(`/api/submissions/${id}/rerun`).set('Authorization', `Bearer ${ta}`).send({});
    expect(requested.status).toBe(202);
    const rerunQueue = api.app.get<Queue>(getQueueToken('rerun'), { strict: false });
    const job = await until('the re-run to be active', async () => (await rerunQueue.getActive()).find((j) => j.data.submissionId === id));
    first.kill('SIGKILL');
    await until('the worker to die', async () => first.signalCode === 'SIGKILL');
    expect(await api.sql('SELECT count(*)::int AS n FROM "RerunRun"')).toEqual([{ n: 0 }]);

    await startRerunWorker();
    await until('the re-run to complete', async () => (await (await rerunQueue.getJob(job.id))!.getState()) === 'completed', 120_000);
    const rows = await api.sql<{ status: string }>('SELECT status FROM "RerunRun" WHERE "submissionId" = $1', [id]);
    expect(rows).toEqual([{ status: 'succeeded' }]);
  }, 240_000);
});
