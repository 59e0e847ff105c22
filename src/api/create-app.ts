import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ServiceConfig } from '../config/config.js';
import { serviceLogger } from '../config/service-logger.js';
import { AppModule, type AppOptions } from './app.module.js';
import { setupOpenApi } from './openapi.js';

/** The api application, configured as `main.ts` serves it (the tests use this too). */
export async function createApiApp(
  config: ServiceConfig,
  options: AppOptions & { logger?: LoggerService | LogLevel[] | false } = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    logger: options.logger ?? serviceLogger(config),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  // Behind a reverse proxy on the same host (TLS terminates there): trust only loopback's X-Forwarded-*.
  app.set('trust proxy', 'loopback');
  // JSON bodies are small (sign-in); files come as multipart, with their own limits.
  app.useBodyParser('json', { limit: '64kb' });
  setupOpenApi(app);
  await app.init();
  return app;
}
