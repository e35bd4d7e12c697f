/**
 * Once per test run: one Temporal dev server (in memory, from the installed CLI), one PostgreSQL
 * database created for the run (migrated and seeded), and the workflow bundle built once.
 * Test files find them through environment variables; global-teardown.ts stops and drops them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureDatabase } from '../../db/database';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { seedDemo } from '../../demo/seed';
import { startDevServer } from '../../temporal/dev-server';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { TEST_API_KEY, TEST_PASSWORD, runState } from './run-state';

export default async function globalSetup(): Promise<void> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `fengqiao_test_${process.pid}_${Date.now().toString(36)}`;

  const [server, bundle] = await Promise.all([
    startDevServer({ headless: true, logLevel: 'error' }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }),
    ensureDatabase(adminUrl, dbName),
  ]);
  const dir = path.join(__dirname, '../.tmp');
  mkdirSync(dir, { recursive: true });
  const bundlePath = path.join(dir, `workflow-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);

  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const orm = await initORM(dbUrl.toString(), { migrations: { ...ormOptions('').migrations, silent: true } });
  await migrate(orm);
  await seedDemo(orm.em.fork(), { demoPassword: TEST_PASSWORD, demoApiKey: TEST_API_KEY });
  await orm.close();
  // MikroORM keeps decorator metadata on globalThis; left here it leaks into the test realms
  // (mikro-orm/mikro-orm#3783: "Map.prototype.set called on incompatible receiver").
  for (const key of Object.keys(globalThis).filter((k) => k.startsWith('mikro-orm-')))
    delete (globalThis as Record<string, unknown>)[key];

  runState.set({ server, adminUrl, dbName, bundlePath });
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.DATABASE_URL = dbUrl.toString();
  process.env.FENGQIAO_TEST_BUNDLE = bundlePath;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
