import { gradeDocument, type RubricResult } from '../../src/grading/rubric.engine.js';
import { readNotebook } from '../../src/ingest/notebook.reader.js';
import type { LoadedSpec } from '../../src/specs/spec.loader.js';
import { buildSubmission, notebookText, type SubmissionOptions } from '../fixtures/submissions.js';

/** Grade a fixture hand-in built from the lesson notebook, read as the .ipynb a student hands in. */
export function gradeFixture(spec: LoadedSpec, options: Partial<SubmissionOptions>): RubricResult {
  const notebook = buildSubmission(options);
  return gradeDocument(readNotebook(Buffer.from(notebookText(notebook)), 'fixture.ipynb'), spec);
}
