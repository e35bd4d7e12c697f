/**
 * A worker process's health endpoint, on WORKER_HEALTH_ADDRESS (config/health.ts; off by default):
 * - `GET /healthz` (liveness): 200 while the worker is INITIALIZED or RUNNING, else 503 (stopping,
 *   stopped or failed: restart it);
 * - `GET /readyz` (readiness): 200 when the worker is RUNNING, PostgreSQL answers and its Temporal
 *   connection answers, else 503 naming the failing check.
 * Answers are JSON without addresses or credentials. Plain node:http: two fixed routes do not need a
 * framework in the worker process.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostPort } from '../config/health';

export interface WorkerHealthProbes {
  /** The SDK worker's state (Worker.getState()). */
  state(): string;
  /** A trivial query on the worker's database (e.g. `orm.em.execute('select 1')`). */
  database(): Promise<unknown>;
  /** A call on the worker's Temporal connection (e.g. `connection.workflowService.getSystemInfo({})`). */
  temporal(): Promise<unknown>;
}

export interface WorkerHealthServer {
  /** The port it listens on (the configured one, or the one chosen for port 0). */
  port: number;
  close(): Promise<void>;
}

const LIVE_STATES = new Set(['INITIALIZED', 'RUNNING']);
const TIMEOUT_MS = 2000;

async function probe(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error && err.message === 'timeout' ? 'timeout' : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

export async function handleWorkerHealth(
  path: string,
  probes: WorkerHealthProbes,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const state = probes.state();
  if (path === '/healthz') {
    const ok = LIVE_STATES.has(state);
    return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'failing', state } };
  }
  if (path === '/readyz') {
    const [database, temporal] = await Promise.all([probe(probes.database), probe(probes.temporal)]);
    const checks = {
      worker: state === 'RUNNING' ? { ok: true, state } : { ok: false, state },
      database,
      temporal,
    };
    const ok = Object.values(checks).every((c) => c.ok);
    return { status: ok ? 200 : 503, body: { status: ok ? 'ready' : 'not ready', checks } };
  }
  return { status: 404, body: { status: 'not found' } };
}

export async function startWorkerHealthServer(
  address: HostPort,
  probes: WorkerHealthProbes,
  onError: (err: unknown) => void = () => undefined,
): Promise<WorkerHealthServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const answer =
      req.method === 'GET' || req.method === 'HEAD'
        ? handleWorkerHealth(path, probes)
        : Promise.resolve({ status: 405, body: { status: 'method not allowed' }, allow: 'GET, HEAD' });
    answer
      .catch((err: unknown) => {
        onError(err);
        return { status: 500, body: { status: 'error' } };
      })
      .then((answered) => {
        const { status, body } = answered;
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          ...('allow' in answered ? { allow: answered.allow } : {}),
        });
        res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
      }, onError);
  });
  // Probes come every few seconds: idle keep-alive connections need not hold the process at shutdown.
  server.keepAliveTimeout = 5000;
  // No auth on this port: a slow or flooding client must not hold sockets (or, through /readyz, the
  // activities' database pool) for Node's default minutes.
  server.headersTimeout = 5000;
  server.requestTimeout = 5000;
  server.maxConnections = 32;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', onError);
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
