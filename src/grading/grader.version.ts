import { readFileSync } from 'node:fs';

/** The grader's version (package.json), recorded on every grade. Same depth from src/ and dist/. */
export const GRADER_VERSION: string = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
})();
