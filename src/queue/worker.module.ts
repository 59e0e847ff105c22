/**
 * The consumers, for the queues this process serves (WORKER_QUEUES). Started once the application
 * is up; on shutdown they stop taking jobs and finish the running ones before the database closes
 * (this module is destroyed before the global database module).
 */
import { type DynamicModule, Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { ServiceModule } from '../app/service.module.js';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { GradeRepository } from '../database/grade.repository.js';
import { SubmissionGrader } from '../grading/submission-grader.js';
import { PeopleRepository } from '../identity/people.repository.js';
import { SubmissionRepository } from '../submissions/submission.repository.js';
import { GradeJobHandler } from './grade-job.handler.js';
import { GradeWorker } from './grade.worker.js';
import { Reconciler } from './reconciler.js';

@Injectable()
class WorkerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Worker');

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Optional() @Inject(GradeWorker) private readonly grade?: GradeWorker,
    @Optional() @Inject(Reconciler) private readonly reconciler?: Reconciler,
  ) {}

  onApplicationBootstrap(): void {
    this.grade?.start();
    this.reconciler?.start();
    if (this.config.worker.queues.includes('rerun')) {
      // The re-run processor comes with the re-run feature (src/rerun/): register it in WorkerModule.
      this.logger.warn("queue 'rerun' requested, but this build has no re-run processor yet");
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.reconciler?.stop();
    await this.grade?.stop();
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    const grade = config.worker.queues.includes('grade')
      ? [
          {
            provide: GradeJobHandler,
            useFactory: (grader: SubmissionGrader, grades: GradeRepository, submissions: SubmissionRepository, people: PeopleRepository) =>
              new GradeJobHandler(grader, grades, submissions, people, config),
            inject: [SubmissionGrader, GradeRepository, SubmissionRepository, PeopleRepository],
          },
          GradeWorker,
          Reconciler,
        ]
      : [];
    return { module: WorkerModule, providers: [...grade, WorkerLifecycle], exports: grade };
  }
}

/** The `worker` process's root: the shared services and the consumers, no HTTP. */
@Module({})
export class WorkerAppModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return { module: WorkerAppModule, imports: [ServiceModule.forRoot(config), WorkerModule.forRoot(config)] };
  }
}
