/**
 * One runner process for all the steps of a re-run (`torch_runner.py serve`, runner/PROTOCOL.md): one
 * JSON request per stdin line, one response per stdout line. Python, torch and CUDA start once and the
 * weights load once per device, where a process per step paid about 7.5 s each on an H100 machine,
 * nearly as much as the steps' own work.
 *
 * Each request keeps its own time limit and outcome, exactly as runRunner classifies them: a request
 * that overruns has the whole process group killed (`timeout`), a process that dies mid-request is
 * `crashed` or `killed`, and the next request starts a fresh process. So one hang or crash still loses
 * one step, not the re-run.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { parseProgressLine, type StepProgress } from './cpu-budget.js';
import type { RunnerRequest } from './runner-protocol.js';
import {
  assertValidRequest,
  classifyRun,
  type CompletedRun,
  killProcessGroup,
  type RunnerClientOptions,
  runnerArgv,
  type RunnerOutcome,
  Tail,
  validateOptions,
} from './runner-client.js';

export type RunnerSessionOptions = Omit<RunnerClientOptions, 'timeoutMs'>;

/** How the process answered (or did not) one request; run() adds the times and the stderr tail. */
type ProcessAnswer = Omit<CompletedRun, 'memoryLimited' | 'timeoutMs' | 'wallSeconds' | 'stderrTail'>;

interface Serving {
  readonly child: ChildProcessWithoutNullStreams;
  readonly memoryLimited: boolean;
  stdout: string;
  stdoutOverflow: boolean;
  spawnError: string | null;
  exited: boolean;
}

export class RunnerSession {
  private serving: Serving | null = null;
  /** Settles the request in flight with the process's answer. */
  private pending: ((answer: ProcessAnswer) => void) | null = null;
  /** Set for the whole of run(), start included: requests go one at a time. */
  private busy = false;
  private stderr: Tail;
  /** Processes started so far: 1 for a re-run whose steps all went well. */
  processesStarted = 0;

  constructor(private readonly options: RunnerSessionOptions = {}) {
    validateOptions({ ...options, timeoutMs: 1 });
    this.stderr = new Tail(options.stderrTailBytes ?? 16 * 1024);
  }

  /**
   * Sends one request; resolves with its outcome (never rejects on runner behaviour). One at a time.
   * `onProgress` hears the progress lines a slow step writes on stderr (samples done, pace, projection).
   */
  async run<R extends RunnerRequest>(
    request: R,
    timeoutMs: number,
    onProgress?: (progress: StepProgress) => void,
  ): Promise<RunnerOutcome<R['task']>> {
    assertValidRequest(request, 'RunnerSession.run');
    validateOptions({ ...this.options, timeoutMs });
    if (this.busy) throw new Error('RunnerSession.run: a request is already in flight');
    this.busy = true;
    this.progress = onProgress ?? null;
    try {
      return await this.send(request, timeoutMs);
    } finally {
      this.busy = false;
      this.progress = null;
      this.partialLine = '';
    }
  }

  /** Progress lines of the request in flight go here (stderr, line by line). */
  private progress: ((progress: StepProgress) => void) | null = null;
  private partialLine = '';

  private hearProgress(chunk: Buffer): void {
    if (!this.progress) return;
    const lines = (this.partialLine + chunk.toString('utf8')).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) {
      const progress = parseProgressLine(line.trim());
      if (progress) this.progress(progress);
    }
  }

  private async send<R extends RunnerRequest>(request: R, timeoutMs: number): Promise<RunnerOutcome<R['task']>> {
    const serving = this.serving ?? (await this.start());
    this.stderr = new Tail(this.options.stderrTailBytes ?? 16 * 1024);
    const started = performance.now();
    const run = await new Promise<ProcessAnswer>((resolve) => {
      const timer = setTimeout(() => {
        this.stop(serving);
        settle({ exitCode: null, signal: null, timedOut: true, spawnError: null, stdout: '', stdoutOverflow: false });
      }, timeoutMs);
      const settle = (answer: ProcessAnswer): void => {
        if (this.pending !== settle) return;
        clearTimeout(timer);
        this.pending = null;
        resolve(answer);
      };
      this.pending = settle;
      if (serving.exited) {
        // the process could not be started, or died between requests
        settle({ exitCode: serving.child.exitCode, signal: null, timedOut: false, spawnError: serving.spawnError, stdout: '', stdoutOverflow: false });
        return;
      }
      serving.child.stdin.write(`${JSON.stringify(request)}\n`);
      this.deliver(serving);
    });
    return classifyRun(request.task, {
      ...run,
      timeoutMs,
      wallSeconds: (performance.now() - started) / 1000,
      stderrTail: this.stderr.text(),
      memoryLimited: serving.memoryLimited,
    });
  }

  /** Ends the process: stdin closed (the runner exits at EOF), killed if it has not gone in `graceMs`. */
  async close(graceMs = 5_000): Promise<void> {
    const serving = this.serving;
    if (!serving || serving.exited) return;
    const exited = new Promise<void>((resolve) => serving.child.once('close', () => resolve()));
    serving.child.stdin.end();
    const timer = setTimeout(() => this.stop(serving), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private async start(): Promise<Serving> {
    const { argv, memoryLimited } = await runnerArgv(this.options, ['serve']);
    // detached: the runner leads its own process group, so a timeout kills it and anything it started
    const child = spawn(argv[0], argv.slice(1), {
      cwd: this.options.cwd ?? process.cwd(),
      env: this.options.env ?? process.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const serving: Serving = { child, memoryLimited, stdout: '', stdoutOverflow: false, spawnError: null, exited: false };
    const maxStdoutBytes = this.options.maxStdoutBytes ?? 4 * 1024 * 1024;
    this.serving = serving;
    this.processesStarted += 1;
    child.on('error', (error) => {
      serving.spawnError = error.message;
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      serving.stdout += chunk;
      if (!serving.stdout.includes('\n') && Buffer.byteLength(serving.stdout) > maxStdoutBytes) serving.stdoutOverflow = true;
      this.deliver(serving);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (this.serving !== serving) return;
      this.stderr.push(chunk);
      this.hearProgress(chunk);
    });
    // a runner that dies before reading breaks the pipe: its exit status reports that, not an EPIPE
    child.stdin.on('error', () => undefined);
    child.on('close', (exitCode, signal) => {
      serving.exited = true;
      // A process we stopped (timeout, overflow) has already answered its request: only the current
      // one's end answers the request in flight (it died mid-request).
      if (this.serving !== serving) return;
      this.serving = null;
      this.pending?.({ exitCode, signal, timedOut: false, spawnError: serving.spawnError, stdout: serving.stdout, stdoutOverflow: serving.stdoutOverflow });
    });
    return serving;
  }

  /** Hands the first complete response line (or an overflow) to the request waiting for it. */
  private deliver(serving: Serving): void {
    if (!this.pending || this.serving !== serving) return;
    if (serving.stdoutOverflow) {
      this.stop(serving);
      this.pending({ exitCode: null, signal: null, timedOut: false, spawnError: null, stdout: '', stdoutOverflow: true });
      return;
    }
    const newline = serving.stdout.indexOf('\n');
    if (newline < 0) return;
    const line = serving.stdout.slice(0, newline + 1);
    serving.stdout = serving.stdout.slice(newline + 1);
    // The process goes on serving: for the classification it is an exit 0 with that one line.
    this.pending({ exitCode: 0, signal: null, timedOut: false, spawnError: null, stdout: line, stdoutOverflow: false });
  }

  /** Kills the process group; the next request starts a fresh process. */
  private stop(serving: Serving): void {
    if (this.serving === serving) this.serving = null;
    killProcessGroup(serving.child.pid);
  }
}
