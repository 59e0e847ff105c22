import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnreadableSubmissionError } from './document.js';
import { loadSubmissionFile, sniffKind } from './submission.reader.js';

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

  it('rejects a wrong extension, a mislabelled file, an empty file and a missing one', async () => {
    expect(await reason('smith_1_2_Class_06_2.smith.docx', 'PK')).toBe("unsupported file type '.docx' (expected .ipynb or .pdf)");
    expect(await reason('README', 'hello')).toBe("unsupported file type '(none)' (expected .ipynb or .pdf)");
    expect(await reason('x.ipynb', '%PDF-1.4 ...')).toBe('content is a PDF but the name says .ipynb');
    expect(await reason('y.pdf', '{"cells": []}')).toBe('content is a notebook but the name says .pdf');
    expect(await reason('z.pdf', 'PK\u0003\u0004 zip')).toBe('content is neither a notebook nor a PDF (despite the .pdf extension)');
    expect(await reason('empty.ipynb', '')).toBe('empty file');
    expect(await reason('gone.ipynb', null)).toBe('cannot read file (ENOENT)');
  });

  it('refuses a 2 GB file from its size alone', async () => {
    // A sparse file: 2 GB long, no disk used; refused by its size before any byte is read.
    expect(await reason('huge.ipynb', '{', 2 * 1024 ** 3)).toBe('file too large: 2.0 GB (limit 100.0 MB)');
  });
});
