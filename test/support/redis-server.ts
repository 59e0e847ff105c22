/** A redis-server of the test's own, on a free port, that the test may stop and start again. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface TestRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  /** Stops it (SIGTERM, no persistence: it comes back empty). */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function createTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const process = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = process;
      await new Promise<void>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${port}: ${output}`)), 10_000);
        process.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Ready to accept connections')) {
            clearTimeout(timer);
            resolve();
          }
        });
        process.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`redis-server exited (${code}): ${output}`));
        });
      });
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.removeAllListeners('exit');
        running.on('exit', () => resolve());
        running.kill('SIGTERM');
      });
    },
  };
}
