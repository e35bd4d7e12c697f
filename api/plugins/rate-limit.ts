/**
 * Rate limits, with @fastify/rate-limit and its counters in PostgreSQL (rate-limit-store.ts), shared
 * by every API process:
 * - every request: per client address (`request.ip`, so behind a trusted proxy the client's own, and
 *   IPv6 by /64) and, when it carries one, per credential (bearer token or Open311 `api_key`);
 * - logins: a limit configured on the login routes themselves (`config.rateLimit`, from
 *   `app.loginRateLimit`), so it applies to whatever URL the router matches to them
 *   (`/api/v1/auth/%74oken` included), not to a URL prefix.
 * One-minute fixed windows. Over a limit: 429 problem+json (`rate_limited`) with Retry-After; every
 * counted answer carries the draft standard's RateLimit-Limit, -Remaining and -Reset of the tightest
 * limit. /healthz and /readyz are never limited.
 */
import rateLimit, { normalizeIP, type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { MikroORM } from '@mikro-orm/postgresql';
import { sha256Hex } from '../../security/credentials';
import { AppError } from '../errors';
import { postgresRateLimitStore } from './rate-limit-store';

export interface RateLimits {
  /** Requests per minute per credential (API key or staff token). */
  perKey: number;
  /** Requests per minute per client IP, whatever the credentials. */
  perIp: number;
  /** Login attempts per minute per client IP (on each login route). */
  loginPerIp: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perKey: 600, perIp: 1200, loginPerIp: 20 };

const WINDOW_MS = 60_000;
/** Routes never limited (as the router matched them). */
const EXEMPT = new Set(['/healthz', '/readyz']);

declare module 'fastify' {
  interface FastifyInstance {
    /** The `config.rateLimit` of a login route: `api` (POST /api/v1/auth/token) or `console` (its login form). */
    loginRateLimit(route: 'api' | 'console'): RateLimitOptions;
  }
}

/** The bearer token or Open311 `api_key` of a request, if any. */
function credentialOf(request: FastifyRequest): string | undefined {
  return (
    /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1] ??
    (request.query as { api_key?: unknown } | undefined)?.api_key?.toString()
  );
}

const tooMany = (what: { zh: string; en: string }, seconds: number): AppError =>
  new AppError('rate_limited', `${what.zh}，请 ${seconds} 秒后再试 / ${what.en}: retry after ${seconds} s`);
const REQUESTS = { zh: '请求过于频繁', en: 'too many requests' };
const LOGINS = { zh: '登录尝试过于频繁', en: 'too many login attempts' };

export default fp<{ orm: MikroORM; limits?: Partial<RateLimits>; namespace?: string }>(
  async (app, opts) => {
    const limits = { ...DEFAULT_RATE_LIMITS, ...opts.limits };
    await app.register(rateLimit, {
      // No limit of its own on every route: the global ones are the hook below, the login ones on their routes.
      global: false,
      store: postgresRateLimitStore(opts.orm, opts.namespace ?? 'fq'),
      timeWindow: WINDOW_MS,
      enableDraftSpec: true,
      // Should the store fail outright (its in-process insurance included), answer rather than 500.
      skipOnError: true,
      errorResponseBuilder: (_request, context) => tooMany(REQUESTS, Math.ceil(context.ttl / 1000)),
    });

    const perIp = app.createRateLimit({ max: limits.perIp, keyGenerator: (r) => `ip:${normalizeIP(r.ip)}` });
    const perKey = app.createRateLimit({
      max: limits.perKey,
      keyGenerator: (r) => `key:${sha256Hex(credentialOf(r) ?? '')}`,
    });

    app.decorate('loginRateLimit', (route: 'api' | 'console') => ({
      max: limits.loginPerIp,
      timeWindow: WINDOW_MS,
      keyGenerator: (r: FastifyRequest) => `login-${route}:${normalizeIP(r.ip)}`,
      errorResponseBuilder: (_r: FastifyRequest, context: { ttl: number }) =>
        tooMany(LOGINS, Math.ceil(context.ttl / 1000)),
    }));

    app.addHook('onRequest', async (request, reply) => {
      if (EXEMPT.has(request.routeOptions.url ?? '')) return;
      const counts = await Promise.all([perIp(request), ...(credentialOf(request) ? [perKey(request)] : [])]);
      let tightest: Extract<(typeof counts)[number], { isAllowed: false }> | undefined;
      let exceeded = 0;
      for (const c of counts) {
        if (c.isAllowed) continue;
        if (c.isExceeded) exceeded = Math.max(exceeded, c.ttlInSeconds, 1);
        if (!tightest || c.remaining < tightest.remaining) tightest = c;
      }
      if (!tightest) return;
      void reply.header('ratelimit-limit', tightest.max);
      void reply.header('ratelimit-remaining', tightest.remaining);
      void reply.header('ratelimit-reset', tightest.ttlInSeconds);
      if (exceeded > 0) {
        void reply.header('retry-after', exceeded);
        throw tooMany(REQUESTS, exceeded);
      }
    });
  },
  { name: 'rate-limit' },
);
