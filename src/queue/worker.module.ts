/**
 * The consumers, for the queues this process serves (WORKER_QUEUES). Started once the application
 * is up; on shutdown they stop taking jobs and finish the running ones before the database closes
 * (this module is destroyed before the global database module).
 */
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { ServiceModule } from '../app/service.module.js';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { GradeRepository } from '../database/grade.repository.js';
import { SubmissionGrader } from '../grading/submission-grader.js';
import { PeopleRepository } from '../identity/people.repository.js';
import { SubmissionRepository } from '../submissions/submission.repository.js';
import { FileStore } from '../submissions/file-store.js';
import { GradeJobHandler } from './grade-job.handler.js';
import { GradeWorker } from './grade.worker.js';
import { ReadingBackfill } from './reading-backfill.js';
import { Reconciler } from './reconciler.js';
import { GRADER_CONFIG } from '../app/grader.module.js';
import type { GraderConfig } from '../config/config.js';
import { PrismaService } from '../database/database.module.js';
import { RerunJobHandler } from '../rerun/rerun-job.handler.js';
import { RerunWorker } from '../rerun/rerun.worker.js';
import { SpecRegistry } from '../specs/spec.registry.js';

@Injectable()
class WorkerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Optional() @Inject(GradeWorker) private readonly grade?: GradeWorker,
    @Optional() @Inject(Reconciler) private readonly reconciler?: Reconciler,
    @Optional() @Inject(RerunWorker) private readonly rerun?: RerunWorker,
    @Optional() @Inject(ReadingBackfill) private readonly backfill?: ReadingBackfill,
  ) {}

  onApplicationBootstrap(): void {
    this.grade?.start();
    this.reconciler?.start();
    this.rerun?.start();
    // PDFs graded before their reading was kept get it now, in the background (reading-backfill.ts).
    this.backfill?.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.backfill?.stop();
    await this.reconciler?.stop();
    await this.grade?.stop();
    await this.rerun?.stop();
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    const grade = config.worker.queues.includes('grade')
      ? [
          {
            provide: GradeJobHandler,
            useFactory: (
              grader: SubmissionGrader,
              grades: GradeRepository,
              submissions: SubmissionRepository,
              people: PeopleRepository,
              files: FileStore | null,
              registry: SpecRegistry,
            ) => new GradeJobHandler(grader, grades, submissions, people, config, files, registry),
            inject: [SubmissionGrader, GradeRepository, SubmissionRepository, PeopleRepository, FileStore, SpecRegistry],
          },
          GradeWorker,
          Reconciler,
          ReadingBackfill,
        ]
      : [];
    const rerun = config.worker.queues.includes('rerun')
      ? [
          {
            provide: RerunJobHandler,
            useFactory: (database: PrismaService, registry: SpecRegistry, grader: GraderConfig) =>
              new RerunJobHandler(database.prisma, registry, grader.limits, {
                device: config.rerun.device,
                samples: config.rerun.samples,
                benchmark: config.rerun.benchmark,
                runnerCommand: grader.runnerCommand,
                // GPU workers limit memory by container: the CUDA driver reserves huge address space.
                memoryLimitBytes: null,
              }),
            inject: [PrismaService, SpecRegistry, GRADER_CONFIG],
          },
          RerunWorker,
        ]
      : [];
    return { module: WorkerModule, providers: [...grade, ...rerun, WorkerLifecycle], exports: [...grade, ...rerun] };
  }
}

/** The `worker` process's root: the shared services and the consumers, no HTTP. */
@Module({})
export class WorkerAppModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return { module: WorkerAppModule, imports: [ServiceModule.forRoot(config), WorkerModule.forRoot(config)] };
  }
}
