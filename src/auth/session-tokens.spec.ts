import { InvalidSessionError, SessionTokens } from './session-tokens.js';

const SECRET = 'x'.repeat(32);
const user = { email: 'jane.student@gmail.com', role: 'student' as const, personId: null };

describe('session tokens', () => {
  it('round-trips the user', () => {
    const tokens = new SessionTokens(SECRET);
    expect(tokens.verify(tokens.issue(user))).toEqual(user);
  });

  it('rejects a forged, tampered, expired or malformed token', () => {
    let now = 1_000_000_000_000;
    const tokens = new SessionTokens(SECRET, 60, () => now);
    const token = tokens.issue(user);
    const forged = new SessionTokens('y'.repeat(32)).issue({ ...user, role: 'instructor' });
    const [body, mac] = token.split('.');
    const promoted = Buffer.from(JSON.stringify({ ...user, role: 'instructor', exp: 9e9 })).toString('base64url');
    expect(() => tokens.verify(forged)).toThrow('signature does not match');
    expect(() => tokens.verify(`${promoted}.${mac}`)).toThrow('signature does not match');
    expect(() => tokens.verify(body)).toThrow('malformed');
    expect(() => tokens.verify('a.b.c')).toThrow(InvalidSessionError);
    now += 61_000;
    expect(() => tokens.verify(token)).toThrow('session expired');
  });

  it('refuses a short secret', () => {
    expect(() => new SessionTokens('short')).toThrow('at least 32 characters');
  });
});
