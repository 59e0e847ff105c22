import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every hand-in is kept, content-addressed by sha256: storing the same bytes twice is a no-op,
 * and a stored file can never be changed under a grade that cites it.
 */
export class FileStore {
  constructor(private readonly root: string) {}

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  pathFor(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Uint8Array): Promise<{ sha256: string; path: string }> {
    const sha256 = FileStore.sha256(bytes);
    const path = this.pathFor(sha256);
    const exists = await stat(path).then(() => true, () => false);
    if (!exists) {
      await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
      // Write then rename: a crash never leaves a half file under the final name.
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, bytes, { mode: 0o444 });
      await rename(temporary, path);
    }
    return { sha256, path };
  }

  /** The folder of stored readings (and the backfill's note, reading-backfill.ts). */
  get readingsDir(): string {
    return join(this.root, 'readings');
  }

  /** Where the grade worker keeps what pages show of a hand-in it read (see stored-reading.ts). */
  readingPathFor(sha256: string): string {
    return join(this.readingsDir, sha256.slice(0, 2), `${sha256}.json`);
  }

  /** Stores (or replaces) the reading of a hand-in: written then renamed, never half there. */
  async putReading(sha256: string, json: string): Promise<void> {
    const path = this.readingPathFor(sha256);
    await mkdir(join(this.readingsDir, sha256.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, json);
    await rename(temporary, path);
  }

  /** The stored reading's text, or null when none was stored. */
  async readReading(sha256: string): Promise<string | null> {
    return readFile(this.readingPathFor(sha256), 'utf8').catch(() => null);
  }

  /** Where uploads are streamed before `adopt` (inside the store: a rename never crosses filesystems). */
  get incomingDir(): string {
    return join(this.root, 'incoming');
  }

  /**
   * Moves a file written elsewhere (an upload streamed to disk and hashed on the way, by the caller)
   * into the store under its sha256; when the store has those bytes already, the copy is deleted.
   */
  async adopt(temporaryPath: string, sha256: string): Promise<{ sha256: string; path: string }> {
    const path = this.pathFor(sha256);
    const exists = await stat(path).then(() => true, () => false);
    if (exists) {
      await rm(temporaryPath, { force: true });
    } else {
      await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
      await chmod(temporaryPath, 0o444);
      await rename(temporaryPath, path);
    }
    return { sha256, path };
  }
}
