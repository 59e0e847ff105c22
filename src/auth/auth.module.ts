import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PrismaService } from '../database/database.module.js';
import { AuthGuard, SITE_ORIGIN } from './auth.guard.js';
import { SessionChecker } from './session-checker.js';
import { SessionTokens } from './session-tokens.js';

export interface AuthOptions {
  sessionSecret: string;
  sessionLifetimeSeconds?: number;
  /** The site's origin (PUBLIC_BASE_URL's): state-changing requests from elsewhere are refused. */
  siteOrigin: string;
  /** How long a session's database check is trusted (role, logout); at most a minute. */
  sessionRecheckMs: number;
}

/** Closes every route by default (see AuthGuard) and provides the session token issuer and checker. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    const tokens = new SessionTokens(options.sessionSecret, options.sessionLifetimeSeconds);
    return {
      module: AuthModule,
      providers: [
        { provide: SessionTokens, useValue: tokens },
        { provide: SITE_ORIGIN, useValue: options.siteOrigin },
        {
          provide: SessionChecker,
          useFactory: (database: PrismaService) => new SessionChecker(database.prisma, tokens, options.sessionRecheckMs),
          inject: [PrismaService],
        },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [SessionTokens, SessionChecker, SITE_ORIGIN],
    };
  }
}
