/**
 * The `api` process: HTTP only. It stores uploads and enqueues their grading; workers grade.
 * `worker: true` adds the queue consumers to the same process (tests, benchmarks, a one-machine
 * setup); production runs them as `npm run worker`.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ServiceModule } from '../app/service.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ConfigError, type ServiceConfig } from '../config/config.js';
import { IdentityModule, ROSTER_MAX_BYTES } from '../identity/identity.module.js';
import { WorkerModule } from '../queue/worker.module.js';
import { RerunModule } from '../rerun/rerun.module.js';
import { ReviewModule } from '../review/review.module.js';
import { SubmissionsModule } from '../submissions/submissions.module.js';
import { WebModule } from '../web/web.module.js';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { HealthController } from './health.controller.js';

export interface AppOptions {
  /** Run the queue consumers in this process too. */
  worker?: boolean;
}

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig, options: AppOptions = {}): DynamicModule {
    if (!config.sessionSecret) throw new ConfigError('SESSION_SECRET is required by the api (at least 32 characters)');
    return {
      module: AppModule,
      imports: [
        ServiceModule.forRoot(config),
        AuthModule.forRoot({
          sessionSecret: config.sessionSecret,
          sessionLifetimeSeconds: config.sessionLifetimeSeconds,
          siteOrigin: config.siteOrigin,
          sessionRecheckMs: config.sessionRecheckSeconds * 1000,
        }),
        IdentityModule,
        SubmissionsModule,
        // Instructor/TA review: class matrix, evidence, overrides, exports, re-grades, TA re-runs.
        ReviewModule,
        RerunModule,
        // Browser pages: sign-in, class matrix, submission review, student page.
        WebModule,
        ...(options.worker ? [WorkerModule.forRoot(config)] : []),
      ],
      controllers: [HealthController],
      providers: [
        {
          provide: APP_FILTER,
          useValue: new ApiExceptionFilter({ '/api/roster': ROSTER_MAX_BYTES, '/api/': config.maxUploadBytes }),
        },
      ],
    };
  }
}
