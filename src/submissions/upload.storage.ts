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
export interface StreamedUpload {
  originalname: string;
  path: string;
  size: number;
  sha256: string;
  kind: SubmissionKind;
}

type Callback = (error?: unknown, info?: Partial<StreamedUpload>) => void;

export class HashingUploadStorage implements StorageEngine {
  constructor(private readonly dir: string) {}

  _handleFile(_request: unknown, file: Express.Multer.File, callback: Callback): void {
    const path = join(this.dir, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
    const stream = file.stream as NodeJS.ReadableStream & { truncated?: boolean };
    let finished = false;
    let out: WriteStream | null = null;
    const finish = (error: unknown, info?: Partial<StreamedUpload>) => {
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
        let kind: SubmissionKind | null = null;
        const decide = (): boolean => {
          const sniffed = sniffKind(Buffer.concat(head));
          if (sniffed === 'unknown') {
            finish(
              new UnsupportedMediaTypeException(
                `${file.originalname || 'the file'}: neither a Jupyter notebook (.ipynb) nor a PDF ` +
                  '(the content is checked; the file name and declared type are not trusted)',
              ),
            );
            return false;
          }
          kind = sniffed;
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
