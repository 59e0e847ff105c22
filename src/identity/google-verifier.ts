/**
 * Google identities, verified by google-auth-library against Google's own endpoints (configurable,
 * so the tests run the real library against a fake Google on 127.0.0.1):
 * - the OAuth ACCESS token the Colab submit cell sends: asked of the tokeninfo endpoint;
 * - the ID token of web sign-in: signature checked with Google's published certificates, audience
 *   always given.
 * The library's error messages quote the whole token; they are replaced here by a short reason, so
 * no token ever reaches a log or a response.
 */
import { OAuth2Client } from 'google-auth-library';
import { z } from 'zod';

/** The token is not acceptable (401): the reason is safe to show and to log. */
export class IdentityRejected extends Error {
  override readonly name = 'IdentityRejected';
}

/** Google could not be asked, or this kind of sign-in is not configured (503, not the caller's fault). */
export class GoogleUnavailable extends Error {
  override readonly name = 'GoogleUnavailable';
}

export interface VerifiedGoogleIdentity {
  /** Lower-cased; Google says it is verified. */
  email: string;
  name: string | null;
}

export interface GoogleVerifierOptions {
  tokenInfoUrl: string;
  certsUrl: string;
  /** Web sign-in: OAuth client ids whose ID tokens are accepted. */
  clientIds: string[];
  /** Colab: azp/aud values of access tokens accepted. */
  allowedAudiences: string[];
  /** Per request to Google (default 10 s). */
  timeoutMs?: number;
}

/** What tokeninfo answers for an access token (the fields we rely on). Google sends booleans as strings. */
const tokenInfoSchema = z.looseObject({
  aud: z.string().optional(),
  azp: z.string().optional(),
  email: z.string().optional(),
  email_verified: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  expiry_date: z.number().optional(),
});

const ACCESS_TOKEN_SHAPE = /^[A-Za-z0-9._~+/-]+=*$/;

export class GoogleIdentityVerifier {
  private readonly client: OAuth2Client;

  constructor(private readonly options: GoogleVerifierOptions) {
    this.client = new OAuth2Client({
      endpoints: { tokenInfoUrl: options.tokenInfoUrl, oauth2FederatedSignonPemCertsUrl: options.certsUrl },
      transporterOptions: { timeout: options.timeoutMs ?? 10_000 },
    });
  }

  /** The Colab submit cell's access token → the verified email of the student who ran it. */
  async verifyAccessToken(accessToken: string): Promise<VerifiedGoogleIdentity> {
    if (this.options.allowedAudiences.length === 0) {
      throw new GoogleUnavailable('submitting from Colab is not configured on this server (GOOGLE_ALLOWED_AUDIENCES)');
    }
    if (accessToken.length > 4096 || !ACCESS_TOKEN_SHAPE.test(accessToken)) {
      throw new IdentityRejected('malformed Google access token');
    }
    let raw: unknown;
    try {
      raw = await this.client.getTokenInfo(accessToken);
    } catch (error) {
      throw classifyTokenInfoError(error);
    }
    const parsed = tokenInfoSchema.safeParse(raw);
    if (!parsed.success) throw new GoogleUnavailable('Google tokeninfo answered in an unexpected shape');
    const info = parsed.data;
    const audience = info.azp ?? info.aud;
    if (!audience || !this.options.allowedAudiences.includes(audience)) {
      throw new IdentityRejected('the Google access token was issued to an application this grader does not accept');
    }
    if (info.expiry_date !== undefined && info.expiry_date <= Date.now()) {
      throw new IdentityRejected('the Google access token has expired');
    }
    if (!info.email) {
      throw new IdentityRejected('the Google access token carries no email (the userinfo.email scope is missing)');
    }
    if (info.email_verified !== true && info.email_verified !== 'true') {
      throw new IdentityRejected('Google has not verified the email of this account');
    }
    return { email: info.email.toLowerCase(), name: null };
  }

  /** Web sign-in: a Google ID token → the verified email. */
  async verifyIdToken(idToken: string): Promise<VerifiedGoogleIdentity> {
    if (this.options.clientIds.length === 0) {
      throw new GoogleUnavailable('web sign-in is not configured on this server (GOOGLE_CLIENT_IDS)');
    }
    requireRs256(idToken);
    let payload;
    try {
      const ticket = await this.client.verifyIdToken({ idToken, audience: this.options.clientIds });
      payload = ticket.getPayload();
    } catch (error) {
      throw classifyIdTokenError(error);
    }
    if (!payload?.email) throw new IdentityRejected('the Google ID token carries no email');
    if (payload.email_verified !== true) throw new IdentityRejected('Google has not verified the email of this account');
    return { email: payload.email.toLowerCase(), name: payload.name ?? null };
  }
}

/**
 * Google signs ID tokens with RS256 only. The library checks RS256 whatever the header says; a header
 * that says otherwise (HS256, none, ...) is refused before anything else, so no other algorithm's
 * path can ever be taken.
 */
function requireRs256(idToken: string): void {
  const [encodedHeader] = idToken.split('.');
  let alg: unknown;
  try {
    alg = (JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as { alg?: unknown }).alg;
  } catch {
    throw new IdentityRejected('malformed ID token');
  }
  if (alg !== 'RS256') {
    throw new IdentityRejected(`the ID token's header names the algorithm ${typeof alg === 'string' ? JSON.stringify(alg.slice(0, 20)) : 'none'}; Google signs with RS256 only`);
  }
}

/** tokeninfo answers 400 for a token it does not know (forged, revoked or expired). */
function classifyTokenInfoError(error: unknown): Error {
  const status = (error as { status?: number; response?: { status?: number } }).status ??
    (error as { response?: { status?: number } }).response?.status;
  if (status === 400 || status === 401) return new IdentityRejected('Google does not accept this access token (invalid or expired)');
  return new GoogleUnavailable(`cannot reach Google to verify the access token${status ? ` (HTTP ${status})` : ''}`);
}

/** The library's messages, by their fixed beginnings (the rest quotes the token). */
const ID_TOKEN_REASONS: [RegExp, string][] = [
  [/^Wrong number of segments|^Can't parse token|field using invalid format|^No issue time|^No expiration time/, 'malformed ID token'],
  [/^No pem found/, 'the ID token is signed with a key Google does not publish'],
  [/^Invalid token signature/, 'the ID token signature does not verify'],
  [/^Token used too late/, 'the ID token has expired'],
  [/^Token used too early/, 'the ID token is not valid yet'],
  [/^Expiration time too far in future/, 'the ID token expires too far in the future'],
  [/^Invalid issuer/, 'the ID token was not issued by Google'],
  [/^Wrong recipient/, 'the ID token was issued for another application (audience)'],
];

function classifyIdTokenError(error: unknown): Error {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('Failed to retrieve verification certificates')) {
    return new GoogleUnavailable("cannot fetch Google's signing certificates");
  }
  const match = ID_TOKEN_REASONS.find(([pattern]) => pattern.test(message));
  return new IdentityRejected(match ? match[1] : 'invalid Google ID token');
}
