/**
 * The worker's health endpoint (worker/health.ts) as an orchestrator's probes see it, over real
 * HTTP, with the worker's state and its database and Temporal checks stubbed (one piece alone; the
 * scale suite checks it on real worker processes).
 */
import { parseHealthConfig } from '../../config/health';
import { startWorkerHealthServer, type WorkerHealthServer } from '../../worker/health';

let server: WorkerHealthServer;
let state = 'INITIALIZED';
let database: () => Promise<unknown> = async () => 1;
let temporal: () => Promise<unknown> = async () => ({});

beforeAll(async () => {
  server = await startWorkerHealthServer(
    { host: '127.0.0.1', port: 0 },
    { state: () => state, database: () => database(), temporal: () => temporal() },
  );
});
afterAll(() => server?.close());

const get = async (path: string, method = 'GET') => {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`, { method });
  return { status: res.status, body: method === 'GET' ? await res.json() : undefined };
};

it('is live while initialized or running, ready only while running with its database and Temporal', async () => {
  expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok', state: 'INITIALIZED' } });
  expect(await get('/readyz')).toEqual({
    status: 503,
    body: {
      status: 'not ready',
      checks: { worker: { ok: false, state: 'INITIALIZED' }, database: { ok: true }, temporal: { ok: true } },
    },
  });
  state = 'RUNNING';
  expect(await get('/readyz')).toEqual({
    status: 200,
    body: {
      status: 'ready',
      checks: { worker: { ok: true, state: 'RUNNING' }, database: { ok: true }, temporal: { ok: true } },
    },
  });
  expect((await get('/readyz', 'HEAD')).status).toBe(200);
});

it('names the failing check without the error text (no addresses), and times a hung check out', async () => {
  state = 'RUNNING';
  database = () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432 user=fengqiao password=secret'));
  temporal = () => new Promise(() => undefined); // never answers
  const started = Date.now();
  const res = await get('/readyz');
  expect(Date.now() - started).toBeLessThan(4000);
  expect(res).toEqual({
    status: 503,
    body: {
      status: 'not ready',
      checks: {
        worker: { ok: true, state: 'RUNNING' },
        database: { ok: false, error: 'unreachable' },
        temporal: { ok: false, error: 'timeout' },
      },
    },
  });
  // Liveness does not depend on them: a database outage must not get the worker restarted.
  expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok', state: 'RUNNING' } });
});

it('is not live once the worker has failed or stopped', async () => {
  for (const s of ['FAILED', 'STOPPED', 'DRAINING']) {
    state = s;
    expect(await get('/healthz')).toEqual({ status: 503, body: { status: 'failing', state: s } });
  }
  expect((await get('/metrics')).status).toBe(404);
});

it('reads WORKER_HEALTH_ADDRESS and READYZ_WORKER_MAX_AGE_SECONDS, refusing malformed ones in both languages', () => {
  const problems: string[] = [];
  expect(parseHealthConfig({}, problems)).toEqual({ workerAddress: undefined, readyzWorkerMaxAgeSeconds: 90 });
  expect(
    parseHealthConfig({ WORKER_HEALTH_ADDRESS: '0.0.0.0:9464', READYZ_WORKER_MAX_AGE_SECONDS: '30' }, problems),
  ).toEqual({ workerAddress: { host: '0.0.0.0', port: 9464 }, readyzWorkerMaxAgeSeconds: 30 });
  expect(parseHealthConfig({ WORKER_HEALTH_ADDRESS: '[::]:9464' }, problems).workerAddress).toEqual({
    host: '::',
    port: 9464,
  });
  expect(problems).toEqual([]);
  parseHealthConfig({ WORKER_HEALTH_ADDRESS: '9464', READYZ_WORKER_MAX_AGE_SECONDS: '0' }, problems);
  expect(problems).toEqual([
    'WORKER_HEALTH_ADDRESS 须为 主机:端口 / WORKER_HEALTH_ADDRESS must be host:port, e.g. 0.0.0.0:9464 (got "9464")',
    'READYZ_WORKER_MAX_AGE_SECONDS 须为 1 到 3600 的整数 / READYZ_WORKER_MAX_AGE_SECONDS must be an integer from 1 to 3600 (got "0")',
  ]);
});
