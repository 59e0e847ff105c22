/**
 * Re-grading an assignment after its spec changed. Every counted submission is evaluated again from
 * its stored bytes with the current spec; the new reports wait beside the accepted grades (RegradeItem,
 * with an old-vs-new diff) until an instructor accepts them, which stores them as the current grades
 * through the GradeRepository (old grades stay), or rejects them. Evaluation (regrade-evaluator.ts)
 * runs in the background of the API process: the start request answers at once, GET shows progress.
 */
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { PrismaService } from '../database/database.module.js';
import { GradeRepository } from '../database/grade.repository.js';
import { Prisma } from '../generated/prisma/client.js';
import type { GradeReport } from '../grading/grade.types.js';
import { withExerciseIds } from '../grading/stored-report.js';
import { GRADER_VERSION } from '../grading/grader.version.js';
import { ClassService } from './class.service.js';
import { assignmentSubject, auditEvent, submissionSubject } from './data/audit.js';
import { loadGradeWithOverrides } from './data/grade.query.js';
import { GraderServices } from './grader-services.js';
import { withChangeExerciseIds } from './logic/check-diff.js';
import { isStale, type RegradeDiff, regradeOutcome, summarizeRegrade } from './logic/regrade.js';
import { RegradeEvaluator, type RegradeTarget } from './regrade-evaluator.js';

const OPEN_STATUSES = ['evaluating', 'pending', 'accepting'] as const;
/** An accept that stopped half-way (the API restarted) may be resumed after this long. */
const ACCEPT_RETRY_MS = 5 * 60_000;

@Injectable()
export class RegradeService {
  constructor(
    @Inject(PrismaService) private readonly db: PrismaService,
    @Inject(GradeRepository) private readonly repository: GradeRepository,
    @Inject(ClassService) private readonly classes: ClassService,
    @Inject(GraderServices) private readonly grading: GraderServices,
    @Inject(RegradeEvaluator) private readonly evaluator: RegradeEvaluator,
  ) {}

  async start(specId: string, user: AuthenticatedUser) {
    const loaded = this.grading.registry.byId(specId);
    if (!loaded) throw new ConflictException(`no grading spec ${specId} is loaded: nothing to re-grade with`);
    const snapshot = await this.classes.snapshot(specId);
    const targets: RegradeTarget[] = snapshot.rows.flatMap((r) =>
      r.submissionId && r.gradeId ? [{ submissionId: r.submissionId, personId: r.personId, gradeId: r.gradeId }] : [],
    );
    const run = await this.db.prisma.$transaction(async (tx) => {
      // One open re-grade per assignment: concurrent starts queue on this lock, the second sees the first.
      await tx.$queryRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(${`regrade:${snapshot.assignment.id}`}))) AS locked`;
      const open = await tx.regradeRun.findFirst({
        where: { assignmentId: snapshot.assignment.id, status: { in: [...OPEN_STATUSES] } },
        select: { id: true, status: true, heartbeatAt: true },
      });
      if (open && !isStale(open, new Date())) {
        throw new ConflictException(`re-grade ${open.id} is ${open.status}: accept or reject it first`);
      }
      if (open) {
        await tx.regradeRun.update({
          where: { id: open.id },
          data: { status: 'failed', error: 'interrupted: its evaluation stopped (the API restarted?)' },
        });
      }
      const created = await tx.regradeRun.create({
        data: {
          assignmentId: snapshot.assignment.id,
          specId,
          specVersion: loaded.spec.version,
          specHash: loaded.hash,
          graderVersion: GRADER_VERSION,
          total: targets.length,
          requestedBy: user.email,
        },
        select: { id: true },
      });
      await tx.auditEvent.create({
        data: auditEvent(user.email, 'regrade.start', assignmentSubject(specId), {
          runId: created.id,
          specVersion: loaded.spec.version,
          specHash: loaded.hash,
          submissions: targets.length,
        }),
      });
      return created;
    });
    this.evaluator.start(run.id, specId, loaded, targets);
    return this.view(specId, run.id, { changedOnly: false });
  }

  async list(specId: string) {
    const assignment = await this.classes.assignment(specId);
    const runs = await this.db.prisma.regradeRun.findMany({
      where: { assignmentId: assignment.id },
      orderBy: { requestedAt: 'desc' },
      select: runSelect,
    });
    return runs.map((run) => runView(run, specId));
  }

  async view(specId: string, runId: string, options: { changedOnly: boolean }) {
    const run = await this.findRun(specId, runId);
    const items = await this.db.prisma.regradeItem.findMany({
      where: { runId },
      orderBy: { createdAt: 'asc' },
      select: {
        submissionId: true,
        personId: true,
        oldGradeId: true,
        newGradeId: true,
        oldScore: true,
        newScore: true,
        maxScore: true,
        changed: true,
        error: true,
        diff: true,
        submission: { select: { filename: true, person: { select: { email: true, name: true } } } },
      },
    });
    const shown = options.changedOnly ? items.filter((i) => i.changed || i.error) : items;
    return {
      ...runView(run, specId),
      summary: summarizeRegrade(items),
      items: shown.map(({ submission, diff, ...item }) => ({
        ...item,
        email: submission.person?.email ?? null,
        name: submission.person?.name ?? null,
        filename: submission.filename,
        delta: item.oldScore !== null && item.newScore !== null ? Math.round((item.newScore - item.oldScore) * 1000) / 1000 : null,
        // A file that could not be graded again has no diff, only its error.
        diff: item.error === null ? withDiffExerciseIds(diff as unknown as RegradeDiff) : null,
      })),
    };
  }

  async accept(specId: string, runId: string, user: AuthenticatedUser) {
    const run = await this.findRun(specId, runId);
    const claimed = await this.db.prisma.regradeRun.updateMany({
      where: {
        id: runId,
        OR: [{ status: 'pending' }, { status: 'accepting', decidedAt: { lt: new Date(Date.now() - ACCEPT_RETRY_MS) } }],
      },
      data: { status: 'accepting', decidedBy: user.email, decidedAt: new Date() },
    });
    if (claimed.count === 0) throw new ConflictException(`re-grade ${runId} is ${run.status}, not pending`);
    const items = await this.db.prisma.regradeItem.findMany({
      where: { runId, error: null, report: { not: Prisma.DbNull } },
      select: { id: true, submissionId: true, oldGradeId: true, oldScore: true, newScore: true, report: true },
    });
    for (const item of items) {
      const report = withExerciseIds(item.report as unknown as GradeReport);
      // Overrides follow what is in force now: one made or withdrawn since the evaluation counts.
      const carried = item.oldGradeId ? regradeOutcome(await loadGradeWithOverrides(this.db.prisma, item.oldGradeId), report).diff : null;
      const saved = await this.repository.saveGrade(item.submissionId, report);
      await this.db.prisma.$transaction(async (tx) => {
        for (const override of carried?.carried ?? []) {
          const target = await tx.checkResult.findFirst({
            where: { gradeId: saved.gradeId, checkId: override.checkId },
            select: { id: true, _count: { select: { overrides: true } } },
          });
          // Already carried (a resumed accept), or the same grade kept its own override.
          if (!target || target._count.overrides > 0) continue;
          await tx.override.create({
            data: {
              checkResultId: target.id,
              who: override.who,
              points: override.points,
              reason: `${override.reason} (carried over from grade ${item.oldGradeId} by re-grade ${runId})`,
            },
          });
        }
        await tx.regradeItem.update({ where: { id: item.id }, data: { newGradeId: saved.gradeId } });
        await tx.auditEvent.create({
          data: auditEvent(user.email, 'regrade.accept', submissionSubject(item.submissionId), {
            runId,
            oldGradeId: item.oldGradeId,
            newGradeId: saved.gradeId,
            oldScore: item.oldScore,
            newScore: item.newScore,
            carriedOverrides: carried?.carried.length ?? 0,
            droppedOverrides: carried?.dropped.map((d) => ({ checkId: d.checkId, points: d.points, why: d.why })) ?? [],
          }),
        });
      });
    }
    await this.db.prisma.$transaction([
      this.db.prisma.regradeRun.update({ where: { id: runId }, data: { status: 'accepted', decidedAt: new Date() } }),
      this.db.prisma.auditEvent.create({
        data: auditEvent(user.email, 'regrade.accept', assignmentSubject(specId), { runId, grades: items.length }),
      }),
    ]);
    return this.view(specId, runId, { changedOnly: false });
  }

  async reject(specId: string, runId: string, user: AuthenticatedUser) {
    const run = await this.findRun(specId, runId);
    await this.db.prisma.$transaction(async (tx) => {
      const { count } = await tx.regradeRun.updateMany({
        where: { id: runId, status: 'pending' },
        data: { status: 'rejected', decidedBy: user.email, decidedAt: new Date() },
      });
      if (count === 0) throw new ConflictException(`re-grade ${runId} is ${run.status}, not pending`);
      await tx.auditEvent.create({ data: auditEvent(user.email, 'regrade.reject', assignmentSubject(specId), { runId }) });
    });
    return this.view(specId, runId, { changedOnly: false });
  }

  private async findRun(specId: string, runId: string) {
    const run = await this.db.prisma.regradeRun.findFirst({
      where: { id: runId, assignment: { specId } },
      select: runSelect,
    });
    if (!run) throw new NotFoundException(`no re-grade ${runId} for ${specId}`);
    return run;
  }
}

const runSelect = {
  id: true,
  specVersion: true,
  specHash: true,
  graderVersion: true,
  status: true,
  total: true,
  done: true,
  error: true,
  requestedBy: true,
  requestedAt: true,
  heartbeatAt: true,
  decidedBy: true,
  decidedAt: true,
} as const;

type RunRow = Prisma.RegradeRunGetPayload<{ select: typeof runSelect }>;

function runView(run: RunRow, specId: string) {
  return {
    id: run.id,
    specId,
    spec: { version: run.specVersion, hash: run.specHash },
    graderVersion: run.graderVersion,
    // An evaluation that stopped beating will not finish: say so rather than "evaluating" forever.
    status: isStale(run, new Date()) ? ('interrupted' as const) : run.status,
    progress: { done: run.done, total: run.total },
    error: run.error,
    requestedBy: run.requestedBy,
    requestedAt: run.requestedAt.toISOString(),
    decidedBy: run.decidedBy,
    decidedAt: run.decidedAt?.toISOString() ?? null,
    statusUrl: `/api/assignments/${specId}/regrade/${run.id}`,
  };
}

/** A diff stored before exercise ids: its changes get their ids from their numbers. */
function withDiffExerciseIds(diff: RegradeDiff): RegradeDiff {
  return Array.isArray(diff?.checks) ? { ...diff, checks: diff.checks.map(withChangeExerciseIds) } : diff;
}
