/**
 * One-off backfill of stored readings (stored-reading.ts). The staff page of a PDF hand-in shows the
 * reading the grade worker kept when it graded it, and never reads the PDF in the api; PDFs graded
 * before readings were kept have none, and their page says "reading not stored yet". The worker
 * runs this at start, in the background: every graded PDF whose reading is missing (or not one this
 * version reads) is read again, as grading reads it (the pdf.js worker thread with its heap cap,
 * PDF_TIMEOUT_MS, MAX_PDF_PAGES), one file at a time, and its reading stored. Idempotent: a reading
 * already there is left alone, and a finished pass leaves a note in the readings folder so later
 * starts skip the walk. A worker stopped half-way starts over at its next start, skipping what is done.
 * Several workers starting at once may read some of the same files; each result is the same file,
 * written then renamed.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { GRADER_CONFIG } from '../app/grader.module.js';
import type { GraderConfig } from '../config/config.js';
import { PrismaService } from '../database/database.module.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { parseSubmission, type ReadLimits } from '../ingest/submission.reader.js';
import { FileStore } from '../submissions/file-store.js';
import { parseStoredReading, STORED_READING_VERSION, storedReadingOf } from '../submissions/stored-reading.js';

/** The note a finished pass leaves (per reading version: a new version backfills again). */
export const BACKFILL_NOTE = `backfill-v${STORED_READING_VERSION}.done`;
const BATCH = 200;

export interface BackfillOutcome {
  /** A finished pass's note was there: nothing was looked at. */
  skipped: boolean;
  /** Graded PDFs looked at (distinct files). */
  examined: number;
  stored: number;
  alreadyStored: number;
  /** Could not be read again (missing file, changed bytes, unreadable now); logged, left without one. */
  failed: number;
  /** Stopped before the end (the worker is closing): no note left. */
  stopped: boolean;
}

export interface BackfillOptions {
  prisma: PrismaClient;
  files: FileStore;
  limits: ReadLimits;
  logger?: Pick<Logger, 'log' | 'warn'>;
  /** Asked between files: true stops the pass. */
  shouldStop?: () => boolean;
  /** Walk even when a finished pass left its note. */
  force?: boolean;
}

export async function backfillStoredReadings(options: BackfillOptions): Promise<BackfillOutcome> {
  const { prisma, files, limits, logger } = options;
  const outcome: BackfillOutcome = { skipped: false, examined: 0, stored: 0, alreadyStored: 0, failed: 0, stopped: false };
  const note = join(files.readingsDir, BACKFILL_NOTE);
  if (!options.force && (await stat(note).then(() => true, () => false))) return { ...outcome, skipped: true };
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const batch = await prisma.submission.findMany({
      where: { kind: 'pdf', grades: { some: {} }, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: BATCH,
      select: { id: true, sha256: true, storedPath: true, filename: true },
    });
    for (const submission of batch) {
      if (options.shouldStop?.()) return { ...outcome, stopped: true };
      if (seen.has(submission.sha256)) continue;
      seen.add(submission.sha256);
      outcome.examined++;
      if (parseStoredReading((await files.readReading(submission.sha256)) ?? '')) {
        outcome.alreadyStored++;
        continue;
      }
      try {
        const bytes = await readFile(submission.storedPath);
        if (FileStore.sha256(bytes) !== submission.sha256) throw new Error(`${submission.storedPath} no longer holds the bytes handed in`);
        const document = await parseSubmission({ path: submission.storedPath, filename: submission.filename, kind: 'pdf', bytes }, limits);
        await files.putReading(submission.sha256, JSON.stringify(storedReadingOf(document)));
        outcome.stored++;
      } catch (error) {
        outcome.failed++;
        logger?.warn(`reading of ${submission.id} (${submission.filename}) not backfilled: ${(error as Error).message}`);
      }
    }
    if (batch.length < BATCH) break;
    cursor = batch[batch.length - 1].id;
  }
  await mkdir(files.readingsDir, { recursive: true });
  await writeFile(note, `${new Date().toISOString()} ${JSON.stringify(outcome)}\n`);
  return outcome;
}

/** Runs the backfill once per worker start, in the background (grading goes on beside it). */
@Injectable()
export class ReadingBackfill {
  private readonly logger = new Logger('ReadingBackfill');
  private running: Promise<BackfillOutcome | null> | null = null;
  private stopping = false;

  constructor(
    @Inject(PrismaService) private readonly database: PrismaService,
    @Inject(GRADER_CONFIG) private readonly grader: GraderConfig,
    @Optional() @Inject(FileStore) private readonly files: FileStore | null = null,
  ) {}

  start(): void {
    const files = this.files;
    if (this.running || !files) return;
    this.running = backfillStoredReadings({
      prisma: this.database.prisma,
      files,
      limits: this.grader.limits,
      logger: this.logger,
      shouldStop: () => this.stopping,
    }).then(
      (outcome) => {
        if (!outcome.skipped && outcome.examined > 0) {
          this.logger.log(
            `stored readings: ${outcome.stored} backfilled, ${outcome.alreadyStored} already there, ${outcome.failed} not readable` +
              (outcome.stopped ? ' (stopped; goes on at the next start)' : ''),
          );
        }
        return outcome;
      },
      (error: Error) => {
        this.logger.warn(`backfilling stored readings failed: ${error.message}; tried again at the next start`);
        return null;
      },
    );
  }

  /** The outcome of this start's pass (null: none ran, or it failed). */
  finished(): Promise<BackfillOutcome | null> {
    return this.running ?? Promise.resolve(null);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }
}
