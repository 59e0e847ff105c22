import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type AuthenticatedUser } from './auth.types.js';

const payloadSchema = z.object({
  email: z.string().email(),
  role: z.enum(ROLES),
  personId: z.string().nullable(),
  /** Expiry, seconds since the epoch. */
  exp: z.number().int(),
  /** This session's id: what logout revokes, and what its CSRF token is bound to. */
  sid: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});

/** A verified session: who, which session, until when. */
export interface VerifiedSession {
  user: AuthenticatedUser;
  sid: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export class InvalidSessionError extends Error {}

/**
 * Our own short session tokens (HMAC-SHA256), issued after a Google identity was verified, so that
 * Google is asked once per sign-in and not on every request. Format: base64url(payload).base64url(mac).
 */
export class SessionTokens {
  constructor(
    private readonly secret: string,
    private readonly lifetimeSeconds = 8 * 3600,
    private readonly now: () => number = () => Date.now(),
  ) {
    if (secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
  }

  issue(user: AuthenticatedUser): string {
    const payload = { ...user, exp: Math.floor(this.now() / 1000) + this.lifetimeSeconds, sid: randomBytes(16).toString('base64url') };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(token: string): AuthenticatedUser {
    return this.verifySession(token).user;
  }

  /** The signature and expiry only; whether the session was revoked or the role changed is SessionChecker's. */
  verifySession(token: string): VerifiedSession {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) throw new InvalidSessionError('malformed session token');
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new InvalidSessionError('session token signature does not match');
    }
    let parsed;
    try {
      parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw new InvalidSessionError('malformed session token');
    }
    if (!parsed.success) throw new InvalidSessionError('malformed session token');
    if (parsed.data.exp * 1000 <= this.now()) throw new InvalidSessionError('session expired');
    const { exp, sid, ...user } = parsed.data;
    return { user, sid, exp };
  }

  /**
   * The CSRF token of a session (signed double submit): an HMAC of its id under the server's secret,
   * so only a page of ours, which can read it from our answers, can send it back; a sibling origin
   * can neither read it nor compute it.
   */
  csrfToken(sid: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${sid}`).digest('base64url');
  }

  /** Whether `given` is the CSRF token of session `sid` (constant time). */
  checkCsrfToken(sid: string, given: string): boolean {
    const expected = Buffer.from(this.csrfToken(sid));
    const actual = Buffer.from(given);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
