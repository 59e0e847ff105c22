/**
 * What the api and the worker processes share: the grading services with their database
 * (GraderModule), the queues, the service configuration and the repositories of submissions and
 * people. Global, so feature modules (submissions, identity, review, queue consumers) inject them.
 */
import { type DynamicModule, Global, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { PrismaService } from '../database/database.module.js';
import { PeopleRepository } from '../identity/people.repository.js';
import { QueueModule } from '../queue/queue.module.js';
import { SubmissionRepository } from '../submissions/submission.repository.js';
import { GraderModule } from './grader.module.js';

/**
 * Runs one query while the application starts: Prisma loads its query compiler (WASM) on the first
 * query, which should not be a request's (or a job's) cost; and a database that cannot answer stops
 * the start-up instead of the first upload.
 */
@Injectable()
class DatabaseWarmup implements OnModuleInit {
  constructor(@Inject(PrismaService) private readonly database: PrismaService) {}

  async onModuleInit(): Promise<void> {
    await this.database.prisma.$queryRaw`SELECT 1`;
  }
}

@Global()
@Module({})
export class ServiceModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    const grader = GraderModule.forRoot({ config: config.grader, store: true });
    return {
      module: ServiceModule,
      imports: [grader, QueueModule.forRoot(config)],
      providers: [
        DatabaseWarmup,
        { provide: SERVICE_CONFIG, useValue: config },
        {
          provide: SubmissionRepository,
          useFactory: (database: PrismaService) => new SubmissionRepository(database.prisma, config.courseCode),
          inject: [PrismaService],
        },
        {
          provide: PeopleRepository,
          useFactory: (database: PrismaService) => new PeopleRepository(database.prisma),
          inject: [PrismaService],
        },
      ],
      exports: [SERVICE_CONFIG, SubmissionRepository, PeopleRepository, grader],
    };
  }
}
