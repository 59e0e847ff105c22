import type { CellImage, CellOutput } from '../document.js';
import { unwrapLines } from './unwrap.js';

/** A line of text with where it was printed (for blank-line and page-break decisions). */
export interface PlacedText {
  text: string;
  y: number;
  page: number;
}

/** An output being collected: text rows (kind by how they were printed) or one image. */
export interface OutputDraft {
  type: 'text' | 'result' | 'image';
  tint: string | null;
  lines: PlacedText[];
  image: CellImage | null;
}

/**
 * The Document output for a drafted one: image outputs as display_data, text joined back into the
 * lines the program printed (`capacity`: characters per printed row, null when unknown), typed by
 * how it was printed (after `Out[n]:` a result, in a tinted box stderr or a traceback).
 */
export function outputOf(draft: OutputDraft, capacity: number | null): CellOutput | null {
  if (draft.type === 'image') {
    return { type: 'display_data', stream: null, text: '', images: [draft.image!], errorName: null, errorValue: null };
  }
  if (draft.lines.length === 0) return null;
  const lines = capacity === null ? draft.lines.map((l) => l.text) : unwrapLines(draft.lines.map((l) => l.text), capacity);
  const text = `${lines.join('\n')}\n`;
  if (draft.type === 'result') return { type: 'execute_result', stream: null, text, images: [], errorName: null, errorValue: null };
  if (draft.tint === null) return { type: 'stream', stream: 'stdout', text, images: [], errorName: null, errorValue: null };
  const error = errorLine(lines);
  if (error) return { type: 'error', stream: null, text, images: [], errorName: error.name, errorValue: error.value };
  return { type: 'stream', stream: 'stderr', text, images: [], errorName: null, errorValue: null };
}

/** `ValueError: message` (the last such line of a traceback), or null when this is not a traceback. */
function errorLine(lines: string[]): { name: string; value: string } | null {
  // IPython's header names the exception whatever it is called (`InvalidArgument   Traceback (…)`).
  for (const line of lines) {
    const header = /^([A-Za-z_][\w.]*)\s+Traceback \(most recent call last\)/.exec(line.trim());
    if (!header) continue;
    const name = header[1];
    const last = [...lines].reverse().find((l) => l.trim().startsWith(`${name}:`));
    return { name, value: last ? last.trim().slice(name.length + 1).trim() : '' };
  }
  const traceback = lines.some((l) => /Traceback|^\s*File "|^-{10,}/.test(l));
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)):\s?(.*)$/.exec(lines[i].trim());
    if (match) return { name: match[1], value: match[2] };
    const bare = /^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit))$/.exec(lines[i].trim());
    if (bare && traceback) return { name: bare[1], value: '' };
  }
  return null;
}
