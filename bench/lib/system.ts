/**
 * The system under test, started by the bench itself: a Temporal CLI dev server on a SQLite file
 * (WAL, like `npm start`) under a temp dir, a PostgreSQL database of its own (migrated, demo
 * directory seeded), the workflow bundles, a worker process (bench/worker-child.ts) and an API
 * process (api/server.ts, i.e. `npm run api`) listening on a free port.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { seedDemo } from '../../demo/seed';
import { formatPayloadKeys, generatePayloadKeys } from '../../config/payload-keys';
import { API_KEY_PREFIX, newSecret } from '../../security/credentials';
import { payloadDataConverter } from '../../temporal/codec';
import { freePort, startDevServer, type DevServer } from '../../temporal/dev-server';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import type { ChildStatus } from '../worker-child';
import { HttpClient } from './http';
import { sleepMs } from './stats';

export const BENCH_PASSWORD = 'bench-demo-password';
const TS_NODE = require.resolve('ts-node/register/transpile-only');
const BENCH_DIR = path.join(__dirname, '..');
const PROJECT_ROOT = path.join(BENCH_DIR, '..');

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};

/** The PostgreSQL server: 127.0.0.1:5432 if it answers, else the server of DATABASE_URL. */
export async function adminDatabaseUrl(): Promise<string> {
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  const pg = new PgClient({ connectionString: local, connectionTimeoutMillis: 2000 });
  try {
    await pg.connect();
    await pg.query('select 1');
    return local;
  } catch {
    const configured = process.env.DATABASE_URL;
    if (!configured) throw new Error('no PostgreSQL on 127.0.0.1:5432 and no DATABASE_URL');
    return configured;
  } finally {
    await pg.end().catch(() => undefined);
  }
}

/** Drops every database whose name starts with `prefix` (an interrupted run's leftovers). */
export async function dropBenchDatabases(prefix: string): Promise<void> {
  if (!/^fengqiao_bench_[a-z0-9_]+$/.test(prefix)) throw new Error(`unsafe prefix ${prefix}`);
  const adminUrl = await adminDatabaseUrl();
  const pg = new PgClient({ connectionString: adminUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) await dropDatabase(adminUrl, datname);
  } finally {
    await pg.end();
  }
}

export function databaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database `name` on the admin server, migrated and seeded with the demo directory. */
export async function createBenchDatabase(adminUrl: string, name: string, apiKey: string): Promise<string> {
  await ensureDatabase(adminUrl, name);
  const url = databaseUrl(adminUrl, name);
  const orm = await initORM(url, { migrations: { ...ormOptions('').migrations, silent: true } });
  try {
    await migrate(orm);
    await seedDemo(orm.em.fork(), { demoPassword: BENCH_PASSWORD, demoApiKey: apiKey });
  } finally {
    await orm.close();
  }
  return url;
}

/**
 * The worker and API processes run as production runs them (`npm run worker` / `npm run api`: node on
 * tsc's output), compiled once per bench run into dist-bench/ (the bench's own processes and the
 * test suite run under ts-node, which adds a require hook, source-map stack traces and Node's
 * `domain` module to every process it runs). BENCH_TS_NODE=1 runs them under ts-node instead.
 */
const COMPILED_ROOT = path.join(PROJECT_ROOT, 'dist-bench');
let compiled = false;
function compileChildren(): void {
  if (compiled) return;
  rmSync(COMPILED_ROOT, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(BENCH_DIR, 'tsconfig.children.json')],
    { stdio: 'inherit' },
  );
  compiled = true;
}

/** Runs a TypeScript file of this project in a child Node process (compiled; see above), with IPC. */
export function forkTs(
  file: string,
  env: Record<string, string>,
  opts: { gc?: boolean; quietStdout?: boolean } = {},
): ChildProcess {
  // BENCH_PROFILE_DIR: V8 CPU profiles of the child processes (written when they exit), to see where their time goes.
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE_DIR)}`]
    : [];
  const tsNode = process.env.BENCH_TS_NODE === '1';
  if (!tsNode) compileChildren();
  const script = tsNode ? file : path.join(COMPILED_ROOT, path.relative(PROJECT_ROOT, file)).replace(/\.ts$/, '.js');
  // BENCH_NO_VM_TIMEOUT=1: calls into workflow contexts without Node's per-call watchdog thread (lib/no-vm-timeout.cjs; a measurement only).
  const noVmTimeout =
    process.env.BENCH_NO_VM_TIMEOUT === '1' ? ['-r', path.join(BENCH_DIR, 'lib', 'no-vm-timeout.cjs')] : [];
  return fork(script, [], {
    cwd: PROJECT_ROOT,
    execArgv: [...noVmTimeout, ...(tsNode ? ['-r', TS_NODE] : []), ...(opts.gc ? ['--expose-gc'] : []), ...profile],
    // Production mode, as deployed; it requires the public address documents print (config/env.ts).
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://fengqiao.bench.invalid',
      ...env,
    },
    stdio: ['ignore', opts.quietStdout ? 'ignore' : 'inherit', 'inherit', 'ipc'],
  });
}

/** The bench's side of a worker process. */
export class WorkerProcess {
  private constructor(readonly child: ChildProcess) {}

  static async start(env: Record<string, string>, opts: { gc?: boolean } = {}): Promise<WorkerProcess> {
    const child = forkTs(path.join(BENCH_DIR, 'worker-child.ts'), env, opts);
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench worker exited (${code}) before it was ready`));
      child.once('exit', onExit);
      child.once('message', (m: { type: string }) => {
        child.removeListener('exit', onExit);
        if (m.type === 'ready') resolve();
        else reject(new Error(`unexpected message ${JSON.stringify(m)}`));
      });
    });
    return new WorkerProcess(child);
  }

  private ask(type: 'status' | 'memory'): Promise<ChildStatus> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error('bench worker exited'));
      this.child.once('exit', onExit);
      this.child.once('message', (m: ChildStatus) => {
        this.child.removeListener('exit', onExit);
        resolve(m);
      });
      this.child.send({ type });
    });
  }

  status(): Promise<ChildStatus> {
    return this.ask('status');
  }

  /** Memory after a full garbage collection of the main thread (needs gc: true). */
  memory(): Promise<ChildStatus> {
    return this.ask('memory');
  }

  /** Waits until no workflow activation or activity has been in flight for `quietMs`. */
  async idle(quietMs = 1000, timeoutMs = 600_000): Promise<ChildStatus> {
    const deadline = Date.now() + timeoutMs;
    let quietSince = 0;
    for (;;) {
      const s = await this.status();
      const busy = s.workers.some((w) => w.inFlightActivations > 0 || w.inFlightActivities > 0);
      if (busy) quietSince = 0;
      else if (!quietSince) quietSince = Date.now();
      else if (Date.now() - quietSince >= quietMs) return s;
      if (Date.now() > deadline) throw new Error('bench worker did not become idle');
      await sleepMs(100);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (!this.child.connected) {
      this.child.kill('SIGKILL');
      return;
    }
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

export interface BenchSystem {
  tmpDir: string;
  devServer: DevServer;
  temporalAddress: string;
  client: Client;
  adminUrl: string;
  dbName: string;
  dbUrl: string;
  /** The bench's own connection, for checks and set-up reads. */
  orm: MikroORM;
  apiKey: string;
  disputeBundle: string;
  bareBundle: string;
  worker: WorkerProcess;
  api: HttpClient;
  apiUrl: string;
  apiChild: ChildProcess;
  close(): Promise<void>;
}

export const BARE_TASK_QUEUE = 'bench-bare';

export async function startBenchSystem(opts: {
  dbPrefix: string;
  apiLogLevel: string;
  log: (line: string) => void;
  /** More environment for the worker and API processes (bench/knobs.ts: DATABASE_POOL_MAX, BENCH_WORKER_TUNING). */
  env?: Record<string, string>;
  /** The dev server's SQLite pragmas (bench/knobs.ts); its defaults otherwise. */
  sqlitePragmas?: string[];
}): Promise<BenchSystem> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => console.error('cleanup:', err));
  };
  try {
    const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'fengqiao-bench-'));
    cleanups.push(async () => rmSync(tmpDir, { recursive: true, force: true }));
    const adminUrl = await adminDatabaseUrl();
    const dbName = `${opts.dbPrefix}main`;
    const apiKey = newSecret(API_KEY_PREFIX);
    // Payloads encrypted as in production: one key for this run, shared by the worker and API processes.
    const payloadKeys = generatePayloadKeys('bench');
    opts.log(`  temporal dev server (SQLite under ${tmpDir}), database ${dbName}, workflow bundles…`);
    const [devServer, disputeBundle, bareBundle, dbUrl] = await Promise.all([
      startDevServer({
        dbFile: path.join(tmpDir, 'temporal.db'),
        headless: true,
        logLevel: 'error',
        sqlitePragmas: opts.sqlitePragmas,
      }),
      bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }),
      bundleWorkflowCode({ workflowsPath: require.resolve('../workflows/bare.workflow'), logger: quietLogger }),
      createBenchDatabase(adminUrl, dbName, apiKey),
    ]);
    cleanups.push(() => dropDatabase(adminUrl, dbName));
    cleanups.push(() => devServer.stop());
    const disputeBundlePath = path.join(tmpDir, 'dispute-bundle.js');
    const bareBundlePath = path.join(tmpDir, 'bare-bundle.js');
    writeFileSync(disputeBundlePath, disputeBundle.code);
    writeFileSync(bareBundlePath, bareBundle.code);

    const connection = await Connection.connect({ address: devServer.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter(payloadKeys) });
    const orm = await initORM(dbUrl, { pool: { min: 0, max: 4 } });
    cleanups.push(() => orm.close());

    opts.log('  worker process and API process…');
    const worker = await WorkerProcess.start({
      TEMPORAL_ADDRESS: devServer.address,
      DATABASE_URL: dbUrl,
      BENCH_WORKER_MODE: 'both',
      BENCH_TASK_QUEUE: 'fengqiao-disputes',
      BENCH_BARE_TASK_QUEUE: BARE_TASK_QUEUE,
      BENCH_DISPUTE_BUNDLE: disputeBundlePath,
      BENCH_BARE_BUNDLE: bareBundlePath,
      PAYLOAD_KEYS: formatPayloadKeys(payloadKeys),
      ...opts.env,
    });
    cleanups.push(() => worker.stop());

    const port = await freePort();
    const apiChild = forkTs(
      path.join(PROJECT_ROOT, 'api/server.ts'),
      {
        TEMPORAL_ADDRESS: devServer.address,
        DATABASE_URL: dbUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: opts.apiLogLevel,
        // The default limits (600 a minute per key) would measure the limiter, not the API.
        RATE_LIMIT_PER_KEY: '1000000',
        RATE_LIMIT_PER_IP: '1000000',
        RATE_LIMIT_LOGIN_PER_IP: '10000',
        PAYLOAD_KEYS: formatPayloadKeys(payloadKeys),
        ...opts.env,
      },
      { quietStdout: true },
    );
    // Ended with the bench, however it ends (the worker process ends when its IPC channel closes).
    const killApi = () => apiChild.kill('SIGKILL');
    process.once('exit', killApi);
    cleanups.push(async () => {
      process.removeListener('exit', killApi);
      if (apiChild.exitCode !== null) return;
      const exited = new Promise<void>((r) => apiChild.once('exit', () => r()));
      apiChild.kill('SIGTERM');
      const timer = setTimeout(() => apiChild.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    });
    const apiUrl = `http://127.0.0.1:${port}`;
    const api = new HttpClient(new URL(apiUrl), 256);
    cleanups.push(async () => api.close());
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (apiChild.exitCode !== null) throw new Error(`API process exited (${apiChild.exitCode})`);
      const ok = await api.request('GET', '/readyz').then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('API process did not become ready');
      await sleepMs(200);
    }

    return {
      tmpDir,
      devServer,
      temporalAddress: devServer.address,
      client,
      adminUrl,
      dbName,
      dbUrl,
      orm,
      apiKey,
      disputeBundle: disputeBundlePath,
      bareBundle: bareBundlePath,
      worker,
      api,
      apiUrl,
      apiChild,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
