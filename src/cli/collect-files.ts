import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface CollectedInputs {
  files: string[];
  /** True when a folder was given: then a rejected file is a row in the table, not a failed run. */
  anyFolder: boolean;
  /** Paths that do not exist. */
  missing: string[];
}

/** Files given directly, and every visible file under given folders (Canvas zips unpack flat or nested). */
export async function collectInputs(paths: string[]): Promise<CollectedInputs> {
  const files: string[] = [];
  const missing: string[] = [];
  let anyFolder = false;
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) missing.push(path);
    else if (info.isDirectory()) {
      anyFolder = true;
      files.push(...(await walk(path)));
    } else files.push(path);
  }
  return { files, anyFolder, missing };
}

async function walk(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}
