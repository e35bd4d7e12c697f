/**
 * The console's session: the staff token of POST /api/v1/auth/token, kept in an HttpOnly,
 * SameSite=Strict cookie. Forms carry a CSRF token derived from the session token (a page of another
 * site can neither read the cookie nor compute it), and the language choice is a plain cookie.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { servedSecurely } from '../api/plugins/edge';
import { SESSION_COOKIE, parseCookies } from '../security/session-cookie';
import { CONSOLE_LANGS, type ConsoleLang } from './i18n';

// Reading the session cookie belongs to security (the auth plugin reads it too); the console writes it.
export { SESSION_COOKIE, parseCookies, sessionToken } from '../security/session-cookie';
export const LANG_COOKIE = 'fq_lang';

export function langOf(request: FastifyRequest): ConsoleLang {
  const chosen = parseCookies(request.headers.cookie)[LANG_COOKIE];
  return (CONSOLE_LANGS as readonly string[]).includes(chosen ?? '') ? (chosen as ConsoleLang) : 'zh-CN';
}

function cookie(request: FastifyRequest, name: string, value: string, maxAge: number, httpOnly: boolean): string {
  // Over TLS, here or at a trusted proxy (TRUST_PROXY, X-Forwarded-Proto), or when PUBLIC_URL is https.
  const secure = servedSecurely(request) ? '; Secure' : '';
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAge}; SameSite=Strict${httpOnly ? '; HttpOnly' : ''}${secure}`;
}

export function setSession(request: FastifyRequest, reply: FastifyReply, token: string, maxAge: number): void {
  reply.header('set-cookie', cookie(request, SESSION_COOKIE, token, maxAge, true));
}

export function clearSession(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', cookie(request, SESSION_COOKIE, '', 0, true));
}

export function setLang(request: FastifyRequest, reply: FastifyReply, lang: ConsoleLang): void {
  reply.header('set-cookie', cookie(request, LANG_COOKIE, lang, 365 * 24 * 3600, false));
}

export function csrfTokenOf(sessionTokenValue: string): string {
  return createHash('sha256').update(`fengqiao-console-csrf:${sessionTokenValue}`).digest('base64url');
}

export function csrfValid(sessionTokenValue: string, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const want = Buffer.from(csrfTokenOf(sessionTokenValue));
  const got = Buffer.from(sent);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** A local console path to return to after login or a language switch; anything else goes home. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/[A-Za-z0-9\-._~/?=&%]*)?$/.test(next) && !next.includes('//')
    ? next
    : '/console';
}
