/**
 * A session token says who signed in, with which role, until when; the database says whether that is
 * still so. Every request's session is checked against the database (the person's current role, the
 * person still there, the session not signed out), with a short per-session cache, so a demotion, a
 * removed person or a logout on another api process takes effect within `recheckMs` (at most a
 * minute by configuration), and at once on this one for a logout.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { AuthenticatedUser } from './auth.types.js';
import { InvalidSessionError, SessionTokens, type VerifiedSession } from './session-tokens.js';

interface Checked {
  /** What the database said: the user as they are now, or why the session no longer counts. */
  outcome: AuthenticatedUser | { refused: string };
  until: number;
}

/** Sessions checked at once: beyond this, the oldest answers are forgotten (and asked again). */
const CACHE_LIMIT = 10_000;

export class SessionChecker {
  private readonly cache = new Map<string, Checked>();

  constructor(
    private readonly prisma: PrismaClient,
    readonly tokens: SessionTokens,
    private readonly recheckMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The token's session as it stands now; InvalidSessionError when it does not count (401). */
  async authenticate(token: string): Promise<VerifiedSession> {
    const session = this.tokens.verifySession(token);
    const now = this.now();
    let checked = this.cache.get(session.sid);
    if (!checked || checked.until <= now) {
      checked = { outcome: await this.lookUp(session), until: now + this.recheckMs };
      if (this.cache.size >= CACHE_LIMIT) this.forgetExpired(now);
      if (this.recheckMs > 0) this.cache.set(session.sid, checked);
    }
    if ('refused' in checked.outcome) throw new InvalidSessionError(checked.outcome.refused);
    return { ...session, user: checked.outcome };
  }

  /** Ends the session (logout): refused from now on, here at once and on other processes within recheckMs. */
  async revoke(session: VerifiedSession): Promise<void> {
    const now = this.now();
    await this.prisma.revokedSession.createMany({
      data: [{ sid: session.sid, expiresAt: new Date(session.exp * 1000) }],
      skipDuplicates: true,
    });
    this.cache.set(session.sid, { outcome: { refused: 'signed out: sign in again' }, until: session.exp * 1000 });
    // Revocations of tokens that have expired anyway are no longer needed.
    await this.prisma.revokedSession.deleteMany({ where: { expiresAt: { lt: new Date(now) } } });
  }

  private async lookUp(session: VerifiedSession): Promise<AuthenticatedUser | { refused: string }> {
    const { user } = session;
    const select = { id: true, email: true, role: true } as const;
    const [revoked, person] = await Promise.all([
      this.prisma.revokedSession.findUnique({ where: { sid: session.sid }, select: { sid: true } }),
      user.personId
        ? this.prisma.person.findUnique({ where: { id: user.personId }, select })
        : this.prisma.person.findUnique({ where: { email: user.email }, select }),
    ]);
    if (revoked) return { refused: 'signed out: sign in again' };
    if (person) return { email: person.email, role: person.role, personId: person.id };
    // Sign-in and the Colab door always name the person; one named and gone was removed.
    if (user.personId) return { refused: 'this account no longer exists: sign in again' };
    // A token minted for no person (tools, tests) has only its own word.
    return user;
  }

  private forgetExpired(now: number): void {
    for (const [sid, checked] of this.cache) if (checked.until <= now) this.cache.delete(sid);
    // Still full: forget the oldest half (a Map iterates in insertion order).
    if (this.cache.size >= CACHE_LIMIT) {
      let drop = Math.floor(CACHE_LIMIT / 2);
      for (const sid of this.cache.keys()) {
        if (drop-- <= 0) break;
        this.cache.delete(sid);
      }
    }
  }
}
