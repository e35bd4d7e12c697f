/**
 * `npm start`: the whole system on one machine with embedded defaults.
 * - Temporal: TEMPORAL_ADDRESS (or a TEMPORAL_* profile) if set, else the CLI dev server on a
 *   SQLite file under data/ with the app's search attributes;
 * - PostgreSQL: DATABASE_URL, else 127.0.0.1:5432 if it answers, else embedded PGlite under data/;
 * - migrations and the demo seed, then the worker and the API in this process.
 * Ctrl-C stops everything in reverse order.
 */
// First: tracing, when configured, must hook `pg` before anything loads it (telemetry/tracing.ts).
import '../telemetry/register-start';
import path from 'node:path';
import { buildApp } from '../api/app';
import { loadConfig } from '../config/env';
import { DATA_DIR } from '../config/paths';
import { resolveDatabaseUrl } from '../db/database';
import { initORM, migrate } from '../db/orm';
import { seedDemo } from '../demo/seed';
import { demoHistoryAtStart } from '../demo/history';
import { checkInstall, readDataFolder } from './install';
import { configuredDataConverter } from '../temporal/codec';
import { connectClient, connectWorkerConnection } from '../temporal/connection';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { ensureSafetyIndexSchedule } from '../temporal/schedules';
import { TASK_QUEUE } from '../workflows/dispute.messages';
import { findChromium, PdfRenderer } from '../templates/pdf';
import { createRenderer } from '../templates/render';
import { createWorker, notifierFor } from '../worker/create-worker';
import { notificationsFor } from '../worker/notifications';
import { partyServicesFor } from '../api/services';
import { installWorkerRuntime } from '../worker/runtime';
import { stopTracing } from '../telemetry/tracing';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const cleanups: Array<() => Promise<unknown>> = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    for (const fn of cleanups.reverse()) await fn().catch((err) => console.error(err));
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));
  // We stop the worker ourselves, in order, instead of the SDK's own signal handlers.
  const workerLog = installWorkerRuntime(config, { sdkHandlesSignals: false });
  // Last to stop: the spans of everything else's shutdown go out too.
  cleanups.push(stopTracing);

  try {
    let devServer: DevServer | undefined;
    const embeddedTemporal = !process.env.TEMPORAL_ADDRESS && !process.env.TEMPORAL_PROFILE;
    const storeFile = path.join(DATA_DIR, 'temporal.db');
    // Read before the dev server starts: it creates a fresh store.
    const folder = embeddedTemporal ? readDataFolder(DATA_DIR, storeFile) : undefined;
    if (embeddedTemporal) {
      devServer = await startDevServer({
        dbFile: storeFile,
        port: Number(process.env.TEMPORAL_DEV_PORT ?? 7233),
        uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      });
      cleanups.push(devServer.stop);
      process.env.TEMPORAL_ADDRESS = devServer.address;
    }

    const db = await resolveDatabaseUrl({ embeddedAllowed: true });
    cleanups.push(db.close);
    const orm = await initORM(db.url, db.kind === 'embedded' ? { pool: { min: 0, max: 1 } } : {});
    cleanups.push(() => orm.close());
    const applied = await migrate(orm, {
      sessionUrl: db.kind === 'configured' ? config.database.listenUrl : undefined,
      onWait: (message) => console.log(message),
    });
    // The embedded store and the database must belong together, and to this workflow code.
    if (folder) await checkInstall(orm.em.fork(), { dataDir: DATA_DIR, folder });
    const seeded = await seedDemo(orm.em.fork(), { demoPassword: config.demoPassword, demoApiKey: config.demoApiKey });

    const renderer = createRenderer();
    const { connection, namespace } = await connectWorkerConnection();
    cleanups.push(() => connection.close());
    // Temporal's payloads encrypted (PAYLOAD_KEYS, else a key generated into the data folder).
    const dataConverter = configuredDataConverter(config);
    const temporal = await connectClient(dataConverter);
    cleanups.push(() => temporal.connection.close());
    const worker = await createWorker({
      connection,
      namespace,
      dataConverter,
      orm,
      renderer,
      notifier: notifierFor(config, (line) => workerLog.info(line)),
      officeHours: config.officeHours,
      client: temporal,
      webhooks: config.webhooks,
      // SMS and e-mail to the terminal (SMS_PROVIDER=log, no SMTP_URL): a demo reads its one-time codes there.
      notifications: notificationsFor(config, orm, (line) => console.log(line)),
    });
    await ensureSafetyIndexSchedule(temporal, TASK_QUEUE);
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });
    running.catch((err) => {
      console.error('worker failed:', err);
      void stop(1);
    });
    // First start: open cases in varied stages and six months of past for the board (DEMO_HISTORY=0 skips).
    const demoHistory = seeded.skipped
      ? seeded.skipped
      : await demoHistoryAtStart({
          orm,
          temporal,
          renderer,
          password: config.demoPassword,
          embedded: db.kind === 'embedded',
        });

    const chromiumPath = findChromium(config.chromiumPath);
    // The embedded Temporal UI may call /codec with the admin's console session (docs/operations.md).
    const uiOrigins = devServer?.uiUrl ? [devServer.uiUrl, devServer.uiUrl.replace('127.0.0.1', 'localhost')] : [];
    const app = await buildApp({
      config: { ...config, codecCorsOrigins: [...config.codecCorsOrigins, ...uiOrigins] },
      orm,
      temporal,
      renderer,
      pdf: chromiumPath ? new PdfRenderer(chromiumPath, config.pdf) : undefined,
      ...partyServicesFor(config, orm, (line) => console.log(line)),
    });
    cleanups.push(() => app.close());
    await app.listen({ port: config.port, host: config.host });

    const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
    console.log(
      [
        '',
        `Fengqiao is ready (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        `  Console      ${base}/console   (staff)`,
        `  Board        ${base}/board     (public Safety Index)`,
        `  Parties      ${base}/p/report  (public report form; /p/login: the parties' page)`,
        `  API          ${base}/api/v1`,
        `  API docs     ${base}/docs`,
        `  Temporal UI  ${devServer?.uiUrl ?? `(external Temporal at ${process.env.TEMPORAL_ADDRESS ?? 'TEMPORAL_* profile'})`}`,
        `  Temporal     ${process.env.TEMPORAL_ADDRESS ?? 'from TEMPORAL_PROFILE'}`,
        `  PostgreSQL   ${db.kind} (${db.url.replace(/\/\/[^@]*@/, '//***@')})`,
        applied.length ? `  migrations   applied ${applied.join(', ')}` : '  migrations   up to date',
        ...(seeded.skipped
          ? [`  demo         none (${seeded.skipped}); first administrator: npm run admin:create -- <username>`]
          : [
              seeded.generatedApiKey
                ? `  demo API key ${seeded.generatedApiKey}  (shown once; set DEMO_API_KEY to choose it)`
                : `  demo API key ${config.demoApiKey ? 'DEMO_API_KEY' : 'created on first start (printed then); set DEMO_API_KEY to choose it'}`,
              `  demo staff   mediator@yufuci-community, supervisor@wangjiaqiao-street, admin, … password: ${process.env.DEMO_PASSWORD ? 'DEMO_PASSWORD' : config.demoPassword} (created once; never reset)`,
              `  demo history ${demoHistory}`,
            ]),
        '',
      ].join('\n'),
    );
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await stop(1);
  }
}

void main();
