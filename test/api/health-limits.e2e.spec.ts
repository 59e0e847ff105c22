/**
 * /health reports the process itself too (issue #13): near its open-file limit (uploads would fail
 * with EMFILE) or its memory limit it says degraded (503), so a balancer stops sending it work.
 */
import { readdirSync } from 'node:fs';
import { type ApiHarness, startApi } from '../support/api-harness.js';

describe('/health near the process limits', () => {
  let api: ApiHarness;

  afterAll(async () => {
    await api?.close();
  });

  it('says degraded (503) when the process nears its open-file or memory limit, ok otherwise', async () => {
    const open = readdirSync('/proc/self/fd').length;
    api = await startApi({ label: 'health-limits', env: { HEALTH_OPEN_FILES_LIMIT: String(open + 400) } });
    const health = await api.http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', database: 'up', redis: 'up', openFiles: { status: 'ok' }, memory: { status: 'ok' } });
    expect(health.body.openFiles.limit).toBe(open + 400);
    // Hold open files until the process is within 10% of the limit.
    const held: import('node:fs/promises').FileHandle[] = [];
    const { open: openFile } = await import('node:fs/promises');
    try {
      while (readdirSync('/proc/self/fd').length < open + 380) held.push(await openFile('/dev/null', 'r'));
      const near = await api.http.get('/health');
      expect(near.status).toBe(503);
      expect(near.body).toMatchObject({ status: 'degraded', database: 'up', redis: 'up', openFiles: { status: 'near limit' } });
    } finally {
      await Promise.all(held.map((handle) => handle.close()));
    }
    expect((await api.http.get('/health')).status).toBe(200);
    // Memory: the resident size against a limit it is already past.
    await api.close();
    api = await startApi({ label: 'health-memory', env: { HEALTH_MEMORY_LIMIT_BYTES: String(64 * 1024 * 1024) } });
    const memory = await api.http.get('/health');
    expect(memory.status).toBe(503);
    expect(memory.body).toMatchObject({ status: 'degraded', memory: { status: 'near limit', limitBytes: 64 * 1024 * 1024 } });
  });
});
