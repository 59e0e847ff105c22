import { readFileSync } from 'node:fs';
import { projectPath } from '../paths.js';

/** The grader's version (package.json), recorded on every grade. */
export const GRADER_VERSION: string = (
  JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }
).version;
