import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import ipaddr from 'ipaddr.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { missingNationalYears } from '../../db/holidays';
import type { PdfStats } from '../../templates/pdf';
import { registerBusinessMetrics } from '../business-metrics';
import { AppError } from '../errors';

/**
 * Prometheus metrics at /metrics: HTTP requests by route and status, case starts, actions by name
 * and answer, the business figures (open and overdue cases, alerts, deliveries, stuck cases: read
 * from PostgreSQL at scrape time, so every API process reports the same; api/business-metrics.ts),
 * and the Node process. The worker's Temporal metrics are on its own endpoint
 * (WORKER_METRICS_ADDRESS). With METRICS_TOKEN, answered to that bearer only; without it, only
 * when the API listens on loopback and the request comes from loopback directly: not forwarded by a
 * proxy, which would otherwise make every client on the Internet a loopback client.
 */
export default fp<{ token?: string; host?: string; pdfStats?: () => PdfStats }>(
  async (app, opts) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'fengqiao_api_' });
    const http = new Histogram({
      name: 'fengqiao_http_request_duration_seconds',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    const workflowStarts = new Counter({
      name: 'fengqiao_case_starts_total',
      help: 'Cases reported (workflows started), by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    const actions = new Counter({
      name: 'fengqiao_case_actions_total',
      help: 'Case actions (workflow updates) by action and HTTP status',
      labelNames: ['action', 'status'] as const,
      registers: [registry],
    });
    // Cases, alerts, deliveries and stuck cases, from one cached snapshot of PostgreSQL (docs/metrics.md).
    registerBusinessMetrics(registry, () => app.orm.em.fork(), {
      onError: (reason) => app.log.warn({ reason }, '业务指标读取失败 / business metrics snapshot failed'),
    });
    new Gauge({
      name: 'fengqiao_holiday_arrangement_missing',
      help: 'National holiday arrangements due and not entered (1 per year): this year, and from 1 October next year; deadlines into such a year are provisional',
      labelNames: ['year'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const year of await missingNationalYears(app.orm.em.fork(), new Date()))
          this.set({ year: String(year) }, 1);
      },
    });
    new Gauge({
      name: 'fengqiao_holiday_arrangement_last_year',
      help: 'The last year with a national holiday arrangement entered',
      registers: [registry],
      async collect() {
        const [row] = await app.orm.em
          .fork()
          .execute<{ y: number | null }[]>('select max(year) as y from holiday_arrangements where region_code is null');
        this.set(Number(row?.y ?? 0));
      },
    });

    // PDF rendering (templates/pdf-queue.ts): pages rendering and waiting now, refusals since start.
    if (opts.pdfStats) {
      const stats = opts.pdfStats;
      new Gauge({
        name: 'fengqiao_pdf_rendering',
        help: 'PDF pages rendering now (at most PDF_CONCURRENCY)',
        registers: [registry],
        collect() {
          this.set(stats().rendering);
        },
      });
      new Gauge({
        name: 'fengqiao_pdf_waiting',
        help: 'PDF requests waiting for a renderer (at most PDF_QUEUE_MAX)',
        registers: [registry],
        collect() {
          this.set(stats().waiting);
        },
      });
      new Counter({
        name: 'fengqiao_pdf_refused_total',
        help: 'PDF requests answered 503 since start, by reason (queue_full, timeout)',
        labelNames: ['reason'] as const,
        registers: [registry],
        collect() {
          const now = stats();
          this.reset();
          this.inc({ reason: 'queue_full' }, now.refusedQueueFull);
          this.inc({ reason: 'timeout' }, now.refusedTimeout);
        },
      });
    }

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const status = String(reply.statusCode);
      http.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
      const action = /\/signals\/([a-z-]+)$/.exec(route)?.[1];
      if (action && request.method === 'POST') actions.inc({ action, status });
      if (route === '/api/v1/disputes' && request.method === 'POST') workflowStarts.inc({ outcome: status });
    });

    // The listener's own address: HOST (the config's default is loopback, as in tests that never listen).
    const boundToLoopback = isLoopback(opts.host ?? '127.0.0.1');
    app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const tokenOk =
        !!opts.token &&
        !!bearer &&
        bearer.length === opts.token.length &&
        timingSafeEqual(Buffer.from(bearer), Buffer.from(opts.token));
      if (opts.token ? tokenOk : boundToLoopback && directFromLoopback(request))
        return reply.type(registry.contentType).send(await registry.metrics());
      if (opts.token) {
        void reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError(
          'unauthenticated',
          '/metrics 需要 METRICS_TOKEN 持有者令牌 / /metrics needs the METRICS_TOKEN as a bearer token',
        );
      }
      // Without a token the endpoint does not exist for anyone else: the same answer as an unknown path.
      throw new AppError('not_found', `no route ${request.method} /metrics`);
    });
  },
  { name: 'metrics', dependencies: ['orm'] },
);

/** 127.0.0.0/8, ::1, ::ffff:127.x, or the name localhost. */
function isLoopback(address: string | undefined): boolean {
  if (address === 'localhost') return true;
  if (!address || !ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'loopback';
}

/** From this machine, with no proxy in between: the socket is loopback and no forwarding header came with it. */
function directFromLoopback(request: FastifyRequest): boolean {
  const h = request.headers;
  if (h['x-forwarded-for'] !== undefined || h.forwarded !== undefined || h['x-real-ip'] !== undefined) return false;
  return isLoopback(request.raw.socket?.remoteAddress);
}
