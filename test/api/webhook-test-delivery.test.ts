/**
 * POST /api/v1/webhooks/{id}/test: a signed `ping` reaches a real local receiver now, through the
 * path of every delivery; the answer carries its result and the delivery log keeps it. Only the
 * owner may test; it is rate-limited; a target that has become private is refused as at subscription.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookSubscription } from '../../db/entities';
import { apiOf } from '../helpers/api';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

interface Received {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
let server: http.Server;
let receiverUrl: string;
let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let platform: Record<string, string>;
let other: Record<string, string>;

async function newKey(name: string): Promise<Record<string, string>> {
  const key = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers: await api.as('admin'),
      payload: { name },
    }),
    201,
  );
  return { authorization: `Bearer ${key.key}` };
}

async function subscribe(headers: Record<string, string>, url: string) {
  return expectStatus(
    await sys.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers, payload: { url, events: ['accepted'] } }),
    201,
  );
}

const test = (id: string, headers: Record<string, string>) =>
  sys.app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/test`, headers });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ url: req.url!, headers: req.headers, body });
      res.statusCode = req.url === '/broken' ? 503 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sys = await startSystem();
  api = apiOf(sys);
  platform = await newKey('test-delivery platform');
  other = await newKey('another platform');
}, 120_000);
afterAll(async () => {
  await sys?.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it('sends a signed ping now, answers its status and duration, and logs it', async () => {
  const sub = await subscribe(platform, `${receiverUrl}/hooks`);
  const before = received.length;
  const answer = expectStatus(await test(sub.id, platform), 200);
  console.log('test delivery answer', answer);
  expect(answer).toEqual({
    deliveryId: expect.any(String),
    status: 'delivered',
    statusCode: 200,
    durationMs: expect.any(Number),
  });
  expect(answer.durationMs).toBeGreaterThanOrEqual(0);
  expect(answer.durationMs).toBeLessThan(10_000);
  // Already there when the answer came: sent now, not queued.
  expect(received.length).toBe(before + 1);
  const got = received[received.length - 1]!;
  expect(got.url).toBe('/hooks');
  expect(JSON.parse(got.body)).toEqual({
    deliveryId: answer.deliveryId,
    type: 'ping',
    seq: 0,
    at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    subscriptionId: sub.id,
    test: true,
  });
  expect(got.headers['x-fengqiao-event']).toBe('ping');
  expect(got.headers['x-fengqiao-delivery']).toBe(answer.deliveryId);
  expect(got.headers['user-agent']).toBe('Fengqiao-Webhooks/1');
  const timestamp = got.headers['x-fengqiao-timestamp'] as string;
  expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(30);
  expect(got.headers['x-fengqiao-signature']).toBe(
    `sha256=${createHmac('sha256', sub.secret).update(`${timestamp}.${got.body}`).digest('hex')}`,
  );

  const second = expectStatus(await test(sub.id, platform), 200);
  const log = expectStatus(
    await sys.app.inject({ url: `/api/v1/webhooks/${sub.id}/deliveries`, headers: platform }),
    200,
  );
  expect(log.items.map((d: { id: string }) => d.id)).toEqual([second.deliveryId, answer.deliveryId]);
  expect(log.items[1]).toEqual({
    id: answer.deliveryId,
    eventSeq: -1,
    eventType: 'ping',
    status: 'delivered',
    attempts: 1,
    lastStatusCode: 200,
    createdAt: expect.any(String),
    deliveredAt: expect.any(String),
  });
  expect(log.items[0].eventSeq).toBe(-2);
});

it('answers a failed attempt as failed, once, not left pending for retries', async () => {
  const sub = await subscribe(platform, `${receiverUrl}/broken`);
  const answer = expectStatus(await test(sub.id, platform), 200);
  expect(answer).toMatchObject({ status: 'failed', statusCode: 503, error: 'HTTP 503' });
  await new Promise((r) => setTimeout(r, 500));
  expect(received.filter((r) => r.url === '/broken')).toHaveLength(1);
  const [logged] = expectStatus(
    await sys.app.inject({ url: `/api/v1/webhooks/${sub.id}/deliveries`, headers: platform }),
    200,
  ).items;
  expect(logged).toMatchObject({ eventType: 'ping', status: 'failed', attempts: 1, lastStatusCode: 503 });
});

it('is the owner’s only: another integrator gets 404, staff 403, an unsubscribed one 409', async () => {
  const sub = await subscribe(platform, `${receiverUrl}/hooks`);
  const before = received.length;
  const theirs = await test(sub.id, other);
  expect(theirs.statusCode).toBe(404);
  expect(theirs.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect((await test('no-such-webhook', platform)).statusCode).toBe(404);
  expect((await test(sub.id, await api.as('admin'))).statusCode).toBe(403);
  expect((await test(sub.id, {})).statusCode).toBe(401);
  expect(received.length).toBe(before);
  expect(
    (await sys.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${sub.id}`, headers: platform })).statusCode,
  ).toBe(204);
  expect((await test(sub.id, platform)).statusCode).toBe(409);
  expect(received.length).toBe(before);
});

it('is rate-limited per subscription', async () => {
  const sub = await subscribe(platform, `${receiverUrl}/hooks`);
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await test(sub.id, platform)).statusCode);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  // Another subscription of the same owner has its own allowance.
  const fresh = await subscribe(platform, `${receiverUrl}/hooks`);
  expect((await test(fresh.id, platform)).statusCode).toBe(200);
});

it('refuses a target that has become private, as subscribing does, and sends nothing', async () => {
  const strict = await startSystem({ webhooksToPrivateAddresses: false });
  try {
    // A key of its own: no other test's case events reach this subscription.
    const key = expectStatus(
      await strict.app.inject({
        method: 'POST',
        url: '/api/v1/admin/api-keys',
        headers: { authorization: `Bearer ${await strict.login('admin')}` },
        payload: { name: 'strict platform' },
      }),
      201,
    );
    const headers = { authorization: `Bearer ${key.key}` };
    // Refused when subscribing (as in webhooks.test.ts) …
    const refused = await strict.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers,
      payload: { url: `${receiverUrl}/hooks`, events: ['*'] },
    });
    expect(refused.statusCode).toBe(400);
    // … and a public target whose name now resolves to loopback (as a DNS change would make it) is refused at the test.
    const sub = expectStatus(
      await strict.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers,
        payload: { url: 'https://93.184.216.34/hooks', events: ['accepted'] },
      }),
      201,
    );
    const port = new URL(receiverUrl).port;
    await strict.orm.em
      .fork()
      .nativeUpdate(WebhookSubscription, { id: sub.id }, { url: `http://localhost:${port}/hooks` });
    const before = received.length;
    const res = await strict.app.inject({ method: 'POST', url: `/api/v1/webhooks/${sub.id}/test`, headers });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'url', message: expect.stringMatching(/localhost resolves to a private or loopback address/) }],
    });
    expect(received.length).toBe(before);
    const [logged] = expectStatus(
      await strict.app.inject({ url: `/api/v1/webhooks/${sub.id}/deliveries`, headers }),
      200,
    ).items;
    expect(logged).toMatchObject({ eventType: 'ping', status: 'failed', attempts: 0 });
    expect(logged.lastError).toMatch(/^target refused: .*private or loopback/);
    await strict.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${sub.id}`, headers });
  } finally {
    await strict.close();
  }
}, 180_000);
