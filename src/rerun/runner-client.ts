/**
 * Runs one step of the Python torch runner (runner/PROTOCOL.md): spawn, one JSON request on stdin, one
 * JSON response on stdout, stderr kept as a tail for staff. Every way a step can end becomes a value:
 *
 * - `ok`: the runner answered `ok: true` and exited 0;
 * - `student_error`: the runner blamed the hand-in (`weights_unreadable`, `weights_unsafe`,
 *   `architecture_mismatch`), graded `fail`;
 * - `infrastructure_error`: everything that is ours (graded `error` and retried): the runner's own
 *   infrastructure codes, and those Node decides: `timeout` (wall-time limit, the whole process group
 *   killed), `killed` (ended by a signal we did not send, e.g. the kernel's OOM killer), `crashed`
 *   (non-zero exit without a valid response), `bad_response` (a response that does not fit the protocol)
 *   and `spawn_failed` (the command could not be started).
 *
 * Only programmer errors throw (an invalid request or options).
 *
 * Limits: wall time per step here; address space through `prlimit --as` when the tool exists. RLIMIT_AS
 * is a CPU-worker limit: the CUDA driver reserves far more virtual memory than it uses, so on GPU workers
 * pass `memoryLimitBytes: null` and let the container's cgroup limit memory. Network isolation is the
 * deployment's job (e.g. the worker container on `network_mode: none`, or `unshare -n` in `command`):
 * the runner itself never downloads anything (torchvision constructors are called with weights=None).
 */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import {
  parseRunnerResponse,
  runnerRequestSchema,
  STUDENT_ERROR_CODES,
  type RunnerOkResponse,
  type RunnerRequest,
  type RunnerTask,
  type StudentErrorCode,
} from './runner-protocol.js';
import { DEFAULT_RUNNER_SCRIPT } from '../paths.js';

/** runner/torch_runner.py of this checkout (src/paths.ts, where config.ts reads it too). */
export { DEFAULT_RUNNER_SCRIPT };
export const DEFAULT_RUNNER_COMMAND: readonly string[] = ['/usr/bin/python3', DEFAULT_RUNNER_SCRIPT];

export interface RunnerClientOptions {
  /** argv of the runner; DEFAULT_RUNNER_COMMAND by default (the image's python on GPU workers). */
  readonly command?: readonly string[];
  /** Working directory of the runner; the job does not depend on it (paths are absolute). */
  readonly cwd?: string;
  /** Wall-time limit of this step; the process group is SIGKILLed when it passes. */
  readonly timeoutMs: number;
  /** RLIMIT_AS for the runner, through prlimit when available; null or absent: no limit. */
  readonly memoryLimitBytes?: number | null;
  readonly prlimitPath?: string;
  /** Environment of the runner; process.env by default (RUNNER_THREADS pins torch's threads). */
  readonly env?: NodeJS.ProcessEnv;
  readonly maxStdoutBytes?: number;
  readonly stderrTailBytes?: number;
}

export type InfrastructureCode =
  | 'timeout'
  | 'crashed'
  | 'killed'
  | 'bad_response'
  | 'spawn_failed'
  | 'out_of_memory'
  | 'cuda_error'
  | 'bad_request'
  | 'internal';

interface OutcomeBase {
  /** Wall time of the whole step as Node saw it (process start, torch import, work, exit). */
  readonly wallSeconds: number;
  readonly stderrTail: string;
  /** Whether an address-space limit was actually applied (prlimit found). */
  readonly memoryLimited: boolean;
}

export type RunnerOutcome<T extends RunnerTask> =
  | (OutcomeBase & { readonly kind: 'ok'; readonly response: RunnerOkResponse<T> })
  | (OutcomeBase & { readonly kind: 'student_error'; readonly code: StudentErrorCode; readonly message: string })
  | (OutcomeBase & { readonly kind: 'infrastructure_error'; readonly code: InfrastructureCode; readonly message: string });

/** What one process run left behind; the input of the pure classification. */
export interface CompletedRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly timeoutMs: number;
  readonly spawnError: string | null;
  readonly stdout: string;
  readonly stdoutOverflow: boolean;
  readonly stderrTail: string;
  readonly wallSeconds: number;
  readonly memoryLimited: boolean;
}

const KNOWN_INFRASTRUCTURE = new Set<string>(['out_of_memory', 'cuda_error', 'bad_request', 'internal']);
const KNOWN_STUDENT = new Set<string>(STUDENT_ERROR_CODES);

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]?.slice(0, 300) ?? '';
}

/** Decides the outcome of a finished run. Pure. */
export function classifyRun<T extends RunnerTask>(task: T, run: CompletedRun): RunnerOutcome<T> {
  const base: OutcomeBase = { wallSeconds: run.wallSeconds, stderrTail: run.stderrTail, memoryLimited: run.memoryLimited };
  const infra = (code: InfrastructureCode, message: string): RunnerOutcome<T> => ({
    ...base,
    kind: 'infrastructure_error',
    code,
    message,
  });
  const stderrHint = run.stderrTail.trim() === '' ? '' : ` (stderr: ${lastLine(run.stderrTail)})`;

  if (run.spawnError !== null) return infra('spawn_failed', `could not start the runner: ${run.spawnError}`);
  if (run.timedOut) return infra('timeout', `the ${task} step ran past its ${run.timeoutMs} ms limit and was killed`);
  if (run.signal !== null) {
    return infra('killed', `the runner was ended by ${run.signal} during ${task}${stderrHint}`);
  }
  if (run.stdoutOverflow) return infra('bad_response', 'the runner wrote more to stdout than one response can be');

  const parsed = parseRunnerResponse(run.stdout, task);
  if (parsed.kind === 'failure') {
    const { errorKind, code, message } = parsed.response;
    if (errorKind === 'student' && KNOWN_STUDENT.has(code)) {
      return { ...base, kind: 'student_error', code: code as StudentErrorCode, message };
    }
    if (errorKind === 'infrastructure' && KNOWN_INFRASTRUCTURE.has(code)) {
      return infra(code as InfrastructureCode, message);
    }
    // Never charge the student for a code we do not know.
    return infra('bad_response', `unknown ${errorKind} code '${code}': ${message}`);
  }
  if (parsed.kind === 'ok') {
    if (run.exitCode === 0) return { ...base, kind: 'ok', response: parsed.response };
    return infra('bad_response', `the runner answered ok but exited with code ${String(run.exitCode)}`);
  }
  if (run.exitCode !== 0) {
    return infra('crashed', `the runner exited with code ${String(run.exitCode)} without a valid response${stderrHint}`);
  }
  return infra('bad_response', `the runner exited 0 with an invalid response: ${parsed.reason}`);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL to a detached runner's whole process group (it and anything it started); gone already is fine. */
export function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** A bounded tail of a stream: keeps the last `limit` bytes. */
export class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.limit) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

export function validateOptions(options: RunnerClientOptions): void {
  if (!(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new RangeError(`runRunner: timeoutMs must be positive, got ${options.timeoutMs}`);
  }
  const mem = options.memoryLimitBytes;
  if (mem !== undefined && mem !== null && !(Number.isSafeInteger(mem) && mem > 0)) {
    throw new RangeError(`runRunner: memoryLimitBytes must be a positive integer, got ${mem}`);
  }
  if (options.command !== undefined && options.command.length === 0) throw new RangeError('runRunner: empty command');
}

/** A request that does not fit the protocol is our bug: thrown, never sent. */
export function assertValidRequest(request: RunnerRequest, caller: string): void {
  const checked = runnerRequestSchema.safeParse(request);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new TypeError(`${caller}: invalid request: ${issues}`);
  }
}

/** The runner's argv, under `prlimit --as` when a memory limit is asked for and prlimit exists. */
export async function runnerArgv(
  options: Pick<RunnerClientOptions, 'command' | 'prlimitPath' | 'memoryLimitBytes'>,
  extraArguments: readonly string[] = [],
): Promise<{ argv: string[]; memoryLimited: boolean }> {
  const command = [...(options.command ?? DEFAULT_RUNNER_COMMAND), ...extraArguments];
  const prlimit = options.prlimitPath ?? '/usr/bin/prlimit';
  const memoryLimited =
    options.memoryLimitBytes !== undefined && options.memoryLimitBytes !== null && (await isExecutable(prlimit));
  return { argv: memoryLimited ? [prlimit, `--as=${options.memoryLimitBytes}`, '--', ...command] : command, memoryLimited };
}

/** Runs one runner step. Resolves with an outcome for every runner behaviour; rejects only on bad arguments. */
export async function runRunner<R extends RunnerRequest>(
  request: R,
  options: RunnerClientOptions,
): Promise<RunnerOutcome<R['task']>> {
  assertValidRequest(request, 'runRunner');
  validateOptions(options);
  const { argv, memoryLimited } = await runnerArgv(options);

  const run = await spawnAndCollect(argv, JSON.stringify(request), {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    timeoutMs: options.timeoutMs,
    maxStdoutBytes: options.maxStdoutBytes ?? 4 * 1024 * 1024,
    stderrTailBytes: options.stderrTailBytes ?? 16 * 1024,
  });
  return classifyRun(request.task, { ...run, memoryLimited });
}

interface SpawnSettings {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly maxStdoutBytes: number;
  readonly stderrTailBytes: number;
}

function spawnAndCollect(
  argv: readonly string[],
  input: string,
  settings: SpawnSettings,
): Promise<Omit<CompletedRun, 'memoryLimited'>> {
  const started = performance.now();
  return new Promise((resolve) => {
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stdoutOverflow = false;
    const stderr = new Tail(settings.stderrTailBytes);
    let timedOut = false;
    let spawnError: string | null = null;

    // detached: the runner leads its own process group, so a timeout kills it and anything it started.
    const child = spawn(argv[0], argv.slice(1), {
      cwd: settings.cwd,
      env: settings.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killProcessGroup(child.pid);
    }, settings.timeoutMs);

    child.on('error', (error) => {
      spawnError = error.message;
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > settings.maxStdoutBytes) {
        stdoutOverflow = true;
        return;
      }
      stdoutChunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A runner that dies (or never reads) before taking the request breaks the pipe: that is reported
    // by its exit status, not by an EPIPE here.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);

    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        // Our own SIGKILL on timeout is reported as a timeout, not as a foreign signal.
        signal: timedOut ? null : signal,
        timedOut,
        timeoutMs: settings.timeoutMs,
        spawnError,
        stdout: Buffer.concat(stdoutChunks).toString('utf8'),
        stdoutOverflow,
        stderrTail: stderr.text(),
        wallSeconds: (performance.now() - started) / 1000,
      });
    });
  });
}
