/**
 * The staff console (/console): server-rendered Handlebars pages for mediators, supervisors, agency
 * representatives and administrators, with a little plain JavaScript for live parts (SLA countdowns,
 * the alert stream). Pages work without JavaScript; forms post to the console, which calls the API.
 *
 * Security: the session is an HttpOnly SameSite=Strict cookie holding a staff token; every form
 * carries a CSRF token derived from it, and the login form one of @fastify/csrf-protection
 * (login-csrf.ts); login attempts are limited on the login route itself; pages send a strict CSP
 * (scripts only from /console/static) and are not cached.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { PROJECT_ROOT } from '../config/paths';
import { AppError, fromUnavailable } from '../api/errors';
import { registerPages } from '../api/pages';
import adminPages from './admin';
import alertPages from './alerts';
import calendarPages from './calendars';
import casePages from './cases';
import inboxPages from './inbox';
import { callApi, errorText, signedIn } from './context';
import { CONSOLE_LANGS, DICTS, type ConsoleLang } from './i18n';
import { isCsrfRefusal, registerLoginCsrf } from './login-csrf';
import { clearSession, csrfValid, langOf, safeNext, sessionToken, setLang, setSession } from './session';
import summonsPages from './summonses';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** application/x-www-form-urlencoded → fields; a repeated name (checkboxes) becomes a list. */
export function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of new URLSearchParams(text)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Every file of console/static, read once at start, with its type by extension (others are not served). */
const STATIC_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};
const STATIC = new Map<string, { type: string; body: Buffer }>();
for (const name of readdirSync(path.join(PROJECT_ROOT, 'console/static'))) {
  const type = STATIC_TYPES[path.extname(name)];
  if (type) STATIC.set(name, { type, body: readFileSync(path.join(PROJECT_ROOT, 'console/static', name)) });
}

const consolePlugin: FastifyPluginAsync = async (app: FastifyInstance) => {
  await registerPages(app, path.join(PROJECT_ROOT, 'console/views'), {
    consoleHeader: 'header.hbs',
    consoleFooter: 'footer.hbs',
    caseEvidence: 'evidence.hbs',
    caseNotices: 'notices.hbs',
  });

  // Pages, not API: kept out of the OpenAPI document.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true };
  });

  // Forms, in this plugin only (the API takes JSON).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 128 * 1024 },
    (_req, body, done) => {
      done(null, parseForm(body as string));
    },
  );

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!request.url.startsWith('/console/static/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  await registerLoginCsrf(app);

  /** The login page, with a fresh CSRF token in its form. */
  const loginPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    page: { status?: number; next: string; message: string | null; username?: string },
  ) => {
    const lang = langOf(request);
    return reply.status(page.status ?? 200).view('login.hbs', {
      lang,
      t: DICTS[lang],
      next: page.next,
      message: page.message,
      username: page.username ?? '',
      csrf: reply.generateCsrf(),
      langSwitch: `/console/lang?to=${lang === 'en' ? 'zh-CN' : 'en'}&next=${encodeURIComponent(`/console/login?next=${encodeURIComponent(page.next)}`)}`,
    });
  };

  // Errors on a page are a page, in the person's language, never a JSON dump.
  app.setErrorHandler(async (error, request, reply) => {
    // A login POST without a valid CSRF token, or over the login limit: the login page again, saying why.
    const limited = error instanceof AppError && error.code === 'rate_limited';
    if (isCsrfRefusal(error) || (limited && request.routeOptions.url === '/console/login')) {
      const form = (request.body ?? {}) as Record<string, unknown>;
      return loginPage(request, reply, {
        status: limited ? 429 : 403,
        next: safeNext(form.next),
        message: limited ? DICTS[langOf(request)].loginLimited : DICTS[langOf(request)].loginCsrfFailed,
        username: typeof form.username === 'string' ? form.username.trim() : '',
      });
    }
    // PostgreSQL or Temporal out of reach: 503 with Retry-After, as the API answers, not a 500.
    const appError = error instanceof AppError ? error : fromUnavailable(error);
    if (appError?.code === 'unavailable') void reply.header('retry-after', '1');
    const status =
      appError?.status ??
      ((error as { statusCode?: number }).statusCode && (error as { statusCode: number }).statusCode < 500
        ? (error as { statusCode: number }).statusCode
        : 500);
    if (status >= 500) request.log.error({ err: error }, 'console page failed');
    const lang = langOf(request);
    const t = DICTS[lang];
    // In the person's language from the error's codes (console/context.ts errorText), never the API's English.
    const message =
      status === 503
        ? t.errorUnavailable
        : status >= 500
          ? t.errorInternal
          : appError
            ? errorText(appError, lang)
            : status === 404
              ? t.problem.code.not_found!
              : (t.problem.code.validation_failed ?? t.errorInternal);
    return reply.status(status).view('error.hbs', { lang, t, status, message });
  });

  app.get('/console/static/:file', { config: { public: true } }, async (request, reply) => {
    // A Map: `__proto__`, `constructor`, `toString` are no files (on a plain object they were a 500).
    const file = STATIC.get((request.params as { file: string }).file);
    if (!file) throw new AppError('not_found', 'no such file');
    return reply.type(file.type).header('cache-control', 'public, max-age=3600').send(file.body);
  });

  app.get('/console/login', { config: { public: true } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    return loginPage(request, reply, {
      next: safeNext(q.next),
      message: q.expired ? DICTS[langOf(request)].sessionEnded : null,
    });
  });

  app.post(
    '/console/login',
    // Limited on the route itself (the API's login route counts the same attempts on its own), and
    // refused without the login page's CSRF token.
    { config: { public: true, rateLimit: app.loginRateLimit('console') }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const lang = langOf(request);
      const form = (request.body ?? {}) as Record<string, unknown>;
      const username = typeof form.username === 'string' ? form.username.trim() : '';
      const password = typeof form.password === 'string' ? form.password : '';
      const next = safeNext(form.next);
      const answer = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/token',
        payload: { username, password },
        remoteAddress: request.ip,
      });
      if (answer.statusCode === 200) {
        const body = answer.json() as { access_token: string; expires_in: number };
        setSession(request, reply, body.access_token, body.expires_in);
        return reply.redirect(next === '/console' ? '/console' : next, 303);
      }
      const t = DICTS[lang];
      const message = answer.statusCode === 429 ? t.loginLimited : t.loginFailed;
      return loginPage(request, reply, { status: answer.statusCode === 429 ? 429 : 401, next, message, username });
    },
  );

  app.post('/console/logout', { config: { public: true } }, async (request, reply) => {
    const token = sessionToken(request);
    const form = (request.body ?? {}) as Record<string, unknown>;
    if (token && csrfValid(token, form._csrf)) {
      await callApi(app, request, { token }, 'POST', '/api/v1/auth/logout');
    }
    clearSession(request, reply);
    return reply.redirect('/console/login', 303);
  });

  app.get('/console/lang', { config: { public: true } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const to = (CONSOLE_LANGS as readonly string[]).includes(q.to ?? '') ? (q.to as ConsoleLang) : 'zh-CN';
    setLang(request, reply, to);
    return reply.redirect(safeNext(q.next), 303);
  });

  // Home: where each role starts.
  app.get('/console', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const home =
      { agency_rep: '/console/summonses', admin: '/console/admin', supervisor: '/console/alerts' }[
        ctx.user.role as string
      ] ?? '/console/inbox';
    return reply.redirect(home, 303);
  });

  await app.register(casePages);
  await app.register(inboxPages);
  await app.register(alertPages);
  await app.register(summonsPages);
  await app.register(adminPages);
  await app.register(calendarPages);
  await app.register(import('./statistics'));
};

export default consolePlugin;
