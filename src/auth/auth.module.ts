import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { SessionTokens } from './session-tokens.js';

/** Closes every route by default (see AuthGuard) and provides the session token issuer. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: { sessionSecret: string; sessionLifetimeSeconds?: number }): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: SessionTokens, useValue: new SessionTokens(options.sessionSecret, options.sessionLifetimeSeconds) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [SessionTokens],
    };
  }
}
