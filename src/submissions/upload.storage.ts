/**
 * A multer storage engine that streams an upload to disk (never whole in memory), hashing it on
 * the way and deciding from its first bytes what it is: a notebook or a PDF, whatever its name or
 * declared type say. Junk is refused (415) as soon as its first KB has arrived. The file lands in
 * the file store's incoming folder; the submission service adopts it into the store by its sha256.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { StorageEngine } from 'multer';
import type { SubmissionKind } from '../ingest/document.js';
import { sniffKind } from '../ingest/submission.reader.js';

const SNIFF_BYTES = 1024;

/** What `req.file` holds after this engine (multer adds fieldname, originalname, mimetype...). */
export interface StreamedUpload<K extends string = SubmissionKind> {
  originalname: string;
  path: string;
  size: number;
  sha256: string;
  kind: K;
}

type Callback = (error?: unknown, info?: Partial<StreamedUpload<string>>) => void;

/** Decides from a file's first bytes what it is, or why it is refused (415). */
export type UploadClassifier<K extends string> = (head: Buffer, file: { fieldname: string; originalname: string }) => K | { refuse: string };

/** Hand-ins: a notebook or a PDF by content, whatever the name says. */
export const classifyHandIn: UploadClassifier<SubmissionKind> = (head, file) => {
  const sniffed = sniffKind(head, file.originalname);
  return sniffed !== 'unknown'
    ? sniffed
    : {
        refuse:
          `${file.originalname || 'the file'}: neither a Jupyter notebook (.ipynb) nor a PDF ` +
          '(the content is checked; the file name and declared type are not trusted)',
      };
};

export class HashingUploadStorage<K extends string = SubmissionKind> implements StorageEngine {
  constructor(
    private readonly dir: string,
    private readonly classify: UploadClassifier<K> = classifyHandIn as unknown as UploadClassifier<K>,
  ) {}

  _handleFile(_request: unknown, file: Express.Multer.File, callback: Callback): void {
    const path = join(this.dir, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
    const stream = file.stream as NodeJS.ReadableStream & { truncated?: boolean };
    let finished = false;
    let out: WriteStream | null = null;
    const finish = (error: unknown, info?: Partial<StreamedUpload<K>>) => {
      if (finished) return;
      finished = true;
      if (error) {
        stream.unpipe();
        out?.destroy();
        stream.resume(); // let the multipart parser go on to the end of the request
        void rm(path, { force: true }).finally(() => callback(error));
      } else {
        callback(null, info);
      }
    };
    mkdir(this.dir, { recursive: true }).then(
      () => {
        const hash = createHash('sha256');
        const head: Buffer[] = [];
        let size = 0;
        let kind: K | null = null;
        const decide = (): boolean => {
          const decided = this.classify(Buffer.concat(head), file);
          if (typeof decided === 'object') {
            finish(new UnsupportedMediaTypeException(decided.refuse));
            return false;
          }
          kind = decided;
          return true;
        };
        out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
        stream.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          if (kind === null && size < SNIFF_BYTES) {
            head.push(chunk);
            if (size + chunk.length >= SNIFF_BYTES) decide();
          }
          size += chunk.length;
        });
        stream.on('error', (error) => finish(error));
        out.on('error', (error) => finish(error));
        out.on('finish', () => {
          // Over the size limit: multer answers 413 itself; the cut-off copy must not be kept.
          if (stream.truncated) return finish(new BadRequestException('upload cut off at the size limit'));
          if (size === 0) return finish(new BadRequestException(`${file.originalname || 'the file'}: the file is empty`));
          if (kind === null && !decide()) return;
          finish(null, { path, size, sha256: hash.digest('hex'), kind: kind! });
        });
        stream.pipe(out);
      },
      (error) => finish(error),
    );
  }

  _removeFile(_request: unknown, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    rm(file.path, { force: true }).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }
}
