/**
 * Browser pages for staff and students (server-rendered, no client build). Import it beside
 * ReviewModule (ClassService, EvidenceService) and AuthModule (the guard behind @Roles).
 */
import { Module } from '@nestjs/common';
import { ReviewModule } from '../review/review.module.js';
import { WebController } from './web.controller.js';

@Module({
  imports: [ReviewModule],
  controllers: [WebController],
})
export class WebModule {}
