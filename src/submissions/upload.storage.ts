/**
 * A multer storage engine that streams an upload to disk (never whole in memory), hashing it on
 * the way and deciding from its first bytes what it is: a notebook or a PDF, whatever its name or
 * declared type say. Junk is refused (415) as soon as its first KB has arrived. The file lands in
 * the file store's incoming folder; the submission service adopts it into the store by its sha256.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { pipeline, type Readable, Transform } from 'node:stream';
import { join } from 'node:path';
import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { StorageEngine } from 'multer';
import type { SubmissionKind } from '../ingest/document.js';
import { sniffKind } from '../ingest/submission.reader.js';
import type { UploadByteBudget } from './upload-quota.js';

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

/** A route's guard may put a byte budget on the request (what is left of a quota): writing stops past it. */
export interface BudgetedRequest {
  uploadByteBudget?: UploadByteBudget;
}

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

  _handleFile(request: unknown, file: Express.Multer.File, callback: Callback): void {
    // Shared by the request's files: what one wrote, the next may not.
    const budget = (request as BudgetedRequest | null)?.uploadByteBudget;
    const path = join(this.dir, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
    const stream = file.stream as Readable & { truncated?: boolean };
    // Listened to at once: a body cut off before its closing boundary destroys the part's stream
    // (busboy: "Unexpected end of form") possibly before the folder below exists; that must not be
    // missed, or the file would be opened after the end and never closed.
    let early: unknown = null;
    const onEarlyError = (error: unknown) => {
      early ??= error;
    };
    stream.on('error', onEarlyError);
    let settled = false;
    const settle = (error: unknown, info?: Partial<StreamedUpload<K>>) => {
      if (settled) return;
      settled = true;
      stream.off('error', onEarlyError);
      if (error) {
        // Let the multipart parser go on to the end of the request (a refused file is not read further).
        if (!stream.destroyed) stream.resume();
        callback(error);
      } else {
        callback(null, info);
      }
    };
    mkdir(this.dir, { recursive: true }).then(
      () => {
        if (early || stream.destroyed || stream.readableEnded) {
          settle(early ?? new BadRequestException('the upload was cut off before the file ended'));
          return;
        }
        const hash = createHash('sha256');
        const head: Buffer[] = [];
        let size = 0;
        let kind: K | null = null;
        const classify = this.classify;
        const decide = (): Error | null => {
          const decided = classify(Buffer.concat(head), file);
          if (typeof decided === 'object') return new UnsupportedMediaTypeException(decided.refuse);
          kind = decided;
          return null;
        };
        // Hashes and sniffs on the way; a refused file ends the pipeline (and so the write) at once.
        const inspect = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            if (budget) {
              budget.remaining -= chunk.length;
              if (budget.remaining < 0) return done(budget.exceeded());
            }
            hash.update(chunk);
            if (kind === null && size < SNIFF_BYTES) {
              head.push(chunk);
              if (size + chunk.length >= SNIFF_BYTES) {
                const refused = decide();
                if (refused) return done(refused);
              }
            }
            size += chunk.length;
            done(null, chunk);
          },
        });
        const out: WriteStream = createWriteStream(path, { flags: 'wx', mode: 0o600 });
        // Every way out closes the file: pipeline destroys all three streams on any error (the
        // request's end or abort included), and the copy is removed once its handle is closed.
        pipeline(stream, inspect, out, (error) => {
          const failed =
            error ??
            // Over the size limit: multer answers 413 itself; the cut-off copy must not be kept.
            (stream.truncated ? new BadRequestException('upload cut off at the size limit') : null) ??
            (size === 0 ? new BadRequestException(`${file.originalname || 'the file'}: the file is empty`) : null) ??
            (kind === null ? decide() : null);
          if (!failed) {
            settle(null, { path, size, sha256: hash.digest('hex'), kind: kind! });
            return;
          }
          const remove = () => void rm(path, { force: true }).finally(() => settle(early ?? failed));
          if (out.closed) remove();
          else out.once('close', remove);
        });
      },
      (error) => settle(error),
    );
  }

  _removeFile(_request: unknown, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    rm(file.path, { force: true }).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }
}
