/**
 * The API as a Fastify plugin-built app, without a listener: tests build it and use `inject`,
 * server.ts listens. Its dependencies (ORM, Temporal client, renderer) come from the caller.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/paths';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { OfficePeriod } from '../domain/calendar';
import type { AppConfig } from '../config/env';
import type { RetentionConfig } from '../config/retention';
import type { PdfRenderer } from '../templates/pdf';
import type { DocumentRenderer } from '../templates/render';
import { TASK_QUEUE } from '../workflows/dispute.messages';
import alertStreamPlugin from './plugins/alert-stream';
import { loggerOptions } from './logging';
import { registerPages } from './pages';
import authPlugin, { requireAdmin } from './plugins/auth';
import edgePlugin, { DOCS_CSP, requestIdOf, trustProxyOption } from './plugins/edge';
import errorsPlugin, { frameworkErrors } from './plugins/errors';
import housekeepingPlugin from './plugins/housekeeping';
import metricsPlugin from './plugins/metrics';
import telemetryPlugin from '../telemetry/fastify';
import rateLimitPlugin, { DEFAULT_RATE_LIMITS, type RateLimits } from './plugins/rate-limit';
import ormPlugin from './plugins/orm';
import temporalPlugin from './plugins/temporal';
import adminRoutes from './routes/admin';
import agreementRoutes from './routes/agreements';
import adminAccessRoutes from './routes/admin-access';
import adminDirectoryRoutes from './routes/admin-directory';
import adminCalendarRoutes from './routes/admin-calendars';
import adminStuckRoutes from './routes/admin-stuck';
import adminPersonalDataRoutes from './routes/admin-personal-data';
import alertsRoutes from './routes/alerts';
import authRoutes from './routes/auth';
import directoryRoutes from './routes/directory';
import noticeRoutes from './routes/notices';
import disputesRoutes from './routes/disputes';
import attachmentRoutes from './routes/attachments';
import type { AttachmentStore } from '../storage/attachment-store';
import { DEFAULT_ATTACHMENT_LIMITS } from '../config/attachments';
import { PgAttachmentStore } from '../storage/pg-store';
import documentsRoutes from './routes/documents';
import boardRoutes from './routes/board';
import consolePlugin from '../console';
import healthRoutes from './routes/health';
import partySignRoutes from './routes/party-sign';
import partyPages from './routes/party';
import signingLinkRoutes from './routes/signing-link';
import open311Routes from './routes/open311-scope';
import safetyIndexRoutes from './routes/safety-index';
import statisticsRoutes from './routes/statistics';
import webhookRoutes from './routes/webhooks';
import homeRoutes from './routes/home';
import { WEBHOOKS_DESCRIPTION, WEBHOOKS_TAG_DESCRIPTION, webhookOpenApi } from './webhook-docs';
import codecRoutes from './routes/codec';
import { ProblemSchema } from './schemas/common';
import { DisputeSchema } from './schemas/dispute';

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: ReadonlyArray<{ method: string; url: string }>;
    /** Where evidence files are kept (the attachments routes and the console's upload form). */
    attachmentStore: AttachmentStore;
    attachmentLimits: { maxBytes: number; maxPerCase: number };
  }
}

export interface AppDeps {
  config: Pick<AppConfig, 'tokenTtlSeconds' | 'logLevel'> & {
    rateLimits?: Partial<RateLimits>;
    /** Prefix of the rate-limit counters in PostgreSQL: the API processes of one installation share it (default `fq`). */
    rateLimitNamespace?: string;
    /** SESSION_IDLE_SECONDS: a staff session unused this long ends (default 1800). */
    sessionIdleSeconds?: number;
    /** LOGIN_LOCKOUT_*: lockout after wrong passwords (default 5 in a row: 60 s, doubling up to 3600 s). */
    loginLockout?: AppConfig['loginLockout'];
    /** ALERT_STREAMS_PER_SESSION (default 3). */
    streamsPerSession?: number;
    /** DATABASE_LISTEN_URL: the alert listener's session-mode connection (default: the ORM's URL). */
    database?: Pick<AppConfig['database'], 'listenUrl'>;
    /** How often (ms) open alert streams re-check their sessions (default 5000). */
    sessionCheckMs?: number;
    metricsToken?: string;
    /** The listener's address (HOST): /metrics answers without a token only when it is loopback. */
    host?: string;
    /** TRUST_PROXY, as Fastify's trustProxy: which proxies' X-Forwarded-* to believe (default: none). */
    trustProxy?: AppConfig['trustProxy'];
    /** Base URL printed in documents (verification links). */
    publicUrl?: string;
    webhooks?: { allowPrivate: boolean };
    stageSearchAttributes?: boolean;
    /** Office hours of the `cn-workdays` calendar, as the worker has them (for previews of re-planning). */
    officeHours?: OfficePeriod[];
    /** Origins (the Temporal UI's) whose pages may call /codec with credentials (CODEC_CORS_ORIGINS). */
    codecCorsOrigins?: string[];
    /** OPEN311_NEAREST_METRES (default 1500). */
    open311NearestMetres?: number;
    /** READYZ_WORKER_MAX_AGE_SECONDS (config/health.ts), for /readyz's workers check. */
    health?: { readyzWorkerMaxAgeSeconds?: number };
    /** RETENTION_*, CASE_ARCHIVE_YEARS (config/retention.ts; default DEFAULT_RETENTION). */
    retention?: RetentionConfig;
  };
  orm: MikroORM;
  temporal: Client;
  renderer: DocumentRenderer;
  /** PDF rendering, where a browser engine is installed. */
  pdf?: PdfRenderer;
  taskQueue?: string;
  logger?: FastifyServerOptions['logger'];
  /** Where evidence files are kept (storage/: createAttachmentStore); default: PostgreSQL through `orm`. */
  attachments?: AttachmentStore;
  /** ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_PER_CASE (default 10 MiB, 30). */
  attachmentLimits?: { maxBytes: number; maxPerCase: number };
  /** Sends a one-time code by SMS to a phone on file (parties/codes.ts); `key` makes a resend idempotent. */
  sendCode?: (req: { phone: string; text: string; key: string }) => Promise<void>;
}

/** What `allowedActions` of a case means (api/views.ts `allowedActionsFor`). */
const ALLOWED_ACTIONS_DESCRIPTION =
  "A case's `allowedActions` lists the actions (`POST /api/v1/disputes/{id}/signals/{action}`) that the case allows now " +
  "(its stage) **and that you may take**: your role, your unit's area, the holding committee for signing and sealing, " +
  'the summoned agencies for an agency representative, and for an API key whether it may act on the case (the cases it ' +
  'reported, or an area granted with actions). It is computed for each caller with the rule the actions themselves ' +
  'enforce: an action listed is never refused with 403; one that is missing would be (403) or is not possible now (409). ' +
  'A listed action may still be refused 422 when its payload does not fit the case.';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const webhookDocs = webhookOpenApi();
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(deps.config.logLevel),
    bodyLimit: 256 * 1024,
    // The parties' signed links (/p/sign/{token}, parties/links.ts) are ~150 characters; the default is 100.
    routerOptions: { maxParamLength: 512 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
    // The caller's X-Request-Id when well-formed, else a UUID (plugins/edge.ts).
    genReqId: requestIdOf,
    trustProxy: trustProxyOption(deps.config.trustProxy),
    // One log line per request, when it is answered (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every route, for the check that the OpenAPI document lists them all.
  const routeTable: Array<{ method: string; url: string }> = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: route.url });
  });

  // Before any hook or route: each request's span (tracing on) and its id as the correlation of what it starts (telemetry/).
  await app.register(telemetryPlugin);

  const attachmentStore = deps.attachments ?? new PgAttachmentStore(deps.orm);
  app.decorate('attachmentStore', attachmentStore);
  app.decorate('attachmentLimits', deps.attachmentLimits ?? DEFAULT_ATTACHMENT_LIMITS);
  app.addSchema(ProblemSchema);
  app.addSchema(DisputeSchema);

  // First, so that every answer has them, refusals of later plugins included: request id, security headers, no-store.
  const publicUrl = deps.config.publicUrl ?? 'http://127.0.0.1:3000';
  await app.register(edgePlugin, { publicUrl });

  await app.register(swagger, {
    openapi: {
      // 3.1 for its top-level `webhooks`: each event's payload and headers (api/webhook-docs.ts).
      openapi: '3.1.0',
      info: {
        title: 'Fengqiao (枫桥) dispute mediation API',
        version: '1.0.0',
        description: [
          'Start dispute cases, advance them through their mediation lifecycle, and read cases, histories, documents and alerts. Errors are RFC 9457 problem+json.',
          '',
          ALLOWED_ACTIONS_DESCRIPTION,
          '',
          WEBHOOKS_DESCRIPTION,
        ].join('\n'),
      },
      webhooks: webhookDocs.webhooks,
      tags: [{ name: 'webhooks', description: WEBHOOKS_TAG_DESCRIPTION }],
      components: {
        schemas: webhookDocs.schemas,
        parameters: webhookDocs.parameters,
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Integrator API key or staff token from POST /api/v1/auth/token',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) ?? `def-${i}` },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });

  await app.register(errorsPlugin);
  await app.register(rateLimitPlugin, {
    orm: deps.orm,
    limits: deps.config.rateLimits,
    namespace: deps.config.rateLimitNamespace,
  });
  await app.register(ormPlugin, { orm: deps.orm });
  await app.register(temporalPlugin, {
    client: deps.temporal,
    taskQueue: deps.taskQueue,
    stageSearchAttributes: deps.config.stageSearchAttributes,
  });
  const sessionIdleSeconds = deps.config.sessionIdleSeconds;
  await app.register(authPlugin, { sessionIdleSeconds });
  await app.register(alertStreamPlugin, {
    sessionIdleSeconds,
    streamsPerSession: deps.config.streamsPerSession,
    sessionCheckMs: deps.config.sessionCheckMs,
    connectionString: deps.config.database?.listenUrl,
  });
  await app.register(housekeepingPlugin, { sessionIdleSeconds, retention: deps.config.retention });
  const pdfRenderer = deps.pdf;
  await app.register(metricsPlugin, {
    token: deps.config.metricsToken,
    host: deps.config.host,
    pdfStats: pdfRenderer ? () => pdfRenderer.stats() : undefined,
  });

  // The request's line: method, URL and IP (masked by the logger's serializer), status and time taken.
  app.addHook('onResponse', async (request, reply) => {
    reply.log.info(
      { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime },
      'request completed',
    );
  });

  // Every log line of a request on a case names the case.
  app.addHook('preHandler', async (request, reply) => {
    const caseId = (request.params as { id?: string } | undefined)?.id;
    if (caseId && request.url.startsWith('/api/v1/disputes/')) {
      request.log = request.log.child({ caseId });
      reply.log = request.log;
    }
  });

  await app.register(healthRoutes, { workerMaxAgeSeconds: deps.config.health?.readyzWorkerMaxAgeSeconds });
  await app.register(
    async (v1) => {
      await v1.register(authRoutes, {
        tokenTtlSeconds: deps.config.tokenTtlSeconds,
        lockout: deps.config.loginLockout,
      });
      await v1.register(disputesRoutes);
      await v1.register(attachmentRoutes, {
        store: attachmentStore,
        limits: deps.attachmentLimits ?? DEFAULT_ATTACHMENT_LIMITS,
      });
      await v1.register(documentsRoutes, {
        renderer: deps.renderer,
        publicUrl,
        pdf: deps.pdf,
      });
      // Guessing verification codes is limited like guessing passwords.
      await v1.register(agreementRoutes, {
        perMinute: deps.config.rateLimits?.loginPerIp ?? DEFAULT_RATE_LIMITS.loginPerIp,
      });
      await v1.register(safetyIndexRoutes, { taskQueue: deps.taskQueue ?? TASK_QUEUE });
      await v1.register(statisticsRoutes, { officeHours: deps.config.officeHours });
      await v1.register(alertsRoutes);
      await v1.register(directoryRoutes);
      await v1.register(noticeRoutes);
      await v1.register(
        async (admin) => {
          admin.addHook('preHandler', requireAdmin);
          await admin.register(adminRoutes);
          await admin.register(adminAccessRoutes);
          await admin.register(adminDirectoryRoutes);
          await admin.register(adminCalendarRoutes, { officeHours: deps.config.officeHours });
          await admin.register(adminStuckRoutes);
          await admin.register(adminPersonalDataRoutes);
        },
        { prefix: '/admin' },
      );
      await v1.register(webhookRoutes, { allowPrivate: deps.config.webhooks?.allowPrivate ?? false });
      // Issue 22 item 4: a party's signing link for the current draft (api/routes/signing-link.ts).
      await v1.register(signingLinkRoutes, { publicUrl, sendCode: deps.sendCode });
    },
    { prefix: '/api/v1' },
  );
  // GeoReport v2 under /open311/v2; every other /open311 path answers the spec's error list.
  await app.register(open311Routes, { prefix: '/open311', nearestMetres: deps.config.open311NearestMetres });
  // Temporal's codec server for the Temporal UI and CLI: administrators read histories in clear.
  await app.register(codecRoutes, { corsOrigins: deps.config.codecCorsOrigins ?? [] });
  // Server-rendered pages, each plugin with its own templates: the public board (views/), the console (console/views/).
  await app.register(async (board) => {
    await registerPages(board, path.join(PROJECT_ROOT, 'views'));
    await board.register(boardRoutes);
    // The root address: a page for people, a JSON index for API clients; and /favicon.ico (api/routes/home.ts).
    await board.register(homeRoutes);
  });
  await app.register(consolePlugin);
  // Issue 22 item 4: signing on one's own phone (/p/sign/…; api/routes/party-sign.ts).
  await app.register(partySignRoutes, { sendCode: deps.sendCode });
  // Issue 22 item 3: the parties' pages and the public report form (/p/…; api/routes/party.ts).
  await app.register(partyPages, {
    publicUrl,
    renderer: deps.renderer,
    sendCode: deps.sendCode,
    attachmentStore,
    attachmentLimits: deps.attachmentLimits ?? DEFAULT_ATTACHMENT_LIMITS,
  });
  if (deps.pdf) {
    const pdf = deps.pdf;
    app.addHook('onClose', async () => pdf.close());
  }
  return app;
}
