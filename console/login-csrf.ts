/**
 * CSRF on the login form, with @fastify/csrf-protection: the login page sets a secret in an HttpOnly,
 * SameSite=Strict cookie scoped to /console/login and puts a token derived from it in the form's
 * hidden `_csrf` field; a login POST without the cookie or with a token that does not match it is
 * refused (403) with the login page again. Another site's page can neither read the token nor send
 * the cookie, so it cannot sign a visitor in to an account of its choosing (login CSRF). The console's
 * other forms carry a token derived from the session instead (session.ts).
 *
 * @fastify/csrf-protection keeps its secret through two things @fastify/cookie adds: `request.cookies`
 * and `reply.setCookie`. @fastify/cookie 11 itself cannot be loaded under jest (it imports the
 * ES-module-only `cookie` 2 with a dynamic import(), which jest's CommonJS sandbox refuses), so the
 * console provides those two, within its own scope, on the project's cookie code. The session cookie
 * is untouched: security/session-cookie.ts reads it from the header as before.
 */
import csrfProtection from '@fastify/csrf-protection';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { servedSecurely } from '../api/plugins/edge';
import { parseCookies } from '../security/session-cookie';

export const LOGIN_CSRF_COOKIE = 'fq_login_csrf';
const LOGIN_PATH = '/console/login';

/** Whether an error is @fastify/csrf-protection's refusal (no secret cookie, or a token that does not match it). */
export const isCsrfRefusal = (error: unknown): boolean =>
  typeof (error as FastifyError)?.code === 'string' && (error as FastifyError).code.startsWith('FST_CSRF_');

export async function registerLoginCsrf(app: FastifyInstance): Promise<void> {
  app.decorateRequest('cookies', null as unknown as Record<string, string | undefined>);
  app.addHook('onRequest', async (request) => {
    request.cookies = parseCookies(request.headers.cookie);
  });
  // Only the login secret is set through here: its attributes are fixed.
  app.decorateReply('setCookie', function setCookie(this: FastifyReply, name: string, value: string) {
    const secure = servedSecurely(this.request) ? '; Secure' : '';
    void this.header(
      'set-cookie',
      `${name}=${encodeURIComponent(value)}; Path=${LOGIN_PATH}; HttpOnly; SameSite=Strict${secure}`,
    );
    return this;
  });
  await app.register(csrfProtection, {
    cookieKey: LOGIN_CSRF_COOKIE,
    cookieOpts: { path: LOGIN_PATH, sameSite: 'strict', httpOnly: true },
    // The form's hidden field only (not a header): the login form is a plain HTML form.
    getToken: (request) => {
      const sent = (request.body as Record<string, unknown> | undefined)?._csrf;
      return typeof sent === 'string' ? sent : undefined;
    },
  });
}
