/**
 * PGlite is Postgres in this process, without a postmaster: two processes on one data folder would
 * corrupt it, and PGlite itself does not stop that. A lock file beside the folder holding the owner's
 * pid does; a lock left by a process that has died is taken over.
 */
import { link, readFile, unlink, writeFile } from 'node:fs/promises';

export class EmbeddedDatabaseBusyError extends Error {}

/** Locks this process holds. A lock file naming our pid that is not here was left by an earlier
 * process that had the same pid (routine in containers, where the grader is often pid 1). */
const held = new Set<string>();

export interface EmbeddedLock {
  path: string;
  release(): Promise<void>;
}

export async function lockEmbeddedDir(dataDir: string): Promise<EmbeddedLock> {
  const path = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    // Written aside, then hard-linked into place: the lock appears atomically, pid included.
    const draft = `${path}.${process.pid}.tmp`;
    await writeFile(draft, `${process.pid}\n`);
    try {
      await link(draft, path);
      held.add(path);
      return {
        path,
        release: async () => {
          held.delete(path);
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(draft).catch(() => undefined);
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    const ours = owner === process.pid;
    if (ours ? held.has(path) : Number.isInteger(owner) && isAlive(owner)) {
      const who = ours ? 'this process already' : `process ${owner}`;
      throw new EmbeddedDatabaseBusyError(
        `the embedded database at ${dataDir} is in use (${who} holds ${path}); run one grader at a time ` +
          'on it (delete the lock file if none is running), or set DATABASE_URL to share a Postgres server',
      );
    }
    await unlink(path).catch(() => undefined); // stale: its owner is gone
  }
  throw new EmbeddedDatabaseBusyError(`could not take the lock ${path} for the embedded database at ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
