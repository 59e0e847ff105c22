import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { IdentityModule } from '../identity/identity.module.js';
import { FileStore } from './file-store.js';
import { SubmissionService } from './submission.service.js';
import { ColabSubmissionsController, SubmissionsController } from './submissions.controller.js';
import { SubmitCellController } from './submit-cell.controller.js';
import { UploadQuotaGuard, UploadQuotas } from './upload-quota.js';
import { HashingUploadStorage } from './upload.storage.js';

@Module({
  imports: [
    IdentityModule,
    // Uploads stream to disk beside the file store; one file per request, a few small fields.
    MulterModule.registerAsync({
      useFactory: (files: FileStore, config: ServiceConfig) => ({
        storage: new HashingUploadStorage(files.incomingDir),
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 5, fieldSize: 1024, parts: 8 },
      }),
      inject: [FileStore, SERVICE_CONFIG],
    }),
  ],
  controllers: [SubmissionsController, ColabSubmissionsController, SubmitCellController],
  providers: [SubmissionService, UploadQuotas, UploadQuotaGuard],
  exports: [SubmissionService],
})
export class SubmissionsModule {}
