/**
 * A fake Google on 127.0.0.1 for the tests: the tokeninfo endpoint (access tokens) and the PEM
 * certificate endpoint (ID token keys), with tokens minted here. The grader's real
 * google-auth-library code talks to it through GOOGLE_TOKENINFO_URL / GOOGLE_CERTS_URL; only the
 * server is fake. Knobs make the tokens a test needs: forged, expired, for another audience,
 * with an unverified email.
 */
import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AccessTokenOptions {
  email: string;
  /** The OAuth client the token was issued to (azp and aud). */
  audience: string;
  emailVerified?: boolean;
  /** Negative: already expired. Default one hour. */
  expiresInSeconds?: number;
  /** Default includes userinfo.email; without it tokeninfo reports no email. */
  scope?: string;
}

export interface IdTokenOptions {
  email: string;
  audience: string;
  emailVerified?: boolean;
  name?: string;
  /** Expired an hour ago (well past the library's 5-minute clock skew). */
  expired?: boolean;
  /** Signed with a key Google never published, under Google's key id. */
  forged?: boolean;
  issuer?: string;
  /** What the header's `alg` says (the signature is RS256 whatever it says). */
  headerAlg?: string;
}

export interface FakeGoogle {
  tokenInfoUrl: string;
  certsUrl: string;
  /** How often each endpoint was asked. */
  hits: { tokeninfo: number; certs: number };
  issueAccessToken(options: AccessTokenOptions): string;
  mintIdToken(options: IdTokenOptions): string;
  close(): Promise<void>;
}

interface IssuedAccessToken {
  email: string;
  audience: string;
  emailVerified: boolean;
  expiresAt: number;
  scope: string;
}

const EMAIL_SCOPE = 'openid https://www.googleapis.com/auth/userinfo.email';

export async function startFakeGoogle(): Promise<FakeGoogle> {
  const kid = randomBytes(8).toString('hex');
  const google = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = google.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const accessTokens = new Map<string, IssuedAccessToken>();
  const hits = { tokeninfo: 0, certs: 0 };

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => send(response, 500, { error: 'internal' }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/oauth2/v1/certs') {
      hits.certs++;
      response.setHeader('Cache-Control', 'public, max-age=3600');
      return send(response, 200, { [kid]: publicPem });
    }
    if (url.pathname === '/tokeninfo') {
      hits.tokeninfo++;
      const body = await readBody(request);
      const token =
        request.headers.authorization?.match(/^Bearer\s+(\S+)$/)?.[1] ??
        url.searchParams.get('access_token') ??
        new URLSearchParams(body).get('access_token');
      const issued = token ? accessTokens.get(token) : undefined;
      const now = Math.floor(Date.now() / 1000);
      // Google's answer for tokens it does not know and for expired ones alike.
      if (!issued || issued.expiresAt <= now) return send(response, 400, { error: 'invalid_token', error_description: 'Invalid Value' });
      const info: Record<string, string> = {
        azp: issued.audience,
        aud: issued.audience,
        sub: subjectOf(issued.email),
        scope: issued.scope,
        exp: String(issued.expiresAt),
        expires_in: String(issued.expiresAt - now),
        access_type: 'online',
      };
      if (issued.scope.includes('userinfo.email')) {
        info.email = issued.email;
        info.email_verified = String(issued.emailVerified);
      }
      return send(response, 200, info);
    }
    send(response, 404, { error: 'not_found' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    tokenInfoUrl: `${base}/tokeninfo`,
    certsUrl: `${base}/oauth2/v1/certs`,
    hits,
    issueAccessToken(options) {
      const token = `ya29.${randomBytes(48).toString('base64url')}`;
      accessTokens.set(token, {
        email: options.email,
        audience: options.audience,
        emailVerified: options.emailVerified ?? true,
        expiresAt: Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 3600),
        scope: options.scope ?? EMAIL_SCOPE,
      });
      return token;
    },
    mintIdToken(options) {
      const now = Math.floor(Date.now() / 1000);
      const issuedAt = options.expired ? now - 7200 : now;
      const payload = {
        iss: options.issuer ?? 'https://accounts.google.com',
        azp: options.audience,
        aud: options.audience,
        sub: subjectOf(options.email),
        email: options.email,
        email_verified: options.emailVerified ?? true,
        name: options.name ?? options.email.split('@')[0],
        iat: issuedAt,
        exp: issuedAt + 3600,
      };
      return signJwt({ alg: options.headerAlg ?? 'RS256', kid, typ: 'JWT' }, payload, options.forged ? impostor.privateKey : google.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A tiny RS256 JWT signer: base64url(header).base64url(payload).base64url(signature). */
export function signJwt(header: object, payload: object, key: KeyObject): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

function subjectOf(email: string): string {
  return String(BigInt(`0x${Buffer.from(email).toString('hex').slice(0, 24) || '1'}`)).slice(0, 21);
}

function send(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}
