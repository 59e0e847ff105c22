import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cellOutputText, type SubmissionDocument } from '../../src/ingest/document.js';

/**
 * How much of a notebook a reading of its print recovered, line by line. A notebook line counts
 * when the print shows it in full (pdftotext, an independent reader, finds it: clipped or absent
 * lines are not the reader's loss) and has at least 8 characters (short lines like `)` or `df` say
 * nothing about where they were found). Whitespace is ignored in every comparison.
 * - code recall: shown code lines found in the reader's code cells;
 * - output recall: shown output lines (streams, plain-text results, tracebacks) found in outputs;
 * - wrong kind: shown lines (code, output, markdown) not found in their own kind but in another.
 */
export interface PrintRecall {
  codeLines: number;
  codeFound: number;
  outputLines: number;
  outputFound: number;
  shownLines: number;
  wrongKind: number;
  codeRecall: number;
  outputRecall: number;
  wrongKindRate: number;
  /** A few lines that were missed or misread, for the failure message. */
  examples: string[];
}

interface NotebookJson {
  cells: Array<{ cell_type: string; source: string | string[]; outputs?: Array<Record<string, unknown>> }>;
}

const MIN_CHARS = 8;

export function measureRecall(notebook: NotebookJson, document: SubmissionDocument, printedText: string): PrintRecall {
  const printed = squash(printedText);
  const code = squash(document.cells.filter((c) => c.kind === 'code').map((c) => c.source).join('\n'));
  const outputs = squash(document.cells.map(cellOutputText).join('\n'));
  const markdown = squash(document.cells.filter((c) => c.kind === 'markdown').map((c) => c.source).join('\n'));
  const byKind = { code, output: outputs, markdown };
  const notebookByKind = notebookTexts(notebook);
  const recall = { codeLines: 0, codeFound: 0, outputLines: 0, outputFound: 0, shownLines: 0, wrongKind: 0, examples: [] as string[] };
  const visit = (kind: Kind, line: string) => {
    const key = squash(line);
    if (key.length < MIN_CHARS || !printed.includes(key)) return;
    // A line that the notebook itself also has as another kind (an output echoing the code) cannot tell.
    if ((Object.keys(notebookByKind) as Kind[]).some((other) => other !== kind && notebookByKind[other].includes(key))) return;
    recall.shownLines++;
    const found = byKind[kind].includes(key);
    if (kind === 'code') {
      recall.codeLines++;
      if (found) recall.codeFound++;
    } else if (kind === 'output') {
      recall.outputLines++;
      if (found) recall.outputFound++;
    }
    if (!found) {
      const elsewhere = (Object.keys(byKind) as Array<keyof typeof byKind>).find((other) => other !== kind && byKind[other].includes(key));
      if (elsewhere) recall.wrongKind++;
      if (recall.examples.length < 12) recall.examples.push(`${kind}${elsewhere ? ` read as ${elsewhere}` : ' missing'}: ${line.trim().slice(0, 100)}`);
    }
  };
  for (const [kind, line] of notebookLines(notebook)) visit(kind, line);
  return {
    ...recall,
    codeRecall: ratio(recall.codeFound, recall.codeLines),
    outputRecall: ratio(recall.outputFound, recall.outputLines),
    wrongKindRate: recall.shownLines === 0 ? 0 : recall.wrongKind / recall.shownLines,
  };
}

type Kind = 'code' | 'output' | 'markdown';

function notebookLines(notebook: NotebookJson): Array<[Kind, string]> {
  const lines: Array<[Kind, string]> = [];
  for (const cell of notebook.cells) {
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    if (cell.cell_type === 'code') {
      for (const line of source.split('\n')) lines.push(['code', line]);
      for (const output of cell.outputs ?? []) for (const line of outputText(output).split('\n')) lines.push(['output', line]);
    } else if (cell.cell_type === 'markdown') {
      for (const line of source.split('\n')) lines.push(['markdown', stripMarkdown(line)]);
    }
  }
  return lines;
}

function notebookTexts(notebook: NotebookJson): Record<Kind, string> {
  const texts: Record<Kind, string[]> = { code: [], output: [], markdown: [] };
  for (const [kind, line] of notebookLines(notebook)) texts[kind].push(squash(line));
  return { code: texts.code.join(''), output: texts.output.join(''), markdown: texts.markdown.join('') };
}

/** The text of the PDF as pdftotext (poppler) reads it. */
export async function pdftotext(path: string): Promise<string> {
  const { stdout } = await promisify(execFile)('pdftotext', ['-q', path, '-'], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function outputText(output: Record<string, unknown>): string {
  const join = (value: unknown) => (Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '');
  if (output.output_type === 'stream') return join(output.text);
  if (output.output_type === 'error') return join(output.traceback).replace(/\u001b\[[0-9;]*m/g, '');
  const data = output.data as Record<string, unknown> | undefined;
  return data ? join(data['text/plain']) : '';
}

/** Markdown as printed: no heading marks, emphasis, code ticks or link targets. */
function stripMarkdown(line: string): string {
  return line
    .replace(/^\s*#+\s*/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]/g, '')
    .replace(/<[^>]+>/g, '');
}

function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

function ratio(found: number, total: number): number {
  return total === 0 ? 1 : found / total;
}
