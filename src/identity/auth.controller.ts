/**
 * Web sign-in for every role: a Google ID token (from Google Identity Services in the browser) is
 * verified, the role comes from the Person row (roster import or staff seeding), and our own session
 * token is issued, in the body and as the HttpOnly cookie `grader_session`, with the session's CSRF
 * token (see src/auth/csrf.ts). Logout ends the session for good (SessionChecker.revoke).
 */
import { Body, Controller, ForbiddenException, Get, Header, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { requireCsrfToken } from '../auth/auth.guard.js';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { SESSION_COOKIE, sessionTokenOf } from '../auth/csrf.js';
import { CurrentUser, Public } from '../auth/decorators.js';
import { SessionChecker } from '../auth/session-checker.js';
import { InvalidSessionError, SessionTokens, type VerifiedSession } from '../auth/session-tokens.js';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { ZodBody } from '../http/zod.pipe.js';
import { toHttpError } from './google-access.guard.js';
import { GoogleIdentityVerifier } from './google-verifier.js';
import { PeopleRepository } from './people.repository.js';

export { SESSION_COOKIE };

const signInSchema = z.object({ idToken: z.string().min(1, 'idToken is required').max(8192) }).strict();

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    @Inject(GoogleIdentityVerifier) private readonly verifier: GoogleIdentityVerifier,
    @Inject(PeopleRepository) private readonly people: PeopleRepository,
    @Inject(SessionTokens) private readonly sessions: SessionTokens,
    @Inject(SessionChecker) private readonly checker: SessionChecker,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Public()
  @Post('google')
  @HttpCode(200)
  @ApiBody({ schema: { type: 'object', required: ['idToken'], properties: { idToken: { type: 'string' } } } })
  @ApiOkResponse({ description: '{ token, csrfToken, user: { email, role } }; also sets the grader_session cookie' })
  async signIn(@Body(new ZodBody(signInSchema)) body: z.infer<typeof signInSchema>, @Res({ passthrough: true }) response: Response) {
    let identity;
    try {
      identity = await this.verifier.verifyIdToken(body.idToken);
    } catch (error) {
      throw toHttpError(error);
    }
    const person = await this.people.findByEmail(identity.email);
    if (!person) {
      throw new ForbiddenException(`${identity.email} is not on this course's roster; ask your instructor to add you`);
    }
    const user: AuthenticatedUser = { email: person.email, role: person.role, personId: person.id };
    const token = this.sessions.issue(user);
    response.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.publicBaseUrl.startsWith('https://'),
      path: '/',
      maxAge: this.config.sessionLifetimeSeconds * 1000,
    });
    const csrfToken = this.sessions.csrfToken(this.sessions.verifySession(token).sid);
    return { token, csrfToken, user: { email: user.email, role: user.role } };
  }

  /**
   * Ends the session presented (bearer token or cookie): refused from now on, by every api process
   * within SESSION_RECHECK_SECONDS. A cookie session must send its CSRF token, as every state change.
   */
  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the session is ended and the cookie cleared' })
  async logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const presented = sessionTokenOf(request);
    let session: VerifiedSession | null = null;
    if (presented) {
      try {
        session = await this.checker.authenticate(presented.token);
      } catch (error) {
        // Expired, forged or ended already: nothing to end, the cookie still goes.
        if (!(error instanceof InvalidSessionError)) throw error;
      }
    }
    if (session) {
      if (presented?.via === 'cookie') requireCsrfToken(request, session, this.checker);
      await this.checker.revoke(session);
    }
    response.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  /** The session's CSRF token, for the pages' script (a page of another origin cannot read the answer). */
  @Get('csrf')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: '{ csrfToken }: send it as X-CSRF-Token with state-changing requests made with the session cookie' })
  csrf(@Req() request: Request & { session?: VerifiedSession }) {
    return { csrfToken: this.sessions.csrfToken(request.session!.sid) };
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser) {
    return { email: user.email, role: user.role };
  }
}
