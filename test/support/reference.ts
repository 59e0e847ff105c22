import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

/**
 * The course's reference material (other people's work: read at test time, never copied into the
 * project). One setting, REFERENCE_DIR, default ../shared/reference beside the checkout.
 */
export const REFERENCE_DIR = process.env.REFERENCE_DIR ?? join(PROJECT_ROOT, '..', 'shared', 'reference');

/**
 * `describe` when REFERENCE_DIR holds `path`, else `describe.skip` with one line saying what is
 * skipped and why (a fresh clone has no ../shared).
 */
export function describeWithReference(path: string): jest.Describe {
  if (existsSync(join(REFERENCE_DIR, path))) return describe;
  console.warn(`skipped: tests that need ${join(REFERENCE_DIR, path)} (set REFERENCE_DIR to the course's reference folder)`);
  return describe.skip;
}
