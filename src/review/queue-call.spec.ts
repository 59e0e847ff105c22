import { ServiceUnavailableException } from '@nestjs/common';
import { queueCall } from './rerun.service.js';

describe('a re-run request while the job queue does not answer', () => {
  it('answers 503 naming what it was doing, after 5 s, instead of waiting for Redis forever', async () => {
    const started = Date.now();
    const call = queueCall('adding the job', () => new Promise<never>(() => undefined));
    await expect(call).rejects.toBeInstanceOf(ServiceUnavailableException);
    await expect(call).rejects.toThrow('the job queue (Redis) did not answer within 5 s while adding the job; try again');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
  }, 15_000);

  it('passes the queue\'s own failures and results through', async () => {
    await expect(queueCall('reading the job', () => Promise.reject(new Error('NOSCRIPT')))).rejects.toThrow('NOSCRIPT');
    await expect(queueCall('reading the job', async () => 42)).resolves.toBe(42);
  });
});
