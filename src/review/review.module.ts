/**
 * Instructor and TA review: class matrix, submission evidence, overrides, which attempt counts,
 * re-runs, re-grades after a spec change, and the Canvas / Gradescope exports.
 *
 * Import it beside the modules it relies on: `GraderModule.forRoot({ store: true })` (database, specs,
 * grader), `AuthModule.forRoot(...)` (the global guard behind @Roles) and `BullModule.forRoot(...)`
 * (Redis). It registers the `rerun` queue itself, to enqueue on; the processor lives elsewhere.
 */
import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ActivityService } from './activity.service.js';
import { ClassService } from './class.service.js';
import { AssignmentsController } from './controllers/assignments.controller.js';
import { ChecksController } from './controllers/checks.controller.js';
import { JobsController } from './controllers/jobs.controller.js';
import { SubmissionsReviewController } from './controllers/submissions.controller.js';
import { CountedService } from './counted.service.js';
import { EvidenceService } from './evidence.service.js';
import { ExportService } from './export.service.js';
import { GraderServices } from './grader-services.js';
import { OverrideService } from './override.service.js';
import { RegradeEvaluator } from './regrade-evaluator.js';
import { RegradeService } from './regrade.service.js';
import { RERUN_QUEUE } from '../queue/queue.names.js';
import { RerunService } from './rerun.service.js';

@Module({
  imports: [BullModule.registerQueue({ name: RERUN_QUEUE })],
  controllers: [AssignmentsController, SubmissionsReviewController, ChecksController, JobsController],
  providers: [
    ActivityService,
    GraderServices,
    ClassService,
    EvidenceService,
    OverrideService,
    CountedService,
    ExportService,
    RerunService,
    RegradeEvaluator,
    RegradeService,
  ],
  exports: [ActivityService, ClassService, EvidenceService, ExportService, RerunService, RegradeService],
})
export class ReviewModule {}
