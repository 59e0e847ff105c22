import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from '../test/fixtures/submissions.js';

/**
 * Writes examples/sample_submission.ipynb: the 'good' synthetic hand-in, committed so that the CLI
 * has something to grade on a fresh clone. Run from the repository root (it reads the lesson from
 * ../shared/reference and the numpy reference from test/fixtures):
 *
 *   npx swc scripts/make-example.ts test/fixtures -d test/.cache/make-example -q && \
 *     node test/.cache/make-example/scripts/make-example.js
 */
const target = path.resolve(process.cwd(), 'examples/sample_submission.ipynb');
await mkdir(path.dirname(target), { recursive: true });
await writeFile(target, notebookText(buildSubmission(FIXTURE_VARIANTS.good)));
console.log(`wrote ${path.relative(process.cwd(), target)}`);
