/**
 * The stored file of a submission, turned into cells for the submission page: a notebook with its
 * figures (notebook-view.ts), a PDF as the text the reader found per cell (page numbers kept). A PDF
 * is never read here: the grade worker stored its reading when it graded it (stored-reading.ts), and
 * that is what is shown.
 */
import { readFile } from 'node:fs/promises';
import type { FileStore } from '../submissions/file-store.js';
import { parseStoredReading } from '../submissions/stored-reading.js';
import { readNotebookView } from './notebook-view.js';
import type { HandIn } from './pages/submission.page.js';

export async function loadHandIn(files: FileStore | null, submission: { sha256: string; kind: string; filename: string }): Promise<HandIn> {
  if (!files) return { unavailable: 'This process has no file store configured; the hand-in cannot be shown.' };
  if (submission.kind === 'pdf') {
    const stored = parseStoredReading((await files.readReading(submission.sha256)) ?? '');
    if (!stored) {
      return {
        // Never read here instead: a PDF's reading costs what the PDF makes it cost (a bomb: 30 s, GBs).
        unavailable:
          `Reading not stored yet: the reading of ${submission.filename} is kept when a worker grades it, and none is kept for this one ` +
          '(not graded yet, not readable, or graded before readings were kept: a worker stores those when it starts).',
      };
    }
    return { cells: stored.cells, reading: stored.reading };
  }
  const path = files.pathFor(submission.sha256);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return { unavailable: `The stored file ${submission.filename} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).` };
  }
  try {
    return { cells: readNotebookView(bytes, submission.filename) };
  } catch (error) {
    return { unavailable: `${submission.filename} cannot be shown: ${(error as Error).message}` };
  }
}
