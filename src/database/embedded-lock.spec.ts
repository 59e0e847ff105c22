import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabaseBusyError, lockEmbeddedDir } from './embedded-lock.js';

describe('lockEmbeddedDir', () => {
  let folder: string;
  let dataDir: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'grader-lock-'));
    dataDir = join(folder, 'pglite');
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('writes our pid beside the folder, refuses a second taker, and frees on release', async () => {
    const lock = await lockEmbeddedDir(dataDir);
    expect(lock.path).toBe(`${dataDir}.lock`);
    expect(await readFile(lock.path, 'utf8')).toBe(`${process.pid}\n`);
    await expect(lockEmbeddedDir(dataDir)).rejects.toThrow(/in use \(this process already holds/);
    await lock.release();
    await (await lockEmbeddedDir(dataDir)).release();
  });

  it('refuses while another live process holds it, naming that process', async () => {
    await writeFile(`${dataDir}.lock`, `${process.ppid}\n`);
    const error = await lockEmbeddedDir(dataDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddedDatabaseBusyError);
    expect((error as Error).message).toContain(`process ${process.ppid} holds ${dataDir}.lock`);
  });

  it('takes over a lock whose process has exited, or one from an earlier process with our pid', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(`${dataDir}.lock`, `${exited}\n`);
    const first = await lockEmbeddedDir(dataDir);
    await first.release();
    await writeFile(`${dataDir}.lock`, `${process.pid}\n`); // e.g. pid 1 in a restarted container
    const second = await lockEmbeddedDir(dataDir);
    expect(await readFile(second.path, 'utf8')).toBe(`${process.pid}\n`);
    await second.release();
  });
});
