/**
 * The whole system for one test file, on the run's real Temporal dev server and PostgreSQL: a
 * worker on a task queue of its own (real workflow bundle, real activities) and the API built
 * without a port, driven with `inject`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions, LightMyRequestResponse } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { buildApp, type AppDeps } from '../../api/app';
import type { RateLimits } from '../../api/plugins/rate-limit';
import { initORM } from '../../db/orm';
import { findChromium, PdfRenderer } from '../../templates/pdf';
import { createRenderer } from '../../templates/render';
import { LogNotifier, type Notifier } from '../../activities/notifier';
import type { NotificationService } from '../../notifications/service';
import { createWorker } from '../../worker/create-worker';
import { workflowClientInterceptors } from '../../telemetry/temporal';
import { TEST_API_KEY, TEST_PASSWORD } from './run-state';
import type { PayloadKeys } from '../../config/payload-keys';
import { payloadDataConverter } from '../../temporal/codec';
import { testDataConverter } from './payload-keys';
import { installQuietRuntime } from './runtime';
import type { AttachmentStore } from '../../storage/attachment-store';

export interface TestSystem {
  app: FastifyInstance;
  orm: MikroORM;
  client: Client;
  taskQueue: string;
  temporalAddress: string;
  apiKey: string;
  /** A bearer token for a demo staff member. */
  login(username: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSystem(
  opts: {
    rateLimits?: Partial<RateLimits>;
    logger?: FastifyServerOptions['logger'];
    webhooksToPrivateAddresses?: boolean;
    notifier?: Notifier;
    /** Where evidence files are kept (default: PostgreSQL), and their limits (test/attachments/). */
    attachmentStore?: AttachmentStore;
    attachmentLimits?: { maxBytes: number; maxPerCase: number };
    /** Notices to people (SMS, e-mail): test/notifications/ builds one pointing at loopback receivers. */
    notifications?: NotificationService;
    /** More of the API's configuration (PUBLIC_URL, TRUST_PROXY, HOST, METRICS_TOKEN, …). */
    config?: Partial<AppDeps['config']>;
    /** The SMS sender of one-time codes and signing links (issue 22): tests capture what it sends. */
    sendCode?: AppDeps['sendCode'];
    /** The payload codec's keys (default: the tests' fixed key), and a task queue to share with another system (key rotation). */
    payloadKeys?: PayloadKeys;
    taskQueue?: string;
    /** A workflow bundle of its own (test/telemetry/: one with the tracing interceptors); default: the run's. */
    workflowBundlePath?: string;
    /** The PDF renderer (default: one with the default limits where Chromium is installed; test/pdf-queue/ sets its own). */
    pdf?: PdfRenderer;
  } = {},
): Promise<TestSystem> {
  // Webhook receivers in tests listen on 127.0.0.1, which production refuses.
  const allowPrivate = opts.webhooksToPrivateAddresses ?? true;
  const address = process.env.TEMPORAL_ADDRESS!;
  const databaseUrl = process.env.DATABASE_URL!;
  installQuietRuntime();
  const taskQueue = opts.taskQueue ?? `test-${randomUUID()}`;
  const orm = await initORM(databaseUrl, { pool: { min: 0, max: 10 } });
  const renderer = createRenderer();
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  // Payloads encrypted as in production (temporal/codec.ts), with the tests' fixed key.
  const dataConverter = opts.payloadKeys ? payloadDataConverter(opts.payloadKeys) : testDataConverter();
  // The client's interceptors as production's (temporal/connection.ts): request id, and the trace when tracing is on.
  const client = new Client({
    connection,
    namespace: 'default',
    dataConverter,
    interceptors: { workflow: workflowClientInterceptors() },
  });
  const worker: Worker = await createWorker({
    connection: nativeConnection,
    namespace: 'default',
    dataConverter,
    orm,
    renderer,
    taskQueue,
    workflowBundle: { codePath: opts.workflowBundlePath ?? process.env.FENGQIAO_TEST_BUNDLE! },
    // Notices are asserted from the notifications table; keep them out of the test output.
    notifier: opts.notifier ?? new LogNotifier(() => undefined),
    notifications: opts.notifications,
    client,
    webhooks: { allowPrivate, initialRetryMs: 200, maxAttempts: 4 },
  });
  const running = worker.run();
  // Tests fire hundreds of requests a minute from one address: generous limits unless a test sets its own.
  const rateLimits = opts.rateLimits ?? { perKey: 1e6, perIp: 1e6, loginPerIp: 1e6 };
  const chromium = findChromium(process.env.CHROMIUM_PATH);
  const app = await buildApp({
    config: {
      tokenTtlSeconds: 3600,
      logLevel: 'silent',
      rateLimits,
      webhooks: { allowPrivate },
      // The counters live in the run's shared database: each system counts its own requests.
      rateLimitNamespace: taskQueue,
      ...opts.config,
    },
    orm,
    temporal: client,
    renderer,
    pdf: opts.pdf ?? (chromium ? new PdfRenderer(chromium) : undefined),
    attachments: opts.attachmentStore,
    attachmentLimits: opts.attachmentLimits,
    taskQueue,
    logger: opts.logger ?? false,
    sendCode: opts.sendCode,
  });
  await app.ready();

  return {
    app,
    orm,
    client,
    taskQueue,
    temporalAddress: address,
    apiKey: TEST_API_KEY,
    async login(username) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/token',
        payload: { username, password: TEST_PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      return res.json<{ access_token: string }>().access_token;
    },
    async close() {
      await app.close();
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await orm.close();
    },
  };
}

/** JSON body of a response, failing with the whole answer when the status is not the expected one. */
export function expectStatus<T = any>(res: LightMyRequestResponse, status: number): T {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res.json<T>();
}

/** Polls `fn` until it returns a truthy value (for effects of timers), failing after `ms`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  ms = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
