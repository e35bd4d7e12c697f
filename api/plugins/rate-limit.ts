import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';
import { AppError } from '../errors';

export interface RateLimits {
  /** Requests per minute per credential (API key or staff token). */
  perKey: number;
  /** Requests per minute per client IP, whatever the credentials. */
  perIp: number;
  /** Login attempts per minute per client IP. */
  loginPerIp: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perKey: 600, perIp: 1200, loginPerIp: 20 };

/**
 * Fixed one-minute windows, counted in this process (several API processes each count their own:
 * put a shared limiter at the edge when it must be exact). Over a limit: 429 with Retry-After.
 */
class Windows {
  private readonly counts = new Map<string, { start: number; n: number }>();
  constructor(private readonly windowMs = 60_000) {}

  /** Seconds to wait when over `limit`, else 0. */
  hit(key: string, limit: number, now = Date.now()): number {
    let w = this.counts.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, n: 0 };
      this.counts.set(key, w);
    }
    w.n += 1;
    return w.n > limit ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0;
  }

  sweep(now = Date.now()): void {
    for (const [k, w] of this.counts) if (now - w.start >= this.windowMs) this.counts.delete(k);
  }
}

export default fp<{ limits?: Partial<RateLimits> }>(
  async (app, opts) => {
    const limits = { ...DEFAULT_RATE_LIMITS, ...opts.limits };
    const windows = new Windows();
    const sweeper = setInterval(() => windows.sweep(), 60_000);
    sweeper.unref();
    app.addHook('onClose', async () => clearInterval(sweeper));

    app.addHook('onRequest', async (request, reply) => {
      if (request.url === '/healthz' || request.url === '/readyz') return;
      const over = (key: string, limit: number) => {
        const wait = windows.hit(key, limit);
        if (wait > 0) {
          void reply.header('retry-after', String(wait));
          throw new AppError('rate_limited', `more than ${limit} requests a minute: retry after ${wait} s`);
        }
      };
      over(`ip:${request.ip}`, limits.perIp);
      if (request.method === 'POST' && request.url.startsWith('/api/v1/auth/token'))
        over(`login:${request.ip}`, limits.loginPerIp);
      const token =
        /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1] ??
        (request.query as { api_key?: string } | undefined)?.api_key;
      if (token) over(`key:${createHash('sha256').update(token).digest('base64url')}`, limits.perKey);
    });
  },
  { name: 'rate-limit' },
);
