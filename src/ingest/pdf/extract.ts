import { Worker } from 'node:worker_threads';
import { type DocumentInfo, extractReplySchema, type RawPage } from './raw-page.js';

export interface ExtractOptions {
  maxPages: number;
  /** Wall-clock limit for this file, counted from when the worker starts on it. */
  timeoutMs: number;
}

export interface ExtractedPdf {
  numPages: number;
  pages: RawPage[];
  /** Pages pdf.js could not read (the others are still returned). */
  pageErrors: Array<{ page: number; message: string }>;
  info: DocumentInfo;
}

export type ExtractionFailureKind = 'password' | 'invalid' | 'no-pages' | 'too-many-pages' | 'timeout' | 'out-of-memory';

/** The file cannot be read (its fault, not ours); `kind` says why. */
export class PdfExtractionError extends Error {
  constructor(
    readonly kind: ExtractionFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'PdfExtractionError';
  }
}

const WORKER_URL = new URL('./extract.worker.js', import.meta.url);
/** Heap limit of the worker thread, so a PDF bomb cannot take the process's memory. */
const WORKER_MEMORY_MB = 1024;

interface Job {
  bytes: Uint8Array;
  options: ExtractOptions;
  resolve: (value: ExtractedPdf) => void;
  reject: (error: Error) => void;
}

/**
 * pdf.js runs in one long-lived worker thread, one file at a time. In Node, pdf.js's own "worker"
 * runs on the calling thread and a hostile file (forms nested into an exponential operator list,
 * say) would block the event loop where no timer can fire; in a thread of its own it can always be
 * terminated. The thread is reused while it behaves, which keeps pdf.js loaded and its code
 * optimised across a class's hand-ins; it is replaced after a timeout, a crash or running out of
 * memory, and does not keep the process alive when idle.
 */
class ExtractionThread {
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private running: Job | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private runningId = 0;

  extract(bytes: Uint8Array, options: ExtractOptions): Promise<ExtractedPdf> {
    return new Promise((resolve, reject) => {
      this.queue.push({ bytes, options, resolve, reject });
      this.pump();
    });
  }

  /** Stop the thread (tests, shutdown); queued files are refused. */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new Error('PDF extraction stopped'));
    this.fail(new Error('PDF extraction stopped'));
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.running = job;
    this.runningId = this.nextId++;
    const worker = this.ensureWorker();
    worker.ref();
    this.timer = setTimeout(
      () => this.fail(new PdfExtractionError('timeout', `not read within ${job.options.timeoutMs / 1000} s`)),
      job.options.timeoutMs,
    );
    worker.postMessage({ id: this.runningId, bytes: job.bytes, maxPages: job.options.maxPages });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: WORKER_MEMORY_MB } });
    worker.on('message', (message: { id: number; reply: unknown }) => {
      if (worker === this.worker && message.id === this.runningId) this.settle(message.reply);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (worker !== this.worker) return;
      this.fail(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new PdfExtractionError('out-of-memory', `reading it needs more than ${WORKER_MEMORY_MB} MB`)
          : new Error(`PDF extraction worker failed: ${error.message}`),
      );
    });
    worker.on('exit', (code) => {
      if (worker === this.worker) this.fail(new Error(`PDF extraction worker exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private settle(message: unknown): void {
    const job = this.finishJob();
    if (!job) return;
    const reply = extractReplySchema.safeParse(message);
    if (!reply.success) {
      job.reject(new Error(`PDF extraction worker sent a malformed reply: ${reply.error.issues[0]?.message}`));
    } else if (!reply.data.ok) {
      job.reject(new PdfExtractionError(reply.data.kind, reply.data.message));
    } else {
      const { numPages, pages, pageErrors, info } = reply.data;
      job.resolve({ numPages, pages, pageErrors, info });
    }
    this.pump();
  }

  /** The running file failed with the thread: drop the thread, refuse the file, go on with the queue. */
  private fail(error: Error): void {
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
    this.finishJob()?.reject(error);
    this.pump();
  }

  private finishJob(): Job | null {
    const job = this.running;
    this.running = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Idle: let the process exit without waiting for the thread.
    if (this.queue.length === 0) this.worker?.unref();
    return job;
  }
}

const thread = new ExtractionThread();

/**
 * Run pdf.js on the bytes and return each page's raw layout.
 * Throws PdfExtractionError for files that cannot be read, a plain Error if the worker itself fails.
 */
export function extractPdfLayout(bytes: Uint8Array, options: ExtractOptions): Promise<ExtractedPdf> {
  return thread.extract(bytes, options);
}

/** Stop the extraction thread (it restarts on the next call). */
export function closePdfExtraction(): Promise<void> {
  return thread.close();
}
