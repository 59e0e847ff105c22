/**
 * Every error leaves as `{ statusCode, error, message }` with a message meant for the person who
 * sent the request; never a stack trace. Errors that are not HTTP errors are ours: logged here with
 * their stack (no request headers, so no token), answered as a plain 500.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { formatBytes } from '../ingest/submission.reader.js';

/** Errors thrown by Express's body parsers carry their status and a `type`. */
interface BodyParserError {
  status: number;
  type: string;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as Partial<BodyParserError> | null;
  return typeof candidate?.status === 'number' && typeof candidate.type === 'string' && candidate.status >= 400 && candidate.status < 500;
}

export interface UploadLimits {
  /** Route prefix → largest accepted file, for the 413 message. */
  [routePrefix: string]: number;
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly uploadLimits: UploadLimits) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    const { status, message } = this.describe(exception, request);
    if (status >= 500 && !(exception instanceof HttpException)) {
      this.logger.error(`${request.method} ${request.path}: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json({ statusCode: status, error: reasonPhrase(status), message });
  }

  private describe(exception: unknown, request: Request): { status: number; message: string } {
    // Express's body parsers fail with http-errors; Nest wraps them in an HttpException (cause kept).
    const cause = exception instanceof HttpException ? exception.cause : exception;
    if (isBodyParserError(cause) && cause.type === 'entity.parse.failed') {
      return { status: 400, message: 'malformed JSON in the request body' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // A 413 of a parser (multer, body-parser: the cause kept) is worded here; one of ours keeps its words
      // (an upload larger than the whole daily quota, upload-quota.ts).
      if (status === HttpStatus.PAYLOAD_TOO_LARGE && exception.cause !== undefined) {
        const limit = Object.entries(this.uploadLimits).find(([prefix]) => request.path.startsWith(prefix))?.[1];
        const multer = (cause as { code?: unknown } | undefined)?.code === 'LIMIT_FILE_SIZE';
        return { status, message: multer && limit ? `file too large: the limit is ${formatBytes(limit)}` : 'request body too large' };
      }
      return { status, message: messageOf(exception.getResponse()) };
    }
    if (isBodyParserError(exception)) return { status: exception.status, message: exception.message };
    return { status: 500, message: 'internal error: the grader failed on its side; please try again later' };
  }
}

function messageOf(body: string | object): string {
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : 'request failed';
}

function reasonPhrase(status: number): string {
  const name = HttpStatus[status];
  return name ? name.toLowerCase().replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()) : 'Error';
}
