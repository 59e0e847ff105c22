import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { ORT_PROVIDER_NAMES } from './onnx/providers.js';
import type { RerunReport } from './rerun.types.js';

const STATUS = { completed: 'succeeded', failed: 'failed', error: 'error' } as const;

/**
 * Every re-run is kept with what produced it: device, execution provider, library versions, metrics.
 * A queued re-run is recorded under its job id (unique), so a retried or duplicated job writes one row.
 */
export class RerunRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async save(submissionId: string, report: RerunReport): Promise<{ rerunId: string }> {
    const row = await this.prisma.rerunRun.create({ data: this.rowOf(submissionId, null, report), select: { id: true } });
    return { rerunId: row.id };
  }

  async saveForJob(submissionId: string, jobId: string, report: RerunReport): Promise<{ rerunId: string; created: boolean }> {
    return this.insertOnce(jobId, this.rowOf(submissionId, jobId, report));
  }

  async saveNoModel(submissionId: string, jobId: string, reason: string): Promise<{ rerunId: string }> {
    return this.insertOnce(jobId, { submissionId, jobId, status: 'failed', error: reason, finishedAt: new Date() });
  }

  async saveError(submissionId: string, jobId: string, reason: string): Promise<{ rerunId: string }> {
    return this.insertOnce(jobId, { submissionId, jobId, status: 'error', error: reason.slice(0, 2000), finishedAt: new Date() });
  }

  async byJob(jobId: string): Promise<string | null> {
    return (await this.prisma.rerunRun.findUnique({ where: { jobId }, select: { id: true } }))?.id ?? null;
  }

  /** INSERT ... ON CONFLICT (jobId) DO NOTHING, then the row that is there. */
  private async insertOnce(jobId: string, data: Prisma.RerunRunCreateManyInput): Promise<{ rerunId: string; created: boolean }> {
    const { count } = await this.prisma.rerunRun.createMany({ data: [data], skipDuplicates: true });
    const row = await this.prisma.rerunRun.findUniqueOrThrow({ where: { jobId }, select: { id: true } });
    return { rerunId: row.id, created: count === 1 };
  }

  private rowOf(submissionId: string, jobId: string | null, report: RerunReport): Prisma.RerunRunCreateManyInput {
    const { environment } = report;
    const failedStep = report.steps.find((s) => s.status === 'error' || s.status === 'failed');
    return {
      submissionId,
      jobId,
      device: environment.runnerDevice === 'cuda' ? environment.deviceName : `cpu${environment.deviceName ? ` (${environment.deviceName})` : ''}`,
      executionProvider: environment.executionProvider ? ORT_PROVIDER_NAMES[environment.executionProvider] : null,
      torchVersion: environment.torch,
      ortVersion: environment.ortVersion,
      metrics: report as unknown as Prisma.InputJsonValue,
      status: STATUS[report.status],
      error: failedStep ? `${failedStep.name}: ${failedStep.detail}`.slice(0, 2000) : null,
      startedAt: new Date(report.startedAt),
      finishedAt: new Date(report.finishedAt),
    };
  }
}
