/**
 * The evaluation half of a re-grade: every counted submission's stored bytes graded again with the
 * current spec, each result stored as a pending RegradeItem with its diff from the accepted grade.
 * It runs in the background of the API process; a heartbeat on the run shows it is alive.
 */
import { readFile } from 'node:fs/promises';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PrismaService } from '../database/database.module.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { LoadedSpec } from '../specs/spec.loader.js';
import { FileStore } from '../submissions/file-store.js';
import { GraderServices } from './grader-services.js';
import { loadGradeWithOverrides } from './data/grade.query.js';
import { regradeOutcome } from './logic/regrade.js';

export interface RegradeTarget {
  submissionId: string;
  personId: string;
  /** The grade that counts now, to compare with. */
  gradeId: string;
}

@Injectable()
export class RegradeEvaluator implements OnModuleDestroy {
  private readonly logger = new Logger('Regrade');
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    @Inject(PrismaService) private readonly db: PrismaService,
    @Inject(GraderServices) private readonly grading: GraderServices,
  ) {}

  /** Starts evaluating in the background; the run becomes `pending` (or `failed`) when done. */
  start(runId: string, specId: string, loaded: LoadedSpec, targets: RegradeTarget[]): void {
    const work = this.evaluate(runId, specId, loaded, targets).finally(() => this.running.delete(work));
    this.running.add(work);
  }

  /** On shutdown the evaluation stops between two files and its run is marked as interrupted. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  private async evaluate(runId: string, specId: string, loaded: LoadedSpec, targets: RegradeTarget[]): Promise<void> {
    const prisma = this.db.prisma;
    try {
      for (const target of targets) {
        if (this.stopping) {
          await prisma.regradeRun.updateMany({
            where: { id: runId, status: 'evaluating' },
            data: { status: 'failed', error: 'interrupted: the API shut down during the evaluation' },
          });
          return;
        }
        const item = await this.evaluateOne(specId, loaded, target);
        await prisma.$transaction([
          prisma.regradeItem.create({ data: { runId, ...item } }),
          prisma.regradeRun.update({ where: { id: runId }, data: { done: { increment: 1 }, heartbeatAt: new Date() } }),
        ]);
        // Grading is CPU work on the API's event loop: let requests through between files.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await prisma.regradeRun.updateMany({ where: { id: runId, status: 'evaluating' }, data: { status: 'pending' } });
    } catch (error) {
      this.logger.error(`re-grade ${runId} failed: ${(error as Error).message}`);
      await prisma.regradeRun
        .updateMany({ where: { id: runId, status: 'evaluating' }, data: { status: 'failed', error: (error as Error).message } })
        .catch(() => undefined);
    }
  }

  /** One counted submission graded again; a file that cannot be graded is an item with its error. */
  private async evaluateOne(specId: string, loaded: LoadedSpec, target: RegradeTarget): Promise<Omit<Prisma.RegradeItemUncheckedCreateInput, 'runId'>> {
    const base = { submissionId: target.submissionId, personId: target.personId, oldGradeId: target.gradeId };
    const failed = (error: string) => ({ ...base, error, diff: {} as Prisma.InputJsonObject, changed: true });
    const submission = await this.db.prisma.submission.findUniqueOrThrow({
      where: { id: target.submissionId },
      select: { filename: true, kind: true, storedPath: true, sha256: true },
    });
    let bytes: Buffer;
    try {
      bytes = await readFile(submission.storedPath);
    } catch (error) {
      return failed(`the stored file ${submission.storedPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    if (FileStore.sha256(bytes) !== submission.sha256) {
      return failed(`the stored file ${submission.storedPath} no longer has the bytes that were submitted (sha256 differs)`);
    }
    const report = await this.grading.grader.evaluate(
      { path: submission.storedPath, filename: submission.filename, kind: submission.kind, bytes },
      { assignment: specId },
    );
    if (report.status !== 'graded') return failed(`not gradable with the current spec: ${report.error}`);
    if (report.spec.id !== specId || report.spec.hash !== loaded.hash) {
      return failed(`the file is now recognised as ${report.spec.id} ${report.spec.version}, not ${specId} ${loaded.spec.version}`);
    }
    const earlier = await this.db.prisma.grade.findUnique({
      where: { submissionId_specVersion_specHash: { submissionId: target.submissionId, specVersion: report.spec.version, specHash: report.spec.hash } },
      select: { id: true, gradedAt: true },
    });
    if (earlier && earlier.id !== target.gradeId) {
      return failed(
        `this spec revision already graded the file on ${earlier.gradedAt.toISOString()} (grade ${earlier.id}); ` +
          'a re-grade cannot make that older grade current again',
      );
    }
    const outcome = regradeOutcome(await loadGradeWithOverrides(this.db.prisma, target.gradeId), report);
    return {
      ...base,
      oldScore: outcome.oldScore,
      newScore: outcome.newScore,
      maxScore: outcome.maxScore,
      changed: outcome.changed,
      report: report as unknown as Prisma.InputJsonObject,
      diff: outcome.diff as unknown as Prisma.InputJsonObject,
    };
  }
}
