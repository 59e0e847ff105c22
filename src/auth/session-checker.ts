/**
 * A session token says who signed in, with which role, until when; the database says whether that is
 * still so. Every request's session is checked against the database (the person's current role, the
 * person still there, the session not signed out), with a short per-session cache, so a demotion, a
 * removed person or a logout on another api process takes effect within `recheckMs` (at most a
 * minute by configuration), and at once on this one for a logout.
 */
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { AuthenticatedUser, Role } from './auth.types.js';
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
    // One statement per check: whether the session was ended, and the person as they are now.
    const [row] = await this.prisma.$queryRaw<{ revoked: boolean; id: string | null; email: string | null; role: Role | null }[]>`
      SELECT EXISTS (SELECT 1 FROM "RevokedSession" WHERE sid = ${session.sid}) AS revoked, p.id::text AS id, p.email, p.role::text AS role
      FROM (SELECT 1) AS one
      LEFT JOIN "Person" p ON ${user.personId ? Prisma.sql`p.id = ${user.personId}::uuid` : Prisma.sql`p.email = ${user.email}`}`;
    const revoked = row?.revoked ?? false;
    const person = row?.id && row.email && row.role ? { id: row.id, email: row.email, role: row.role } : null;
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
