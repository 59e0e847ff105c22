/**
 * Web sign-in for every role: a Google ID token (from Google Identity Services in the browser) is
 * verified, the role comes from the Person row (roster import or staff seeding), and our own session
 * token is issued, in the body and as the HttpOnly cookie `grader_session`.
 */
import { Body, Controller, ForbiddenException, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { CurrentUser, Public } from '../auth/decorators.js';
import { SessionTokens } from '../auth/session-tokens.js';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { ZodBody } from '../api/zod-body.pipe.js';
import { toHttpError } from './google-access.guard.js';
import { GoogleIdentityVerifier } from './google-verifier.js';
import { PeopleRepository } from './people.repository.js';

export const SESSION_COOKIE = 'grader_session';

const signInSchema = z.object({ idToken: z.string().min(1, 'idToken is required').max(8192) }).strict();

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    @Inject(GoogleIdentityVerifier) private readonly verifier: GoogleIdentityVerifier,
    @Inject(PeopleRepository) private readonly people: PeopleRepository,
    @Inject(SessionTokens) private readonly sessions: SessionTokens,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Public()
  @Post('google')
  @HttpCode(200)
  @ApiBody({ schema: { type: 'object', required: ['idToken'], properties: { idToken: { type: 'string' } } } })
  @ApiOkResponse({ description: '{ token, user: { email, role } }; also sets the grader_session cookie' })
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
    return { token, user: { email: user.email, role: user.role } };
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  logout(@Res({ passthrough: true }) response: Response): void {
    response.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser) {
    return { email: user.email, role: user.role };
  }
}
