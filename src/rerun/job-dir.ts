/**
 * The per-job temporary directory the runner and Node exchange files in (.npy tensors, ONNX exports).
 * Removed when the job ends, whatever the outcome: student models are large and must not pile up.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface JobDirOptions {
  /** Parent folder; the OS temp dir by default (set it to a disk with room on GPU workers). */
  readonly parent?: string;
  readonly prefix?: string;
}

/** Creates a fresh directory, passes its (symlink-resolved) path to `fn`, and always removes it. */
export async function withJobDir<T>(fn: (dir: string) => Promise<T>, options: JobDirOptions = {}): Promise<T> {
  const created = await mkdtemp(join(options.parent ?? tmpdir(), options.prefix ?? 'grader-job-'));
  // The runner confines its writes to realpath(jobDir); hand out the same spelling so paths compare equal.
  const dir = await realpath(created);
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
