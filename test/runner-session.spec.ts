/**
 * RunnerSession against the real Python runner in `serve` mode (and a few stand-in commands for the
 * ways a process can fail): one process for a re-run's steps, each request still timed and
 * classified on its own, a lost step costing a fresh process and nothing else.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../src/rerun/npy.js';
import type { RunnerRequest } from '../src/rerun/runner-protocol.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { RerunJobHandler } from '../src/rerun/rerun-job.handler.js';
import { RunnerSession } from '../src/rerun/runner-session.js';
import type { SpecRegistry } from '../src/specs/spec.registry.js';
import { makeFixtures, type FixtureManifest } from './support/runner-fixtures.js';

const SIZE = 64;
let dir = '';
let manifest: FixtureManifest;
const env = { ...process.env, RUNNER_THREADS: '2' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runner-session-'));
  manifest = await makeFixtures({ backbone: 'resnet18', size: SIZE, out: dir, variants: ['truncated'] });
  await writeNpy(join(dir, 'inputs.npy'), { dtype: 'float32', shape: [2, 3, SIZE, SIZE], data: new Float32Array(2 * 3 * SIZE * SIZE).fill(0.5) });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function model(weights = manifest.files.honest) {
  return { jobDir: dir, weights, architecture: manifest.architecture, inputSize: SIZE, device: 'cpu' as const };
}

const logits = (output: string, weights?: string): RunnerRequest => ({
  task: 'logits',
  ...model(weights),
  logits: { input: join(dir, 'inputs.npy'), output: join(dir, output), batchSize: 2 },
});

describe('RunnerSession', () => {
  it('answers convert and logits from one process that loads the weights once per device', async () => {
    const session = new RunnerSession({ env });
    try {
      const converted = await session.run({ task: 'convert', ...model(), convert: { opset: 18, dynamicBatch: true, output: join(dir, 'ours.onnx') } }, 120_000);
      const first = await session.run(logits('a.npy'), 60_000);
      const second = await session.run(logits('b.npy'), 60_000);
      const unreadable = await session.run(logits('c.npy', manifest.files.truncated), 60_000);
      const third = await session.run(logits('d.npy'), 60_000);
      expect([converted.kind, first.kind, second.kind, third.kind]).toEqual(['ok', 'ok', 'ok', 'ok']);
      expect(unreadable).toMatchObject({ kind: 'student_error', code: 'weights_unreadable' });
      expect(session.processesStarted).toBe(1);
      if (first.kind !== 'ok' || second.kind !== 'ok') throw new Error('unreachable');
      // convert loaded the model on the CPU, where these logits run too
      expect(first.response.result).toMatchObject({ modelCached: true });
      expect(second.response.timings.loadSeconds).toBeLessThan(0.5);
      // the steps after the first pay no process start: far less than the first's wall time
      expect(second.wallSeconds).toBeLessThan(converted.wallSeconds);
    } finally {
      await session.close();
    }
  }, 180_000);

  it('kills the process of a request that overruns, reports `timeout`, and serves the next from a fresh one', async () => {
    const session = new RunnerSession({ env });
    try {
      const slow = await session.run({ task: 'benchmark', ...model(), benchmark: { warmup: 1, minIterations: 5, maxIterations: 100_000, maxSeconds: 600, targetRelativeHalfWidth: 0.0001 } }, 4_000);
      expect(slow).toMatchObject({ kind: 'infrastructure_error', code: 'timeout' });
      expect(slow.wallSeconds).toBeGreaterThanOrEqual(4);
      const next = await session.run({ task: 'probe', jobDir: dir, device: 'cpu' }, 60_000);
      expect(next.kind).toBe('ok');
      expect(session.processesStarted).toBe(2);
    } finally {
      await session.close();
    }
  }, 120_000);

  it('reports a process that dies mid-request as `crashed`, and one killed by a signal as `killed`', async () => {
    // Stand-ins for the runner: read the request, then die.
    const crashing = new RunnerSession({ command: ['/bin/sh', '-c', 'read line; echo "Segmentation fault" >&2; exit 139', 'sh'] });
    const crashed = await crashing.run({ task: 'probe', jobDir: dir, device: 'cpu' }, 10_000);
    expect(crashed).toMatchObject({ kind: 'infrastructure_error', code: 'crashed' });
    expect(crashed.kind === 'infrastructure_error' && crashed.message).toMatch(/exited with code 139.*Segmentation fault/);

    const killed = new RunnerSession({ command: ['/bin/sh', '-c', 'read line; kill -9 $$', 'sh'] });
    expect(await killed.run({ task: 'probe', jobDir: dir, device: 'cpu' }, 10_000)).toMatchObject({ kind: 'infrastructure_error', code: 'killed' });
    await Promise.all([crashing.close(), killed.close()]);
  });

  it('reports a command that cannot start as `spawn_failed`, and a line over the limit as `bad_response`', async () => {
    const missing = new RunnerSession({ command: ['/nonexistent/python3', 'runner.py'] });
    const failed = await missing.run({ task: 'probe', jobDir: dir, device: 'cpu' }, 10_000);
    expect(failed).toMatchObject({ kind: 'infrastructure_error', code: 'spawn_failed' });
    expect(failed.kind === 'infrastructure_error' && failed.message).toMatch(/ENOENT/);

    const chatty = new RunnerSession({ command: ['/bin/sh', '-c', 'read line; head -c 100000 /dev/zero | tr "\\0" x; sleep 30', 'sh'], maxStdoutBytes: 10_000 });
    const overflow = await chatty.run({ task: 'probe', jobDir: dir, device: 'cpu' }, 20_000);
    expect(overflow).toMatchObject({ kind: 'infrastructure_error', code: 'bad_response' });
    expect(overflow.wallSeconds).toBeLessThan(15); // answered at the overflow, not at the timeout
    await Promise.all([missing.close(), chatty.close()]);
  });

  it('refuses a second request while one is in flight, and close() ends an idle process', async () => {
    const session = new RunnerSession({ env });
    const first = session.run({ task: 'probe', jobDir: dir, device: 'cpu' }, 60_000);
    await expect(session.run({ task: 'probe', jobDir: dir, device: 'cpu' }, 60_000)).rejects.toThrow(/already in flight/);
    expect((await first).kind).toBe('ok');
    const started = performance.now();
    await session.close();
    expect(performance.now() - started).toBeLessThan(5_000); // it left at EOF, no kill needed
    await session.close(); // twice is harmless
  }, 60_000);
});

describe('RerunJobHandler.warmUp (a rerun worker starting)', () => {
  // Warming up touches neither the database nor the specs: only the runner.
  const handlerWith = (runnerSession: RunnerSession) =>
    new RerunJobHandler({} as PrismaClient, {} as SpecRegistry, { maxBytes: 1, pdfTimeoutMs: 1, maxPdfPages: 1 }, { device: 'cpu', benchmark: false, runnerSession });

  it('starts the runner before any job, so the first re-run starts no process', async () => {
    const session = new RunnerSession({ env });
    const handler = handlerWith(session);
    const warm = await handler.warmUp();
    expect(warm).toMatchObject({ ok: true, detail: expect.stringMatching(/^cpu /) });
    expect(session.processesStarted).toBe(1);
    expect((await session.run({ task: 'probe', jobDir: dir, device: 'cpu' }, 60_000)).kind).toBe('ok');
    expect(session.processesStarted).toBe(1);
    await handler.close();
  }, 60_000);

  it('reports a runner that cannot start instead of throwing, and closes cleanly', async () => {
    const handler = handlerWith(new RunnerSession({ command: ['/nonexistent/python3', 'runner.py'] }));
    await expect(handler.warmUp()).resolves.toMatchObject({ ok: false, detail: expect.stringMatching(/^spawn_failed: .*ENOENT/) });
    await handler.close();
  });
});
