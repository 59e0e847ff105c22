import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedUser, Role } from './auth.types.js';
import { CSRF_HEADER, crossSiteReason, header, type HeaderCarrier, isStateChanging, sessionTokenOf } from './csrf.js';
import { PUBLIC_KEY, ROLES_KEY } from './decorators.js';
import { SessionChecker } from './session-checker.js';
import { InvalidSessionError, type VerifiedSession } from './session-tokens.js';

/** The site's own origin (PUBLIC_BASE_URL's), against which state-changing requests are checked. */
export const SITE_ORIGIN = Symbol('SITE_ORIGIN');

interface RequestLike extends HeaderCarrier {
  user?: AuthenticatedUser;
  session?: VerifiedSession;
}

/**
 * Every route is closed unless marked @Public(): a session token (Authorization: Bearer, or the
 * `grader_session` cookie set by web sign-in) is required, checked against the database (role now,
 * not signed out: SessionChecker), and @Roles() narrows who may call. State-changing requests are
 * held to the CSRF rules of csrf.ts, public ones (sign-in, logout) included.
 * 401 means "who are you?", 403 "not you" (or "not from there").
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SessionChecker) private readonly sessions: SessionChecker,
    @Inject(SITE_ORIGIN) private readonly siteOrigin: string,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<RequestLike>();
    const presented = sessionTokenOf(request);
    const unsafe = isStateChanging(request);
    if (unsafe && presented?.via !== 'bearer') {
      const reason = crossSiteReason(request, this.siteOrigin);
      if (reason) throw new ForbiddenException(`cross-site request refused: ${reason}`);
    }
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    if (!presented) throw new UnauthorizedException('sign in first (no session token)');
    try {
      request.session = await this.sessions.authenticate(presented.token);
    } catch (error) {
      if (error instanceof InvalidSessionError) throw new UnauthorizedException(error.message);
      throw error;
    }
    request.user = request.session.user;
    if (unsafe && presented.via === 'cookie') requireCsrfToken(request, request.session, this.sessions);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(request.user.role)) {
      throw new ForbiddenException(`this needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}

/** A cookie-authenticated state change must carry the session's CSRF token in X-CSRF-Token (403 otherwise). */
export function requireCsrfToken(request: HeaderCarrier, session: VerifiedSession, sessions: SessionChecker): void {
  const given = header(request, CSRF_HEADER);
  if (!given || !sessions.tokens.checkCsrfToken(session.sid, given)) {
    throw new ForbiddenException(
      `missing or wrong CSRF token: a request signed in by the session cookie must send the session's token in ${CSRF_HEADER} (GET /api/auth/csrf)`,
    );
  }
}
