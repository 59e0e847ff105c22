import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { FileStore } from '../submissions/file-store.js';
import { UploadQuotas } from '../submissions/upload-quota.js';
import { HashingUploadStorage } from '../submissions/upload.storage.js';
import { classifyModelFile } from './model-files.js';
import { ModelFilesController } from './model-files.controller.js';
import { ModelUploadQuotaGuard } from './model-upload-quota.guard.js';

/** HTTP side of re-runs: model file uploads (the queue side is RerunWorker, in the worker process). */
@Module({
  imports: [
    MulterModule.registerAsync({
      useFactory: (files: FileStore, config: ServiceConfig) => ({
        storage: new HashingUploadStorage(files.incomingDir, classifyModelFile),
        limits: { fileSize: config.maxModelBytes, files: 3, fields: 2, parts: 6 },
      }),
      inject: [FileStore, SERVICE_CONFIG],
    }),
  ],
  controllers: [ModelFilesController],
  // The hand-ins' quota (upload-quota.ts): model files count against the same daily bytes.
  providers: [UploadQuotas, ModelUploadQuotaGuard],
})
export class RerunModule {}
