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
import { PUBLIC_KEY, ROLES_KEY } from './decorators.js';
import { InvalidSessionError, SessionTokens } from './session-tokens.js';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
}

/**
 * Every route is closed unless marked @Public(): a session token (Authorization: Bearer, or the
 * `grader_session` cookie set by web sign-in) is required, and @Roles() narrows who may call.
 * 401 means "who are you?", 403 "not you".
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SessionTokens) private readonly tokens: SessionTokens,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<RequestLike>();
    const token = bearer(request) ?? cookie(request, 'grader_session');
    if (!token) throw new UnauthorizedException('sign in first (no session token)');
    try {
      request.user = this.tokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidSessionError) throw new UnauthorizedException(error.message);
      throw error;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(request.user.role)) {
      throw new ForbiddenException(`this needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}

function bearer(request: RequestLike): string | null {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1] : null;
}

function cookie(request: RequestLike, name: string): string | null {
  const header = request.headers.cookie;
  const value = Array.isArray(header) ? header.join(';') : header;
  for (const part of value?.split(';') ?? []) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}
