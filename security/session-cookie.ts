/**
 * Reading the staff session cookie: the staff token of POST /api/v1/auth/token, which the console
 * keeps in an HttpOnly, SameSite=Strict cookie (console/session.ts sets and clears it). The auth
 * plugin reads it here, so authentication depends on no page code.
 */
import { STAFF_TOKEN_PREFIX } from './credentials';

export const SESSION_COOKIE = 'fq_session';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

/** The staff token of the session cookie, if it looks like one (validity is checked by resolvePrincipal). */
export function sessionToken(request: { headers: { cookie?: string } }): string | undefined {
  const token = parseCookies(request.headers.cookie)[SESSION_COOKIE];
  return token && token.startsWith(STAFF_TOKEN_PREFIX) && token.length <= 512 ? token : undefined;
}
