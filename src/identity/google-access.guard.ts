/**
 * For the Colab submit cell: the caller proves who they are with their Google OAuth access token
 * (`Authorization: Bearer <token>`), verified with Google's tokeninfo on each upload. The route must
 * also be @Public() (our session guard does not know Google tokens). The person is created when
 * unknown (their attempt is kept and graded; the grade is marked not_on_roster), and acts as a
 * student whatever their role: a token from a notebook never grants staff rights.
 */
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { GoogleIdentityVerifier, GoogleUnavailable, IdentityRejected, type VerifiedGoogleIdentity } from './google-verifier.js';
import { PeopleRepository } from './people.repository.js';

export interface GoogleAuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
  googleIdentity?: VerifiedGoogleIdentity;
}

@Injectable()
export class GoogleAccessTokenGuard implements CanActivate {
  constructor(
    @Inject(GoogleIdentityVerifier) private readonly verifier: GoogleIdentityVerifier,
    @Inject(PeopleRepository) private readonly people: PeopleRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GoogleAuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = (Array.isArray(header) ? header[0] : header)?.match(/^Bearer\s+(\S+)$/i);
    if (!match) throw new UnauthorizedException('send your Google access token as "Authorization: Bearer <token>"');
    let identity: VerifiedGoogleIdentity;
    try {
      identity = await this.verifier.verifyAccessToken(match[1]);
    } catch (error) {
      throw toHttpError(error);
    }
    const person = await this.people.ensurePerson(identity.email);
    request.googleIdentity = identity;
    request.user = { email: person.email, role: 'student', personId: person.id };
    return true;
  }
}

/** Verification outcomes as HTTP errors: the reasons are ours (no token in them). */
export function toHttpError(error: unknown): Error {
  if (error instanceof IdentityRejected) return new UnauthorizedException(error.message);
  if (error instanceof GoogleUnavailable) return new ServiceUnavailableException(error.message);
  return error as Error;
}
