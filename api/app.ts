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
import type { PdfRenderer } from '../templates/pdf';
import type { DocumentRenderer } from '../templates/render';
import { TASK_QUEUE } from '../workflows/dispute.messages';
import alertStreamPlugin from './plugins/alert-stream';
import { loggerOptions } from './logging';
import { registerPages } from './pages';
import authPlugin, { requireAdmin } from './plugins/auth';
import errorsPlugin, { frameworkErrors } from './plugins/errors';
import housekeepingPlugin from './plugins/housekeeping';
import metricsPlugin from './plugins/metrics';
import rateLimitPlugin, { type RateLimits } from './plugins/rate-limit';
import ormPlugin from './plugins/orm';
import temporalPlugin from './plugins/temporal';
import adminRoutes from './routes/admin';
import agreementRoutes from './routes/agreements';
import adminAccessRoutes from './routes/admin-access';
import adminDirectoryRoutes from './routes/admin-directory';
import adminCalendarRoutes from './routes/admin-calendars';
import alertsRoutes from './routes/alerts';
import authRoutes from './routes/auth';
import directoryRoutes from './routes/directory';
import disputesRoutes from './routes/disputes';
import documentsRoutes from './routes/documents';
import boardRoutes from './routes/board';
import consolePlugin from '../console';
import healthRoutes from './routes/health';
import open311Routes from './routes/open311';
import safetyIndexRoutes from './routes/safety-index';
import webhookRoutes from './routes/webhooks';
import { ProblemSchema } from './schemas/common';
import { DisputeSchema } from './schemas/dispute';

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: ReadonlyArray<{ method: string; url: string }>;
  }
}

export interface AppDeps {
  config: Pick<AppConfig, 'tokenTtlSeconds' | 'logLevel'> & {
    rateLimits?: Partial<RateLimits>;
    metricsToken?: string;
    /** Base URL printed in documents (verification links). */
    publicUrl?: string;
    webhooks?: { allowPrivate: boolean };
    stageSearchAttributes?: boolean;
    /** Office hours of the `cn-workdays` calendar, as the worker has them (for previews of re-planning). */
    officeHours?: OfficePeriod[];
  };
  orm: MikroORM;
  temporal: Client;
  renderer: DocumentRenderer;
  /** PDF rendering, where a browser engine is installed. */
  pdf?: PdfRenderer;
  taskQueue?: string;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(deps.config.logLevel),
    bodyLimit: 256 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
    genReqId: () => crypto.randomUUID(),
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

  app.addSchema(ProblemSchema);
  app.addSchema(DisputeSchema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Fengqiao (枫桥) dispute mediation API',
        version: '1.0.0',
        description:
          'Start dispute cases, advance them through their mediation lifecycle, and read cases, histories, documents and alerts. Errors are RFC 9457 problem+json.',
      },
      components: {
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
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(errorsPlugin);
  await app.register(rateLimitPlugin, { limits: deps.config.rateLimits });
  await app.register(ormPlugin, { orm: deps.orm });
  await app.register(temporalPlugin, {
    client: deps.temporal,
    taskQueue: deps.taskQueue,
    stageSearchAttributes: deps.config.stageSearchAttributes,
  });
  await app.register(authPlugin);
  await app.register(alertStreamPlugin);
  await app.register(housekeepingPlugin);
  await app.register(metricsPlugin, { token: deps.config.metricsToken });

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

  await app.register(healthRoutes);
  await app.register(
    async (v1) => {
      await v1.register(authRoutes, { tokenTtlSeconds: deps.config.tokenTtlSeconds });
      await v1.register(disputesRoutes);
      await v1.register(documentsRoutes, {
        renderer: deps.renderer,
        publicUrl: deps.config.publicUrl ?? 'http://127.0.0.1:3000',
        pdf: deps.pdf,
      });
      await v1.register(agreementRoutes);
      await v1.register(safetyIndexRoutes, { taskQueue: deps.taskQueue ?? TASK_QUEUE });
      await v1.register(alertsRoutes);
      await v1.register(directoryRoutes);
      await v1.register(
        async (admin) => {
          admin.addHook('preHandler', requireAdmin);
          await admin.register(adminRoutes);
          await admin.register(adminAccessRoutes);
          await admin.register(adminDirectoryRoutes);
          await admin.register(adminCalendarRoutes, { officeHours: deps.config.officeHours });
        },
        { prefix: '/admin' },
      );
      await v1.register(webhookRoutes, { allowPrivate: deps.config.webhooks?.allowPrivate ?? false });
    },
    { prefix: '/api/v1' },
  );
  await app.register(open311Routes, { prefix: '/open311/v2' });
  // Server-rendered pages, each plugin with its own templates: the public board (views/), the console (console/views/).
  await app.register(async (board) => {
    await registerPages(board, path.join(PROJECT_ROOT, 'views'));
    await board.register(boardRoutes);
  });
  await app.register(consolePlugin);
  if (deps.pdf) {
    const pdf = deps.pdf;
    app.addHook('onClose', async () => pdf.close());
  }
  return app;
}
