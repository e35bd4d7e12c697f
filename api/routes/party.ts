/**
 * The parties' pages (issue 22, item 3): /p/… — server-rendered, mobile-first, no JavaScript needed,
 * Chinese first. Access by a signed link from a notice or by case number + phone with a one-time code
 * (party-access.ts); the party's case page with its documents, evidence upload, withdrawal and
 * satisfaction rating (party-case.ts); the public report form (party-report.ts).
 *
 * Security: the party's session is a signed HttpOnly cookie (api/party-session.ts); every form carries
 * a CSRF token of @fastify/csrf-protection (its secret in an HttpOnly SameSite=Strict cookie scoped to
 * /p, as the console's login form does); a strict CSP (no script at all), no referrer, no caching;
 * limits on the login, code and report routes per IP (and per case for codes).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import csrfProtection from '@fastify/csrf-protection';
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { PROJECT_ROOT } from '../../config/paths';
import { parseForm } from '../../console';
import { parseCookies } from '../../security/session-cookie';
import type { AttachmentStore } from '../../storage/attachment-store';
import type { DocumentRenderer } from '../../templates/render';
import { AppError, fromUnavailable } from '../errors';
import { registerPages } from '../pages';
import { servedSecurely } from '../plugins/edge';
import partyAccess from './party-access';
import partyCase from './party-case';
import partyReport from './party-report';

export const PARTY_CSRF_COOKIE = 'fq_p_csrf';

const CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');
const DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

export interface PartyPagesOptions {
  publicUrl: string;
  renderer: DocumentRenderer;
  sendCode?: (req: { phone: string; text: string; key: string }) => Promise<void>;
  /** Where party uploads are stored (attachments/service.ts); the PostgreSQL store when not given. */
  attachmentStore?: AttachmentStore;
  attachmentLimits?: { maxBytes: number; maxPerCase: number };
  /** Requests per minute per IP on the login, code and report posts (default 10). */
  perMinute?: number;
}

const CSS = readFileSync(path.join(PROJECT_ROOT, 'views/party/party.css'));

/** Renders a message page (errors and notices), in Chinese with English after. */
export function messagePage(
  reply: FastifyReply,
  status: number,
  page: { heading: string; message: string; error?: boolean; back?: { href: string; label: string } },
) {
  return reply.status(status).view('message.hbs', { pageTitle: page.heading, error: false, back: null, ...page });
}

const partyPages: FastifyPluginAsync<PartyPagesOptions> = async (app: FastifyInstance, opts) => {
  await registerPages(app, path.join(PROJECT_ROOT, 'views/party'), { head: 'head.hbs', foot: 'foot.hbs' });

  // Pages, not API: kept out of the OpenAPI document.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true };
  });

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 32 * 1024 },
    (_req, body, done) => done(null, parseForm(body as string)),
  );
  // Streamed uploads (evidence, the report's photos); the limits per request are given where read.
  if (!app.hasContentTypeParser('multipart/form-data'))
    await app.register(multipart, { limits: { fields: 30, files: 3, parts: 40 } });

  app.addHook('onSend', async (request, reply, payload) => {
    // A document is user data rendered as HTML: its inline styles only (as api/routes/documents.ts).
    reply.header(
      'content-security-policy',
      request.routeOptions.url === '/p/case/documents/:kind' ? DOCUMENT_CSP : CSP,
    );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (!request.url.startsWith('/p/static/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  // @fastify/csrf-protection keeps its secret through `request.cookies` and `reply.setCookie`, which
  // @fastify/cookie would add (it cannot load under jest: console/login-csrf.ts): provided here.
  app.decorateRequest('cookies', null as unknown as Record<string, string | undefined>);
  app.addHook('onRequest', async (request) => {
    request.cookies = parseCookies(request.headers.cookie);
  });
  app.decorateReply('setCookie', function setCookie(this: FastifyReply, name: string, value: string) {
    const secure = servedSecurely(this.request) ? '; Secure' : '';
    void this.header('set-cookie', `${name}=${encodeURIComponent(value)}; Path=/p; HttpOnly; SameSite=Strict${secure}`);
    return this;
  });
  await app.register(csrfProtection, {
    cookieKey: PARTY_CSRF_COOKIE,
    cookieOpts: { path: '/p', sameSite: 'strict', httpOnly: true },
    // The form's hidden field (for a multipart form, its first field: party-case.ts, party-report.ts).
    getToken: (request) => {
      const sent =
        (request.body as Record<string, unknown> | undefined)?._csrf ??
        (request as FastifyRequest & { multipartCsrf?: string }).multipartCsrf;
      return typeof sent === 'string' ? sent : undefined;
    },
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (typeof error.code === 'string' && error.code.startsWith('FST_CSRF_'))
      return messagePage(reply, 403, {
        heading: '页面已过期',
        message: '页面已过期或来源不明，请返回重新打开后再提交。/ The page expired: open it again and resubmit.',
        error: true,
        back: { href: request.url.startsWith('/p/report') ? '/p/report' : '/p/case', label: '返回 / Back' },
      });
    const appError = error instanceof AppError ? error : fromUnavailable(error);
    if (appError?.code === 'unavailable') void reply.header('retry-after', '1');
    if (appError?.code === 'rate_limited' && error instanceof AppError && reply.getHeader('retry-after') === undefined)
      void reply.header('retry-after', '60');
    const status = appError?.status ?? (error.statusCode && error.statusCode < 500 ? error.statusCode : 500);
    if (status >= 500) request.log.error({ err: error }, 'party page failed');
    const message =
      status === 503
        ? '系统暂时不可用，请稍后再试。/ The system is briefly unavailable: try again in a moment.'
        : status >= 500
          ? '系统出错，请稍后再试。/ Something went wrong on our side.'
          : status === 413
            ? '文件太大。/ The file is too large.'
            : (appError?.message ?? error.message);
    return messagePage(reply, status, {
      heading: status === 404 ? '未找到 / Not found' : '未能完成 / Not done',
      message,
      error: true,
      back: { href: '/p/case', label: '返回 / Back' },
    });
  });

  app.get('/p/static/party.css', { config: { public: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS),
  );

  await app.register(partyAccess, opts);
  await app.register(partyCase, opts);
  await app.register(partyReport, opts);
};

export default partyPages;
