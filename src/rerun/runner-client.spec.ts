import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withJobDir } from './job-dir.js';
import { classifyRun, DEFAULT_RUNNER_SCRIPT, runRunner, type CompletedRun } from './runner-client.js';
import type { RunnerRequest } from './runner-protocol.js';

const environment = {
  python: '3.11.2',
  torch: '1.13.0a0',
  torchvision: '0.14.1',
  onnx: '1.12.0',
  numpy: '1.24.2',
  cuda: null,
  device: 'cpu',
  deviceName: 'Some CPU',
};
const okLogits = {
  ok: true,
  task: 'logits',
  environment,
  result: { output: '/tmp/x/torch_logits.npy', shape: [4, 5] },
  timings: { loadSeconds: 0.5, taskSeconds: 1.25 },
};

/** 'gone' or the state letter from /proc/<pid>/stat (R, S, Z, ...). */
async function processState(pid: number): Promise<string> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return 'gone';
  }
}

function run(overrides: Partial<CompletedRun>): CompletedRun {
  return {
    exitCode: 0,
    signal: null,
    timedOut: false,
    timeoutMs: 1000,
    spawnError: null,
    stdout: '',
    stdoutOverflow: false,
    stderrTail: '',
    wallSeconds: 1,
    memoryLimited: false,
    ...overrides,
  };
}

describe('classifyRun', () => {
  it('accepts a valid ok response with exit code 0', () => {
    const outcome = classifyRun('logits', run({ stdout: JSON.stringify(okLogits) }));
    expect(outcome.kind).toBe('ok');
    if (outcome.kind === 'ok') expect(outcome.response.result.shape).toEqual([4, 5]);
  });

  it('maps the runner failure codes onto student and infrastructure outcomes', () => {
    const failure = (errorKind: string, code: string): string =>
      JSON.stringify({ ok: false, task: 'logits', errorKind, code, message: 'why' });
    expect(classifyRun('logits', run({ exitCode: 1, stdout: failure('student', 'weights_unsafe') }))).toMatchObject({
      kind: 'student_error',
      code: 'weights_unsafe',
      message: 'why',
    });
    expect(classifyRun('logits', run({ exitCode: 1, stdout: failure('infrastructure', 'out_of_memory') }))).toMatchObject({
      kind: 'infrastructure_error',
      code: 'out_of_memory',
    });
    // An unknown code is never charged to the student.
    expect(classifyRun('logits', run({ exitCode: 1, stdout: failure('student', 'made_up') }))).toMatchObject({
      kind: 'infrastructure_error',
      code: 'bad_response',
      message: "unknown student code 'made_up': why",
    });
  });

  it('classifies what Node decides: timeout, foreign signal, crash, bad response', () => {
    expect(classifyRun('convert', run({ timedOut: true, exitCode: null }))).toMatchObject({ code: 'timeout' });
    expect(classifyRun('convert', run({ signal: 'SIGKILL', exitCode: null, stderrTail: 'a\nKilled\n' }))).toMatchObject({
      code: 'killed',
      message: 'the runner was ended by SIGKILL during convert (stderr: Killed)',
    });
    expect(classifyRun('convert', run({ exitCode: 1, stdout: 'Traceback' }))).toMatchObject({ code: 'crashed' });
    expect(classifyRun('convert', run({ exitCode: 0, stdout: '{"ok": true}' }))).toMatchObject({ code: 'bad_response' });
    expect(classifyRun('convert', run({ exitCode: 0, stdout: JSON.stringify(okLogits) }))).toMatchObject({
      code: 'bad_response',
      message: "the runner exited 0 with an invalid response: answered task 'logits' to a 'convert' request",
    });
    expect(classifyRun('logits', run({ exitCode: 3, stdout: JSON.stringify(okLogits) }))).toMatchObject({
      code: 'bad_response',
    });
    const badResult = { ...okLogits, result: { output: 'x', shape: 'four' } };
    expect(classifyRun('logits', run({ stdout: JSON.stringify(badResult) }))).toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('result: shape'),
    });
  });
});

// Real processes standing in for a misbehaving runner: sleep, sh, python.
describe('runRunner with real processes', () => {
  const probe: RunnerRequest = { task: 'probe', device: 'cpu' };

  it('kills the whole process group on timeout', async () => {
    await withJobDir(async (dir) => {
      const pidFile = join(dir, 'grandchild.pid');
      const started = performance.now();
      const outcome = await runRunner(probe, {
        command: ['/bin/sh', '-c', `sleep 30 & echo $! > ${pidFile}; sleep 30`],
        timeoutMs: 500,
      });
      expect(performance.now() - started).toBeLessThan(5000);
      expect(outcome).toMatchObject({ kind: 'infrastructure_error', code: 'timeout' });
      const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
      // Killed: gone, or a zombie waiting for whoever adopted it to reap it.
      await new Promise((r) => setTimeout(r, 100));
      expect(await processState(grandchild)).toMatch(/^(gone|Z)$/);
    });
  });

  it('reports a command that exits 1 without output as crashed, with the stderr tail', async () => {
    const outcome = await runRunner(probe, { command: ['/bin/sh', '-c', 'echo boom >&2; exit 1'], timeoutMs: 5000 });
    expect(outcome).toMatchObject({ kind: 'infrastructure_error', code: 'crashed', stderrTail: 'boom\n' });
  });

  it('reports a missing command as spawn_failed', async () => {
    const outcome = await runRunner(probe, { command: ['/nonexistent/python3'], timeoutMs: 5000 });
    expect(outcome).toMatchObject({ kind: 'infrastructure_error', code: 'spawn_failed' });
  });

  it('passes the request on stdin and reads the response from stdout', async () => {
    const answer = JSON.stringify({ ...okLogits, task: 'probe', result: {} });
    const outcome = await runRunner(probe, {
      // Echo back only if the request arrived intact.
      command: ['/bin/sh', '-c', `grep -q '"task":"probe"' && echo '${answer}'`],
      timeoutMs: 5000,
    });
    expect(outcome.kind).toBe('ok');
  });

  it('applies the address-space limit through prlimit when it exists', async () => {
    const prlimit = '/usr/bin/prlimit';
    const available = existsSync(prlimit) && (await stat(prlimit)).isFile();
    const outcome = await runRunner(probe, {
      command: ['/usr/bin/python3', '-c', 'bytearray(2 * 1024 ** 3)'],
      timeoutMs: 20000,
      memoryLimitBytes: 512 * 1024 ** 2,
      prlimitPath: prlimit,
    });
    expect(outcome.memoryLimited).toBe(available);
    if (available) {
      expect(outcome).toMatchObject({ kind: 'infrastructure_error', code: 'crashed' });
      expect(outcome.stderrTail).toMatch(/MemoryError/);
    }
  });

  it('finds the runner script of this checkout by default', () => {
    expect(DEFAULT_RUNNER_SCRIPT).toMatch(/\/runner\/torch_runner\.py$/);
    expect(existsSync(DEFAULT_RUNNER_SCRIPT)).toBe(true);
  });

  it('throws for a malformed request: that is our bug, not an outcome', async () => {
    const bad = { task: 'convert', device: 'cpu' } as unknown as RunnerRequest;
    await expect(runRunner(bad, { timeoutMs: 1000 })).rejects.toThrow(/invalid request/);
    await expect(runRunner(probe, { timeoutMs: 0 })).rejects.toThrow(/timeoutMs/);
  });
});

describe('withJobDir', () => {
  it('removes the directory after success and after failure', async () => {
    let kept = '';
    await withJobDir(async (dir) => {
      kept = dir;
      expect(existsSync(dir)).toBe(true);
    });
    expect(existsSync(kept)).toBe(false);
    await expect(
      withJobDir(async (dir) => {
        kept = dir;
        throw new Error('step failed');
      }),
    ).rejects.toThrow('step failed');
    expect(existsSync(kept)).toBe(false);
  });
});
