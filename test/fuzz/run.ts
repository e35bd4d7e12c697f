/**
 * `npm run fuzz`: the whole system for real — a Temporal dev server (in memory), a PostgreSQL
 * database of its own (fengqiao_fuzz_*, migrated and seeded, dropped at the end), the worker and the
 * API listening on a free port — then schemathesis over every operation of /docs/json. Exits non-zero
 * on any failure (a 5xx, a response that does not match its schema, an undocumented status or
 * content type).
 *
 * Environment: FUZZ_MAX_EXAMPLES (default 50 per operation and phase), FUZZ_SEED, FUZZ_WORKERS
 * (default 2), FUZZ_PHASES (default all), FUZZ_MAX_TIME (seconds), TEST_DATABASE_URL (the server's
 * admin URL; default postgres://postgres@127.0.0.1:5432/postgres). Reports: test/.tmp/fuzz-<pid>/.
 * Arguments go to `st run`: `npm run fuzz -- --include-path-regex signals --report har`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../../api/app';
import { PROJECT_ROOT } from '../../config/paths';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { seedDemo } from '../../demo/seed';
import { LogNotifier } from '../../activities/notifier';
import { startDevServer } from '../../temporal/dev-server';
import { findChromium, PdfRenderer } from '../../templates/pdf';
import { createRenderer } from '../../templates/render';
import { createWorker } from '../../worker/create-worker';
import { testDataConverter } from '../helpers/payload-keys';
import { junitFigures, makeFixtures, runSchemathesis, schemathesisPath } from './harness';

const PASSWORD = 'fuzz-password-123';
const API_KEY = 'fq_live_fuzz_key_0123456789abcdefghijklmnop';

async function main(): Promise<number> {
  if (!schemathesisPath()) {
    console.error('schemathesis is not installed: run `bash scripts/install-tools.sh --fuzz`');
    return 2;
  }
  const started = Date.now();
  const workDir = path.join(PROJECT_ROOT, 'test/.tmp', `fuzz-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `fengqiao_fuzz_${process.pid}_${Date.now().toString(36)}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => console.error('cleanup:', err));
    cleanups.length = 0;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanup().then(() => process.exit(130)));
  }

  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
    const server = await startDevServer({ headless: true, logLevel: 'error' });
    cleanups.push(server.stop);
    await ensureDatabase(adminUrl, dbName);
    cleanups.push(() => dropDatabase(adminUrl, dbName));
    const dbUrl = new URL(adminUrl);
    dbUrl.pathname = `/${dbName}`;

    const orm = await initORM(dbUrl.toString(), {
      pool: { min: 0, max: 10 },
      migrations: { ...ormOptions('').migrations, silent: true },
    });
    cleanups.push(() => orm.close());
    await migrate(orm);
    await seedDemo(orm.em.fork(), { demoPassword: PASSWORD, demoApiKey: API_KEY });

    const renderer = createRenderer();
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => nativeConnection.close());
    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const dataConverter = testDataConverter();
    const client = new Client({ connection, namespace: 'default', dataConverter });
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      dataConverter,
      orm,
      renderer,
      notifier: new LogNotifier(() => undefined),
      client,
      webhooks: { allowPrivate: false, initialRetryMs: 1000, maxAttempts: 2 },
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });

    // Server errors are logged with their stack (errors only), next to the reports.
    const logFile = path.join(workDir, 'api-errors.log');
    // PDFs as `npm start` makes them, where Chromium is installed (CI installs it).
    const chromium = findChromium(process.env.CHROMIUM_PATH);
    const app = await buildApp({
      // The fuzzer sends thousands of requests a minute from one address with one key.
      config: {
        tokenTtlSeconds: 3600,
        logLevel: 'error',
        rateLimits: { perKey: 1e6, perIp: 1e6, loginPerIp: 1e6 },
        webhooks: { allowPrivate: false },
      },
      orm,
      temporal: client,
      renderer,
      pdf: chromium ? new PdfRenderer(chromium) : undefined,
      logger: { level: 'error', file: logFile },
    });
    cleanups.push(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const baseUrl = `http://127.0.0.1:${port}`;
    console.log(
      `fuzz: system up in ${((Date.now() - started) / 1000).toFixed(1)} s — API ${baseUrl}, Temporal ${server.address}, database ${dbName}`,
    );

    const fixtures = await makeFixtures(baseUrl, { apiKey: API_KEY, password: PASSWORD });
    console.log(`fuzz: fixtures made (${fixtures.caseIds.length} cases, agreement ${fixtures.agreementNumbers[0]})`);

    const env = process.env;
    const result = await runSchemathesis({
      baseUrl,
      fixtures,
      workDir,
      pdf: !!chromium,
      maxExamples: Number(env.FUZZ_MAX_EXAMPLES ?? 50),
      workers: Number(env.FUZZ_WORKERS ?? 2),
      seed: env.FUZZ_SEED ? Number(env.FUZZ_SEED) : undefined,
      phases: env.FUZZ_PHASES ? env.FUZZ_PHASES.split(',') : undefined,
      maxTime: env.FUZZ_MAX_TIME ? Number(env.FUZZ_MAX_TIME) : undefined,
      extraArgs: process.argv.slice(2),
      onOutput: (text) => process.stdout.write(text),
    });
    const figures = junitFigures(result.junitPath);
    console.log(
      `\nfuzz: schemathesis exited ${result.exitCode} after ${((Date.now() - started) / 1000).toFixed(0)} s` +
        (figures
          ? ` — ${figures.tests} operation runs, ${figures.failures} failed, ${figures.errors} errors, ${figures.skipped} skipped`
          : '') +
        `\n      reports in ${path.relative(PROJECT_ROOT, workDir)}/ (junit.xml, schemathesis.toml, api-errors.log)`,
    );
    return result.exitCode;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
