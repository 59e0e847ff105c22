/**
 * Errors on the pages answer as pages: not signed in → back to the sign-in page; wrong role, bad
 * query or unknown id → an HTML page with the status and the reason. Non-HTTP errors are ours:
 * logged with their stack, shown as a plain 500 without it.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { errorPage } from './layout.js';

@Catch()
export class WebExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Web');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    if (response.headersSent) {
      response.end();
      return;
    }
    if (!(exception instanceof HttpException)) {
      this.logger.error(`${request.method} ${request.path}: ${(exception as Error)?.stack ?? String(exception)}`);
      response.status(500).type('html').send(errorPage(500, 'The grader failed on its side; please try again later.', request.user ?? null).value);
      return;
    }
    const status = exception.getStatus();
    if (status === 401) {
      response.redirect(303, `/?next=${encodeURIComponent(request.originalUrl)}`);
      return;
    }
    const body = exception.getResponse();
    const message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
    response.status(status).type('html').send(errorPage(status, message, request.user ?? null).value);
  }
}
