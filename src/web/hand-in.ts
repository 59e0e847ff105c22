/**
 * The stored file of a submission, turned into cells for the submission page: a notebook with its
 * figures (notebook-view.ts), a PDF as the text the reader found per cell (page numbers kept).
 */
import { readFile } from 'node:fs/promises';
import { parseSubmission, type ReadLimits } from '../ingest/submission.reader.js';
import type { FileStore } from '../submissions/file-store.js';
import { readNotebookView, type ViewCell } from './notebook-view.js';
import type { HandIn } from './pages/submission.page.js';

export async function loadHandIn(
  files: FileStore | null,
  submission: { sha256: string; kind: string; filename: string },
  limits: ReadLimits,
): Promise<HandIn> {
  if (!files) return { unavailable: 'This process has no file store configured; the hand-in cannot be shown.' };
  const path = files.pathFor(submission.sha256);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return { unavailable: `The stored file ${submission.filename} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).` };
  }
  try {
    if (submission.kind === 'ipynb') return { cells: readNotebookView(bytes, submission.filename) };
    const document = await parseSubmission({ path, filename: submission.filename, kind: 'pdf', bytes }, limits);
    return {
      cells: document.cells.map(
        (cell): ViewCell => ({
          index: cell.index,
          kind: cell.kind,
          page: cell.page,
          source: cell.source,
          executionCount: cell.executionCount,
          outputs: cell.outputs.map((o) => ({ kind: 'text' as const, stream: o.stream, text: o.text })),
        }),
      ),
      reading: { layout: document.reading.layout, confidence: document.reading.confidence, warnings: document.warnings },
    };
  } catch (error) {
    return { unavailable: `${submission.filename} cannot be shown: ${(error as Error).message}` };
  }
}
