/**
 * The scale suite's cluster: its own Temporal server and namespace (temporal-server.ts), one
 * database of its own (migrated, seeded, with a short SLA policy for live alerts), the workflow
 * bundle prebuilt once as the worker image has it (WORKFLOW_BUNDLE_PATH), two worker processes and
 * two API processes, each API on its own port and logging in to PostgreSQL as a role of its own,
 * so that the suite can find (and lock out) one API's alert listener session.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { seedDemo } from '../../demo/seed';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { freePort } from '../../temporal/dev-server';
import { TEST_PAYLOAD_KEYS_ENV } from '../helpers/payload-keys';
import { TEST_API_KEY, TEST_PASSWORD } from '../helpers/run-state';
import { spawnTs, stopProc, type Proc } from './processes';
import { startScaleTemporal, type ScaleTemporal } from './temporal-server';

/** /readyz counts a worker seen within this many seconds (the server's long poll is 5 s here). */
export const WORKER_MAX_AGE_SECONDS = 12;

export interface ScaleCluster {
  dir: string;
  temporal: ScaleTemporal;
  /** Superuser pool on the suite's database, for the suite's own reads. */
  db: Pool;
  /** On the server's maintenance database: ALTER ROLE and the like. */
  admin: Pool;
  apiRoles: [string, string];
  workers: Proc[];
  apis: Proc[];
  /** Starts worker `i` (again): a new process. */
  startWorker(i: number): Proc;
  close(): Promise<void>;
}

export async function startScaleCluster(): Promise<ScaleCluster> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const dbName = `fengqiao_scale_${suffix}`;
  const namespace = `fengqiao-scale-${suffix}`;
  const apiRoles: [string, string] = [`fq_scale_api1_${suffix}`, `fq_scale_api2_${suffix}`];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fengqiao-scale-'));
  const dbUrl = (user?: string) => {
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    if (user) {
      u.username = user;
      u.password = '';
    }
    return u.toString();
  };
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => console.error('scale cleanup:', err));
    cleanups.length = 0;
  };
  const admin = new Pool({ connectionString: adminUrl, max: 2 });
  cleanups.push(() => admin.end());
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  try {
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    const prepareDatabase = async () => {
      await ensureDatabase(adminUrl, dbName);
      cleanups.push(async () => {
        await dropDatabase(adminUrl, dbName);
        for (const role of apiRoles) await admin.query(`drop role if exists ${role}`);
      });
      // Each API logs in as a role of its own (trust authentication, as the tests' server has it).
      for (const role of apiRoles) await admin.query(`create role ${role} login superuser`);
      const orm = await initORM(dbUrl(), {
        pool: { min: 0, max: 2 },
        migrations: { ...ormOptions('').migrations, silent: true },
      });
      try {
        await migrate(orm);
        await seedDemo(orm.em.fork(), { demoPassword: TEST_PASSWORD, demoApiKey: TEST_API_KEY });
        // `land` at a community: 2 s to accept (warning at 1 s), then escalated; an hour at the street.
        await orm.em.execute(
          `insert into sla_policies (category, priority, level, accept_seconds, handling_seconds, warning_share, auto_escalate, calendar)
           values ('land', 'normal', 'community', 2, 60, 0.5, true, 'wall-clock'),
                  ('land', 'normal', 'street', 3600, 3600, 0.8, true, 'wall-clock')`,
        );
      } finally {
        await orm.close();
      }
    };
    // The bundle is built while the server, the database and then the APIs come up.
    const bundled = buildWorkflowBundle({ outFile: bundlePath, logger: quietLogger });
    bundled.catch(() => undefined);
    const [temporal] = await Promise.all([
      startScaleTemporal(namespace).then((t) => {
        cleanups.push(() => t.stop());
        return t;
      }),
      prepareDatabase(),
    ]);
    const db = new Pool({ connectionString: dbUrl(), max: 4 });
    cleanups.push(() => db.end());

    const common = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: namespace,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS_ENV,
      LOG_LEVEL: 'warn',
      WORKER_LOG_LEVEL: 'warn',
    };
    const workers: Proc[] = [];
    const workerPorts = [await freePort(), await freePort()];
    const startWorker = (i: number): Proc => {
      const port = workerPorts[i]!;
      const p = spawnTs(
        `worker${i + 1}`,
        'worker/main.ts',
        {
          ...common,
          DATABASE_URL: dbUrl(),
          WORKER_HEALTH_ADDRESS: `127.0.0.1:${port}`,
          WORKFLOW_BUNDLE_PATH: bundlePath,
        },
        path.join(dir, `worker${i + 1}.log`),
        `http://127.0.0.1:${port}`,
      );
      workers[i] = p;
      return p;
    };
    cleanups.push(() => Promise.all(workers.map((w) => stopProc(w))));
    const apis: Proc[] = [];
    cleanups.push(() => Promise.all(apis.map((a) => stopProc(a, 'SIGTERM'))));
    for (const i of [0, 1]) {
      const port = await freePort();
      apis.push(
        spawnTs(
          `api${i + 1}`,
          'test/scale/api-child.ts',
          {
            ...common,
            DATABASE_URL: dbUrl(apiRoles[i]),
            HOST: '127.0.0.1',
            PORT: String(port),
            PUBLIC_URL: `http://127.0.0.1:${port}`,
            READYZ_WORKER_MAX_AGE_SECONDS: String(WORKER_MAX_AGE_SECONDS),
            RATE_LIMIT_PER_KEY: '1000000',
            RATE_LIMIT_PER_IP: '1000000',
            RATE_LIMIT_LOGIN_PER_IP: '10000',
          },
          path.join(dir, `api${i + 1}.log`),
          `http://127.0.0.1:${port}`,
        ),
      );
    }
    await bundled;
    startWorker(0);
    startWorker(1);
    return { dir, temporal, db, admin, apiRoles, workers, apis, startWorker, close };
  } catch (err) {
    await close();
    throw err;
  }
}

const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
  log: () => undefined,
};
