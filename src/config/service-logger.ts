import { ConsoleLogger } from '@nestjs/common';
import type { ServiceConfig } from './config.js';

/**
 * The api's and worker's logger. Where the output is not a terminal (a file, a pipe, a container's log
 * driver) and LOG_FORMAT is `auto`, every line is one JSON object ({level, pid, timestamp, context,
 * message}) with no colour codes; a log collector reads it as is. On a terminal, Nest's coloured lines.
 */
export function serviceLogger(
  config: Pick<ServiceConfig, 'logLevels' | 'logFormat'>,
  output: { isTTY?: boolean } = process.stdout,
): ConsoleLogger {
  const terminal = Boolean(output.isTTY);
  const json = config.logFormat === 'json' || (config.logFormat === 'auto' && !terminal);
  return new ConsoleLogger({ logLevels: config.logLevels, json, colors: !json && terminal });
}
