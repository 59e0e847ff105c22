/** Raised when `withTimeout`'s limit passes first. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * The promise's result, or a TimeoutError after `ms`. The work itself goes on (a Redis command
 * waiting in ioredis's offline queue runs once Redis is back); its late failure is swallowed so it
 * never becomes an unhandled rejection.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
