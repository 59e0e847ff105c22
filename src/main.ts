#!/usr/bin/env node
/**
 * The `api` process (`npm run api`): HTTP only. Stores uploads and enqueues their grading; OpenAPI at
 * /api/docs. On SIGTERM/SIGINT it stops accepting connections, lets requests in flight finish, then
 * closes the queues and the database.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApiApp } from './api/create-app.js';
import { loadServiceConfig } from './config/config.js';

const DRAIN_MS = 20_000;

async function main(): Promise<void> {
  const config = loadServiceConfig();
  const logger = new Logger('api');
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  // Printed whatever LOG_LEVEL says: supervisors and tests wait for this line.
  process.stdout.write(`api listening on ${config.host}:${config.port} (public URL ${config.publicBaseUrl}; docs at /api/docs)\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining requests, then closing`);
    const server = app.getHttpServer();
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`api: ${(error as Error).message}\n`);
  process.exit(1);
});
