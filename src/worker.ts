#!/usr/bin/env node
/**
 * The `worker` process (`npm run worker`): consumes the queues named by WORKER_QUEUES (grade, rerun)
 * and runs the reconciler. Same image as the api. On SIGTERM/SIGINT it stops taking jobs, finishes
 * the running ones, then closes; a worker killed outright loses nothing (its job's lock expires
 * and Bull hands the job to the next worker).
 */
import 'reflect-metadata';
import { setPriority } from 'node:os';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadServiceConfig } from './config/config.js';
import { serviceLogger } from './config/service-logger.js';
import { WorkerAppModule } from './queue/worker.module.js';

async function main(): Promise<void> {
  const config = loadServiceConfig();
  if (config.worker.nice > 0) setPriority(config.worker.nice);
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(config), {
    logger: serviceLogger(config),
    abortOnError: false,
  });
  await app.init();
  // Printed whatever LOG_LEVEL says: supervisors and tests wait for this line.
  process.stdout.write(`worker started (queues: ${config.worker.queues.join(', ')}; pid ${process.pid})\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    new Logger('worker').log(`${signal}: finishing running jobs, then closing`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`worker: ${(error as Error).message}\n`);
  process.exit(1);
});
