import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'bio1173-grader';

/**
 * The project's root folder (where package.json, prisma/, runner/ and examples/ live), found by
 * walking up from this module, so it is right from src/ (tests), dist/ (build) and dist-bench/.
 */
export const PROJECT_ROOT: string = (() => {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === PACKAGE_NAME) return folder;
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`cannot find the ${PACKAGE_NAME} package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
})();

export const projectPath = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);

/** The re-run's PyTorch runner of this checkout (runner/torch_runner.py), whatever the working directory. */
export const DEFAULT_RUNNER_SCRIPT = projectPath('runner', 'torch_runner.py');
