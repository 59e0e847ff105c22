/**
 * Cross-site request forgery. SameSite=Lax keeps the session cookie off other sites' requests, but
 * not off a sibling origin's (another port or subdomain of the same site): a page there can send a
 * no-cors multipart POST or a plain form POST that carries the cookie. So every state-changing
 * request (not GET, HEAD, OPTIONS) that could ride on the cookie is held to two checks:
 * - where it comes from: `Sec-Fetch-Site`, when the browser sends it, must be `same-origin`, and
 *   `Origin`, when sent, must be the site's own (PUBLIC_BASE_URL's origin);
 * - when the cookie is what authenticates it: the `X-CSRF-Token` header must carry the session's
 *   CSRF token (SessionTokens.csrfToken), which only our own pages can read (from the sign-in answer
 *   or `GET /api/auth/csrf`) and which a form cannot send.
 * Calls with `Authorization: Bearer` (scripts, the Colab cell) carry no ambient credential and are not
 * checked: a browser cannot add that header across origins without a CORS preflight, which this
 * server never grants.
 */
export const SESSION_COOKIE = 'grader_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface HeaderCarrier {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

export function isStateChanging(request: HeaderCarrier): boolean {
  return !SAFE_METHODS.has((request.method ?? 'GET').toUpperCase());
}

export function header(request: HeaderCarrier, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Why the request looks cross-site, or null when nothing says so. */
export function crossSiteReason(request: HeaderCarrier, siteOrigin: string): string | null {
  const site = header(request, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return `it was sent from another site or origin (Sec-Fetch-Site: ${site})`;
  const origin = header(request, 'origin');
  if (origin !== undefined && origin !== siteOrigin) return `it comes from ${origin}, not ${siteOrigin}`;
  return null;
}

/** The session token of a request and how it came: `Authorization: Bearer` first, else the cookie. */
export function sessionTokenOf(request: HeaderCarrier): { token: string; via: 'bearer' | 'cookie' } | null {
  const match = header(request, 'authorization')?.match(/^Bearer\s+(\S+)$/i);
  if (match) return { token: match[1], via: 'bearer' };
  const cookieToken = cookie(request, SESSION_COOKIE);
  return cookieToken ? { token: cookieToken, via: 'cookie' } : null;
}

export function cookie(request: HeaderCarrier, name: string): string | null {
  const raw = request.headers.cookie;
  const value = Array.isArray(raw) ? raw.join(';') : raw;
  for (const part of value?.split(';') ?? []) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The origin (scheme://host[:port]) of a URL such as PUBLIC_BASE_URL. */
export function originOf(url: string): string {
  return new URL(url).origin;
}
