/** Health, readiness and the OpenAPI document, as an operator and an integrator first meet them. */
import { randomUUID } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import { temporal as proto } from '@temporalio/proto';
import { buildApp } from '../../api/app';
import { createRenderer } from '../../templates/render';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
  // The system's worker polls its task queue for both task types before readiness is asked.
  await eventually(async () => {
    for (const taskQueueType of [
      proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    ]) {
      const res = await sys.client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: sys.taskQueue },
        taskQueueType,
      });
      if (!res.pollers?.length) return false;
    }
    return true;
  });
});
afterAll(() => sys?.close());

const READY = {
  status: 'ready',
  checks: { database: { ok: true }, temporal: { ok: true }, workers: { ok: true }, alertListener: { ok: true } },
};

it('answers liveness and readiness without credentials, checking the database, Temporal, the workers and the alert listener', async () => {
  expect(expectStatus(await sys.app.inject({ url: '/healthz' }), 200)).toEqual({ status: 'ok' });
  expect(expectStatus(await sys.app.inject({ url: '/readyz' }), 200)).toEqual(READY);
});

it('is not ready while no worker polls its task queue', async () => {
  // The same database and Temporal, on a task queue no worker polls.
  const app = await buildApp({
    config: { tokenTtlSeconds: 3600, logLevel: 'silent' },
    orm: sys.orm,
    temporal: sys.client,
    renderer: createRenderer(),
    taskQueue: `readyz-no-worker-${randomUUID()}`,
    logger: false,
  });
  try {
    await app.ready();
    expect(expectStatus(await app.inject({ url: '/readyz' }), 503)).toEqual({
      status: 'not ready',
      checks: { ...READY.checks, workers: { ok: false, error: 'no workflow or activity poller' } },
    });
  } finally {
    await app.close();
  }
});

it('is not ready while its alert listener is down, and ready again once it has reconnected', async () => {
  const before = sys.app.alertStream.status();
  expect(before.listening).toBe(true);
  // The listener's PostgreSQL session is ended from the server side (an admin, a failover, a proxy).
  await sys.orm.em.execute('select pg_terminate_backend(?)', [before.backendPid]);
  // Watched closely: it reconnects within a quarter of a second.
  for (const until = Date.now() + 5000; sys.app.alertStream.status().listening;) {
    if (Date.now() > until) throw new Error('the listener did not notice its session ended');
    await new Promise((r) => setTimeout(r, 2));
  }
  const down = expectStatus(await sys.app.inject({ url: '/readyz' }), 503);
  expect(down.checks.alertListener).toEqual({ ok: false, error: 'not listening' });
  expect(down.checks.database).toEqual({ ok: true });
  // It reconnects by itself (a new backend) and readiness follows.
  await eventually(async () => (await sys.app.inject({ url: '/readyz' })).statusCode === 200, 10_000, 'ready again');
  const after = sys.app.alertStream.status();
  expect(after.reconnects).toBeGreaterThan(before.reconnects);
  expect(after.backendPid).not.toBe(before.backendPid);
});

it('publishes an OpenAPI 3 document with every v1 route, its schemas and bearer security', async () => {
  const doc = expectStatus(await sys.app.inject({ url: '/docs/json' }), 200);
  expect(doc.openapi).toMatch(/^3\./);
  const paths = Object.keys(doc.paths);
  for (const p of [
    '/api/v1/disputes',
    '/api/v1/disputes/{id}',
    '/api/v1/disputes/{id}/events',
    '/api/v1/disputes/{id}/signals/accept',
    '/api/v1/disputes/{id}/signals/resolve',
    '/api/v1/disputes/{id}/signals/sign',
    '/api/v1/disputes/{id}/signals/seal',
    '/api/v1/disputes/{id}/documents/{kind}',
    '/api/v1/alerts',
    '/api/v1/auth/token',
    '/api/v1/units',
    '/api/v1/agencies',
    '/healthz',
    '/readyz',
  ]) {
    expect(paths).toContain(p);
  }
  expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  expect(doc.components.schemas).toHaveProperty('Problem');
  expect(doc.components.schemas).toHaveProperty('Dispute');
  const create = doc.paths['/api/v1/disputes'].post;
  expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '409', '422']));
  expect(create.requestBody.content['application/json'].schema.required).toEqual(
    expect.arrayContaining(['gridCode', 'category', 'title', 'description', 'parties']),
  );
  expect((await sys.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
});

it('is a valid OpenAPI 3 document (standard validator) that lists every route the API serves', async () => {
  const doc = expectStatus(await sys.app.inject({ url: '/docs/json' }), 200);
  await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
  const documented = new Set(
    Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    ),
  );
  const served = sys.app.routeTable
    // Not API: the docs UI, the Prometheus endpoint and pages for people (the public board, the console,
    // the parties' pages and the public report form under /p/).
    .filter(
      (r) =>
        !r.url.startsWith('/docs') &&
        r.url !== '/metrics' &&
        r.url !== '/board' &&
        !r.url.startsWith('/console') &&
        !r.url.startsWith('/p/'),
    )
    .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
  expect(served.length).toBeGreaterThan(40);
  expect(served.filter((r) => !documented.has(r))).toEqual([]);
  // Every operation documents its errors as problem+json.
  for (const [path, ops] of Object.entries(
    doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>,
  )) {
    for (const [method, op] of Object.entries(ops)) {
      if (path.startsWith('/api/v1/') && path !== '/api/v1/auth/token')
        expect([method, path, Object.keys(op.responses)]).toEqual([method, path, expect.arrayContaining(['401'])]);
    }
  }
});

it('answers unknown routes and malformed bodies with problem+json', async () => {
  const missing = await sys.app.inject({
    url: '/api/v1/nothing-here',
    headers: { authorization: `Bearer ${sys.apiKey}` },
  });
  expect(missing.statusCode).toBe(404);
  expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
  const broken = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/disputes',
    headers: { authorization: `Bearer ${sys.apiKey}`, 'content-type': 'application/json' },
    payload: '{"gridCode": ',
  });
  expect(broken.statusCode).toBe(400);
  expect(broken.json()).toMatchObject({ status: 400, code: 'validation_failed' });
});

it('lists the directory to authenticated callers', async () => {
  const units = expectStatus(
    await sys.app.inject({ url: '/api/v1/units', headers: { authorization: `Bearer ${sys.apiKey}` } }),
    200,
  );
  expect(units.items.map((u: { code: string }) => u.code)).toEqual(
    expect.arrayContaining([
      'changde',
      'jinshi',
      'wangjiaqiao-street',
      'wangjiaqiao-community',
      'wangjiaqiao-g1',
      'xindi-community',
      'xindi-g1',
      'xiangyangjie-street',
      'hejie-community',
      'hejie-g1',
      'wuling',
      'chuanzihe-street',
      'yufuci-community',
      'yufuci-taoli',
    ]),
  );
  const agencies = expectStatus(
    await sys.app.inject({ url: '/api/v1/agencies', headers: { authorization: `Bearer ${sys.apiKey}` } }),
    200,
  );
  expect(agencies.items).toEqual(
    expect.arrayContaining([
      { code: 'safety-station', name: '安监站' },
      { code: 'housing-center', name: '市住保中心' },
    ]),
  );
  expect((await sys.app.inject({ url: '/api/v1/units' })).statusCode).toBe(401);
});
