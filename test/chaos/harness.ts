/**
 * The chaos suite's system, separate from the test run's shared one so that it can be broken:
 * - a database of its own (`fengqiao_chaos_…`, migrated and seeded, dropped at the end), reached by
 *   the worker and the API through TCP proxies that can cut it off;
 * - a Temporal dev server of its own, file-backed (SQLite in a temp dir), so it can be killed and
 *   restarted on the same port;
 * - the real worker in child processes (worker-child.ts): the polling one is killed with SIGKILL
 *   and a spare, started in advance, takes over;
 * - the API built in-process (buildApp) on its proxy and the dev server;
 * - a local HTTP receiver for the case webhooks and the notices, checking every signature.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { buildApp } from '../../api/app';
import type { LiveAlert } from '../../api/plugins/alert-stream';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { SlaPolicy } from '../../db/entities';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { seedDemo } from '../../demo/seed';
import { startDevServer, type DevServer } from '../../temporal/dev-server';
import { createRenderer } from '../../templates/render';
import { testPolicy } from '../helpers/fixtures';
import { testDataConverter } from '../helpers/payload-keys';
import { TEST_API_KEY, TEST_PASSWORD } from '../helpers/run-state';
import { TcpProxy } from './tcp-proxy';

const ROOT = path.join(__dirname, '../..');
export const NOTICE_SECRET = 'chaos-notice-secret';

/**
 * A wall-clock policy per category: `noise` never times out here; `family` warns after 1.5 s and
 * breaches its accept deadline after 3 s, `consumer` after 3 s and 6 s (no automatic escalation).
 */
export const CHAOS_POLICIES = [
  testPolicy('noise', { priority: '*' }),
  testPolicy('family', { priority: '*', acceptSeconds: 3, warningShare: 0.5, autoEscalate: false }),
  testPolicy('consumer', { priority: '*', acceptSeconds: 6, warningShare: 0.5, autoEscalate: false }),
];

export interface ReceivedDelivery {
  at: number;
  deliveryId: string;
  type: string;
  seq: number;
  disputeId: string;
  signed: boolean;
}
export interface ReceivedNotice {
  at: number;
  /** What the receiver answered. */
  status: number;
  key: string;
  kind: string;
  disputeId: string;
  signed: boolean;
}

/** The integrators' side: webhook deliveries and notices as they arrive, signatures checked. */
export class Receiver {
  readonly deliveries: ReceivedDelivery[] = [];
  readonly notices: ReceivedNotice[] = [];
  webhookSecret = '';
  /** Notices whose message contains `text` are answered 503 `times` times (the endpoint is down). */
  private readonly refusing: Array<{ text: string; times: number }> = [];
  private server?: http.Server;

  refuseNotices(text: string, times: number): void {
    this.refusing.push({ text, times });
  }
  url = '';

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        const json = JSON.parse(body) as Record<string, any>;
        const signedWith = (secret: string) => {
          const expected = `sha256=${createHmac('sha256', secret).update(`${req.headers['x-fengqiao-timestamp']}.${body}`).digest('hex')}`;
          const given = String(req.headers['x-fengqiao-signature']);
          return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
        };
        if (req.url === '/events') {
          this.deliveries.push({
            at: Date.now(),
            deliveryId: String(req.headers['x-fengqiao-delivery']),
            type: json.type,
            seq: json.seq,
            disputeId: json.dispute?.id,
            signed: signedWith(this.webhookSecret) && json.deliveryId === req.headers['x-fengqiao-delivery'],
          });
          res.statusCode = 200;
        } else if (req.url === '/notices') {
          const refusal = this.refusing.find((r) => r.times > 0 && String(json.message).includes(r.text));
          if (refusal) refusal.times -= 1;
          res.statusCode = refusal ? 503 : 200;
          this.notices.push({
            at: Date.now(),
            status: res.statusCode,
            key: String(req.headers['idempotency-key']),
            kind: json.kind,
            disputeId: json.disputeId,
            signed: signedWith(NOTICE_SECRET),
          });
        } else {
          res.statusCode = 404;
        }
        res.end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}

export interface WorkerEnv {
  temporalAddress: string;
  databaseUrl: string;
  taskQueue: string;
  noticeUrl: string;
}

/** One worker-child.ts process on `env`, its stderr appended to `logFile`; stdin and stdout piped. */
export function spawnWorkerChild(env: WorkerEnv, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'worker-child.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        TS_NODE_SWC: 'true',
        TEMPORAL_ADDRESS: env.temporalAddress,
        DATABASE_URL: env.databaseUrl,
        CHAOS_TASK_QUEUE: env.taskQueue,
        CHAOS_NOTICE_URL: `${env.noticeUrl}/notices`,
        CHAOS_NOTICE_SECRET: NOTICE_SECRET,
      },
      stdio: ['pipe', 'pipe', fd],
    },
  );
  closeSync(fd);
  return child;
}

/**
 * The worker child processes: one polling, and spares started in advance (built and connected, not
 * polling). `kill9()` kills the polling one with SIGKILL and lets a spare poll at once (another spare
 * starts in the background), the way another worker process of a deployment takes over; so the
 * kills land where the plan puts them, not after a cold start. An exit it did not cause is recorded,
 * and a spare takes over then too.
 */
export class WorkerSupervisor {
  private active?: ChildProcess;
  private readonly spares: Array<Promise<ChildProcess>> = [];
  private stopping = false;
  private readonly children = new Set<ChildProcess>();
  readonly kills: Array<{ at: number; pid: number; takeoverMs: number }> = [];
  readonly unexpectedExits: Array<{ at: number; pid: number; code: number | null; signal: string | null }> = [];
  starts = 0;
  readonly logFile: string;

  constructor(
    private readonly env: WorkerEnv,
    dir: string,
    /** How many spares to start with, and whether to start another each time one takes over. */
    private readonly spareOpts: { count: number; refill: boolean },
  ) {
    this.logFile = path.join(dir, 'worker.log');
  }

  get pid(): number | undefined {
    return this.active?.pid;
  }

  /** The first worker; resolves once it polls and its spares are ready. */
  async start(): Promise<void> {
    for (let i = 0; i <= this.spareOpts.count; i++) this.addSpare();
    await this.takeOver(false);
    await Promise.all(this.spares.map((s) => s.catch(() => undefined)));
  }

  /** kill -9 the polling worker (once a spare is ready); resolves once the spare polls. */
  async kill9(): Promise<void> {
    await this.spareReady();
    const child = this.active;
    const at = Date.now();
    if (child) {
      this.active = undefined;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await this.takeOver();
    this.kills.push({ at, pid: child?.pid ?? 0, takeoverMs: Date.now() - at });
  }

  /** A spare starts polling (a new process if none is ready). */
  private async takeOver(refill = this.spareOpts.refill): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const next = this.spares.shift() ?? this.spawnOne();
      try {
        const child = await next;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error('the spare worker has exited');
        this.active = child;
        child.stdin!.write('go\n');
        break;
      } catch (err) {
        // A worker cannot start while the database is cut off: try again, as a supervisor would.
        if (attempt >= 120 || this.stopping) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    if (refill) this.addSpare();
  }

  /** Waits until the next spare is built and connected. */
  private async spareReady(): Promise<void> {
    for (let attempt = 1; attempt <= 240 && !this.stopping; attempt++) {
      if (this.spares.length === 0) this.addSpare();
      try {
        const child = await this.spares[0];
        if (child && child.exitCode === null && child.signalCode === null) return;
      } catch {
        // being started again (see prepareSpares)
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error('no spare worker could be started in 2 minutes');
  }

  /** Starts a spare; one that fails to start (the database cut off, say) or dies waiting is replaced. */
  private addSpare(): void {
    if (this.stopping) return;
    const spare = this.spawnOne();
    this.spares.push(spare);
    const drop = () => {
      const i = this.spares.indexOf(spare);
      if (i < 0) return; // it has taken over meanwhile
      void this.spares.splice(i, 1);
      setTimeout(() => this.addSpare(), 1000);
    };
    void spare.then((child) => child.once('exit', drop), drop);
  }

  /** A worker process, resolved once it is built and connected (not yet polling). */
  private spawnOne(): Promise<ChildProcess> {
    const child = spawnWorkerChild(this.env, this.logFile);
    child.stdin!.on('error', () => undefined); // a worker killed before it read its `go`
    this.children.add(child);
    this.starts += 1;
    const started = Date.now();
    child.once('exit', (code, signal) => {
      this.children.delete(child);
      // Its pipes go with it: none may outlive the suite (a pipe left open can keep the test process from exiting).
      child.stdin!.destroy();
      child.stdout!.destroy();
      if (this.active !== child) return;
      this.active = undefined;
      if (this.stopping) return;
      this.unexpectedExits.push({ at: Date.now(), pid: child.pid ?? 0, code, signal });
      void this.takeOver().catch(() => undefined);
    });
    return new Promise<ChildProcess>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/^ready \d+/m.test(out)) resolve(child);
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`worker exited before it was ready (${code ?? signal}) after ${Date.now() - started} ms`)),
      );
    });
  }

  /** Ends every worker process (SIGKILL: the suite is over, nothing is left to finish). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }),
    );
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

export interface ChaosSystem {
  app: FastifyInstance;
  client: Client;
  /** Direct to PostgreSQL (not through the proxy): the suite's own reads. */
  db: Pool;
  /** The TCP proxies between PostgreSQL and the worker processes, and the API. */
  proxies: { worker: TcpProxy; api: TcpProxy };
  worker: WorkerSupervisor;
  receiver: Receiver;
  taskQueue: string;
  /** Every alert the API's live stream (SSE source) handed out, in order. */
  streamed: LiveAlert[];
  /** The API's 5xx answers by cause (its error log), and the warnings of its database pool. */
  apiErrors: Record<string, number>;
  dbWarnings: Record<string, number>;
  temporal(): DevServer;
  /** kill -9 the dev server and start it again on the same file and port; resolves to the downtime (ms). */
  restartTemporal(): Promise<number>;
  close(): Promise<void>;
}

export async function startChaosSystem(opts: {
  spareWorkers: { count: number; refill: boolean };
  /** Where to copy the worker's and the API's logs at the end (as `<prefix>worker.log`, `<prefix>api.log`). */
  keepLogs?: { dir: string; prefix: string };
}): Promise<ChaosSystem> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `fengqiao_chaos_${process.pid}_${Date.now().toString(36)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fengqiao-chaos-'));
  const directUrl = new URL(adminUrl);
  directUrl.pathname = `/${dbName}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => console.error('chaos cleanup:', err));
    cleanups.length = 0;
  };
  try {
    cleanups.push(async () => {
      await dropDatabase(adminUrl, dbName);
      if (opts.keepLogs) {
        mkdirSync(opts.keepLogs.dir, { recursive: true });
        for (const log of ['worker.log', 'api.log']) {
          if (existsSync(path.join(dir, log)))
            copyFileSync(path.join(dir, log), path.join(opts.keepLogs.dir, `${opts.keepLogs.prefix}${log}`));
        }
      }
      rmSync(dir, { recursive: true, force: true });
    });
    const prepareDatabase = async () => {
      await ensureDatabase(adminUrl, dbName);
      const setupOrm = await initORM(directUrl.toString(), {
        pool: { min: 0, max: 2 },
        migrations: { ...ormOptions('').migrations, silent: true },
      });
      try {
        await migrate(setupOrm);
        await seedDemo(setupOrm.em.fork(), { demoPassword: TEST_PASSWORD, demoApiKey: TEST_API_KEY });
        const em = setupOrm.em.fork();
        for (const p of CHAOS_POLICIES) em.persist(em.create(SlaPolicy, p));
        await em.flush();
      } finally {
        await setupOrm.close();
      }
    };
    // The database and the dev server come up side by side.
    const dbFile = path.join(dir, 'temporal.db');
    let server: DevServer | undefined;
    const [prepared, started] = await Promise.allSettled([
      prepareDatabase(),
      startDevServer({ dbFile, headless: true, logLevel: 'error' }),
    ]);
    if (started.status === 'fulfilled') {
      server = started.value;
      cleanups.push(() => server!.stop());
    }
    if (prepared.status === 'rejected') throw prepared.reason;
    if (started.status === 'rejected') throw started.reason;
    const address = started.value.address;
    const db = new Pool({ connectionString: directUrl.toString(), max: 4 });
    cleanups.push(() => db.end());

    // One proxy for the worker and one for the API: the outage cuts both; a test may cut only the worker's.
    const proxied = async () => {
      const proxy = new TcpProxy({ host: directUrl.hostname, port: Number(directUrl.port || 5432) });
      const url = new URL(directUrl.toString());
      url.hostname = '127.0.0.1';
      url.port = String(await proxy.listen());
      cleanups.push(() => proxy.close());
      return { proxy, url: url.toString() };
    };
    const workerDb = await proxied();
    const apiDb = await proxied();

    const port = Number(address.split(':')[1]);

    const receiver = new Receiver();
    await receiver.start();
    cleanups.push(() => receiver.close());

    const taskQueue = `chaos-${process.pid}`;
    const worker = new WorkerSupervisor(
      { temporalAddress: address, databaseUrl: workerDb.url, taskQueue, noticeUrl: receiver.url },
      dir,
      opts.spareWorkers,
    );
    cleanups.push(() => worker.stop());
    const workerUp = worker.start();

    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    // The worker child encrypts payloads with the tests' key (worker-child.ts): the same here.
    const client = new Client({ connection, namespace: 'default', dataConverter: testDataConverter() });
    const apiErrors: Record<string, number> = {};
    const dbWarnings: Record<string, number> = {};
    const count = (into: Record<string, number>, what: string) => {
      const key = what
        .replace(/[0-9a-f]{64}/g, '…')
        .replace(/'[^']*'/g, '…')
        .slice(0, 160);
      into[key] = (into[key] ?? 0) + 1;
    };
    const orm: MikroORM = await initORM(apiDb.url, {
      pool: { min: 0, max: 10 },
      // knex prints broken connections with console.log: count them instead.
      driverOptions: { log: { warn: (m: string) => count(dbWarnings, String(m)) } },
    });
    cleanups.push(() => orm.close());
    const apiLog = createWriteStream(path.join(dir, 'api.log'));
    cleanups.push(() => new Promise((resolve) => apiLog.end(resolve)));
    const app = await buildApp({
      config: {
        tokenTtlSeconds: 3600,
        logLevel: 'silent',
        rateLimits: { perKey: 1e7, perIp: 1e7, loginPerIp: 1e7 },
        webhooks: { allowPrivate: true },
      },
      orm,
      temporal: client,
      renderer: createRenderer(),
      taskQueue,
      logger: {
        level: 'error',
        stream: {
          write: (line: string) => {
            apiLog.write(line);
            const entry = JSON.parse(line) as { msg?: string; status?: number; err?: { message?: string } };
            // By the answer it became (503 "try again" or 500) and what failed.
            count(apiErrors, `${entry.status ?? '-'} ${entry.err?.message ?? entry.msg ?? line}`);
          },
        },
      },
    });
    await app.ready();
    cleanups.push(() => app.close());
    const streamed: LiveAlert[] = [];
    app.alertStream.subscribe({ deliver: (a) => streamed.push(a), close: () => undefined });
    await workerUp;

    return {
      app,
      client,
      db,
      proxies: { worker: workerDb.proxy, api: apiDb.proxy },
      worker,
      receiver,
      taskQueue,
      streamed,
      apiErrors,
      dbWarnings,
      temporal: () => server!,
      async restartTemporal() {
        const down = Date.now();
        const old = server!;
        const exited = new Promise((resolve) => old.process.once('exit', resolve));
        old.process.kill('SIGKILL');
        await exited;
        await old.stop(); // drops its exit hook
        server = await startDevServer({ dbFile, port, headless: true, logLevel: 'error' });
        return Date.now() - down;
      },
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
