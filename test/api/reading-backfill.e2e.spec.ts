/**
 * PDFs graded before the grade worker kept their reading (issue #13 item 5, the staff page never reads
 * a PDF in the api): their page says the reading is not stored yet, without reading the PDF, and a
 * worker backfills the reading at start, once, through the pdf.js worker thread. End to end: the real
 * api with its worker in-process, Postgres, Redis, a second worker process's modules started later.
 */
import { stat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { buildSubmission, FIXTURE_VARIANTS } from '../fixtures/submissions.js';
import { type ApiHarness, startApi } from '../support/api-harness.js';
import { printNotebookToPdf } from '../support/print-pdf.js';
import { PrismaService } from '../../src/database/database.module.js';
import { BACKFILL_NOTE, backfillStoredReadings, ReadingBackfill } from '../../src/queue/reading-backfill.js';
import { WorkerAppModule } from '../../src/queue/worker.module.js';
import { FileStore } from '../../src/submissions/file-store.js';

const JANE = 'jane.student@gmail.com';
const TA = 'sam.ta@utsa.edu';

describe('stored readings for PDFs graded before they were kept (issue #13)', () => {
  let api: ApiHarness;
  let files: FileStore;
  let ta: string;
  let jane: string;
  let pdfSubmission: string;
  let sha256: string;
  let worker: INestApplicationContext | null = null;

  beforeAll(async () => {
    // A printed hand-in is a few MB.
    api = await startApi({ label: 'backfill', worker: true, env: { MAX_UPLOAD_BYTES: String(12_000_000) } });
    files = api.app.get(FileStore, { strict: false });
    ta = await api.sessionFor(TA, 'ta');
    jane = await api.sessionFor(JANE, 'student');
    const pdf = await printNotebookToPdf(buildSubmission(FIXTURE_VARIANTS.good));
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).field('assignment', 'class_06_2').attach('file', pdf, 'Class_06_2.pdf');
    expect(upload.status).toBe(202);
    pdfSubmission = upload.body.submissionId;
    expect((await api.waitUntilProcessed(pdfSubmission, jane, 60_000)).status).toBe('graded');
    [{ sha256 }] = await api.sql<{ sha256: string }>('SELECT sha256 FROM "Submission" WHERE id = $1', [pdfSubmission]);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  const exists = (path: string) => stat(path).then(() => true, () => false);
  const page = () => api.http.get(`/staff/submissions/${pdfSubmission}`).set('Authorization', `Bearer ${ta}`);
  const backfill = (force = false) =>
    backfillStoredReadings({ prisma: api.app.get(PrismaService, { strict: false }).prisma, files, limits: api.config.grader.limits, force });

  it('says "reading not stored yet" on the page of a graded PDF without one, and the page view reads no PDF', async () => {
    expect(await exists(files.readingPathFor(sha256))).toBe(true);
    // As a grade stored before readings were kept: no reading beside the file.
    await rm(files.readingPathFor(sha256));
    const view = await page();
    expect(view.status).toBe(200);
    expect(view.text).toContain(JANE);
    expect(view.text).toMatch(/Reading not stored yet/);
    expect(view.text).not.toMatch(/page 1/);
    // Nothing was read for it: no reading appeared, and viewing again says the same.
    expect(await exists(files.readingPathFor(sha256))).toBe(false);
    expect((await page()).text).toMatch(/Reading not stored yet/);
  });

  it('a worker backfills it at start, once; the page then shows the reading', async () => {
    // This api's own worker started on an empty database: its pass is done and left its note.
    expect(await exists(join(files.readingsDir, BACKFILL_NOTE))).toBe(true);
    expect(await backfill()).toMatchObject({ skipped: true });
    expect(await exists(files.readingPathFor(sha256))).toBe(false);

    // A worker started after an upgrade (no note yet) backfills in the background.
    await rm(join(files.readingsDir, BACKFILL_NOTE));
    worker = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(api.config), { logger: false, abortOnError: false });
    await worker.init();
    const outcome = await worker.get(ReadingBackfill, { strict: false }).finished();
    expect(outcome).toMatchObject({ skipped: false, examined: 1, stored: 1, alreadyStored: 0, failed: 0, stopped: false });
    await worker.close();
    worker = null;
    expect(await exists(files.readingPathFor(sha256))).toBe(true);
    expect(await exists(join(files.readingsDir, BACKFILL_NOTE))).toBe(true);

    const view = await page();
    expect(view.status).toBe(200);
    expect(view.text).not.toMatch(/Reading not stored yet/);
    expect(view.text).toMatch(/page 1/);
  });

  it('is idempotent: a forced pass leaves stored readings alone, and a PDF it cannot read stays without one', async () => {
    const before = (await stat(files.readingPathFor(sha256))).mtimeMs;
    expect(await backfill(true)).toMatchObject({ examined: 1, stored: 0, alreadyStored: 1, failed: 0 });
    expect((await stat(files.readingPathFor(sha256))).mtimeMs).toBe(before);

    // Its file gone (a lost volume): counted as failed, the pass goes on, the page still reads nothing.
    await rm(files.readingPathFor(sha256));
    await rm(files.pathFor(sha256));
    expect(await backfill(true)).toMatchObject({ examined: 1, stored: 0, failed: 1 });
    expect((await page()).text).toMatch(/Reading not stored yet/);
  });
});
