import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { RerunReport } from './rerun.types.js';

const STATUS = { completed: 'succeeded', failed: 'failed', error: 'error' } as const;

/** Every re-run is kept with what produced it: device, execution provider, library versions, metrics. */
export class RerunRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async save(submissionId: string, report: RerunReport): Promise<{ rerunId: string }> {
    const { environment } = report;
    const failedStep = report.steps.find((s) => s.status === 'error' || s.status === 'failed');
    const row = await this.prisma.rerunRun.create({
      data: {
        submissionId,
        device: environment.runnerDevice === 'cuda' ? environment.deviceName : `cpu${environment.deviceName ? ` (${environment.deviceName})` : ''}`,
        executionProvider: environment.executionProvider === 'cuda' ? 'CUDAExecutionProvider' : environment.executionProvider === 'cpu' ? 'CPUExecutionProvider' : null,
        torchVersion: environment.torch,
        ortVersion: environment.ortVersion,
        metrics: report as unknown as Prisma.InputJsonValue,
        status: STATUS[report.status],
        error: failedStep ? `${failedStep.name}: ${failedStep.detail}`.slice(0, 2000) : null,
        startedAt: new Date(report.startedAt),
        finishedAt: new Date(report.finishedAt),
      },
      select: { id: true },
    });
    return { rerunId: row.id };
  }
}
