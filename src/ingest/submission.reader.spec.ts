import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnreadableSubmissionError } from './document.js';
import { classifyHandIn } from '../submissions/upload.storage.js';
import { detectKind, loadSubmissionFile, sniffKind } from './submission.reader.js';

const LIMITS = { maxBytes: 100 * 1024 * 1024, pdfTimeoutMs: 30_000, maxPdfPages: 300 };

describe('loading a hand-in from disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grader-load-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function reason(name: string, content: string | Buffer | null, size?: number): Promise<string> {
    const path = join(dir, name);
    if (content !== null) await writeFile(path, content);
    if (size !== undefined) await truncate(path, size);
    try {
      await loadSubmissionFile(path, LIMITS);
    } catch (error) {
      expect(error).toBeInstanceOf(UnreadableSubmissionError);
      expect((error as UnreadableSubmissionError).file).toBe(name);
      return (error as UnreadableSubmissionError).reason;
    }
    throw new Error(`${name} was accepted`);
  }

  it('sniffs content rather than trusting the name', () => {
    expect(sniffKind(Buffer.from('%PDF-1.4\n...'))).toBe('pdf');
    expect(sniffKind(Buffer.from('\uFEFF  {"cells": []}'))).toBe('ipynb');
    expect(sniffKind(Buffer.from('PK\u0003\u0004'))).toBe('unknown');
  });

  it('accepts a notebook and a PDF by content and extension', async () => {
    await writeFile(join(dir, 'a.ipynb'), '{"nbformat": 4, "cells": []}');
    await writeFile(join(dir, 'b.PDF'), '%PDF-1.7\n%%EOF\n');
    expect((await loadSubmissionFile(join(dir, 'a.ipynb'), LIMITS)).kind).toBe('ipynb');
    expect((await loadSubmissionFile(join(dir, 'b.PDF'), LIMITS)).kind).toBe('pdf');
  });

  it('recognises a hand-in by its content whatever its extension (browsers add .json, students rename)', async () => {
    const notebook = '{\n "cells": [],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n';
    const cases: [string, string, 'ipynb' | 'pdf'][] = [
      ['Class_06_2.ipynb.json', notebook, 'ipynb'],
      ['Class_06_2.txt', notebook, 'ipynb'],
      ['Class_06_2', notebook, 'ipynb'],
      ['print.ipynb', '%PDF-1.7\n%%EOF\n', 'pdf'],
      ['print', '%PDF-1.7\n%%EOF\n', 'pdf'],
      ['y.pdf', '{"cells": []}', 'ipynb'],
      // A PDF header may follow a few bytes of junk (mail gateways, some printers): still a PDF.
      ['scan.bin', '\r\n\u0000\u0000%PDF-1.4\n%%EOF\n', 'pdf'],
    ];
    for (const [name, content, kind] of cases) {
      await writeFile(join(dir, name), content);
      const loaded = await loadSubmissionFile(join(dir, name), LIMITS);
      expect([name, loaded.kind, loaded.filename]).toEqual([name, kind, name]);
    }
  });

  it('lets the name break a tie the content leaves open', () => {
    // JSON whose first KB shows no notebook key and mentions %PDF-: the name decides.
    const ambiguous = Buffer.from(`{"metadata": {"note": "see %PDF-1.4 attached"}${' '.repeat(1100)}, "cells": []}`);
    expect(detectKind(ambiguous, 'hand-in.pdf')).toBe('pdf');
    expect(detectKind(ambiguous, 'hand-in.ipynb')).toBe('ipynb');
    expect(detectKind(ambiguous, 'hand-in')).toBe('ipynb');
    expect(detectKind(Buffer.from('{"cells": [], "x": "%PDF-"}'), 'a.pdf')).toBe('ipynb');
    // The upload path sniffs the same way, with the uploaded file's name for ties.
    expect(classifyHandIn(ambiguous, { fieldname: 'file', originalname: 'hand-in.pdf' })).toBe('pdf');
    expect(classifyHandIn(Buffer.from('{\n "cells": []}'), { fieldname: 'file', originalname: 'Class_06_2.ipynb.json' })).toBe('ipynb');
  });

  it('rejects content that is neither, an empty file and a missing one', async () => {
    expect(await reason('smith_1_2_Class_06_2.smith.docx', 'PK')).toBe("unsupported file type '.docx' (expected .ipynb or .pdf)");
    expect(await reason('README', 'hello')).toBe("unsupported file type '(none)' (expected .ipynb or .pdf)");
    expect(await reason('z.pdf', 'PK\u0003\u0004 zip')).toBe('content is neither a notebook nor a PDF (despite the .pdf extension)');
    expect(await reason('empty.ipynb', '')).toBe('empty file');
    expect(await reason('gone.ipynb', null)).toBe('cannot read file (ENOENT)');
  });

  it('refuses a 2 GB file from its size alone', async () => {
    // A sparse file: 2 GB long, no disk used; refused by its size before any byte is read.
    expect(await reason('huge.ipynb', '{', 2 * 1024 ** 3)).toBe('file too large: 2.0 GB (limit 100.0 MB)');
  });
});
