import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { AuthController } from './auth.controller.js';
import { GoogleAccessTokenGuard } from './google-access.guard.js';
import { GoogleIdentityVerifier } from './google-verifier.js';
import { RosterController } from './roster.controller.js';
import { StaffSeeder } from './staff-seeder.js';

/** Largest roster CSV accepted. */
export const ROSTER_MAX_BYTES = 2 * 1024 * 1024;

/** Google identities (web sign-in, Colab access tokens), the roster, staff seeding. */
@Module({
  imports: [
    // No storage named: multer keeps the file in memory (a roster is small).
    MulterModule.register({ limits: { fileSize: ROSTER_MAX_BYTES, files: 1, fields: 5 } }),
  ],
  controllers: [AuthController, RosterController],
  providers: [
    {
      provide: GoogleIdentityVerifier,
      useFactory: (config: ServiceConfig) => new GoogleIdentityVerifier(config.google),
      inject: [SERVICE_CONFIG],
    },
    GoogleAccessTokenGuard,
    StaffSeeder,
  ],
  exports: [GoogleIdentityVerifier, GoogleAccessTokenGuard],
})
export class IdentityModule {}
