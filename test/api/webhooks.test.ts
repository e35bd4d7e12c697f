/** Webhooks: signed deliveries to a real local receiver, retried by Temporal, logged; SSRF refused. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { refusedTarget, signedPost } from '../../activities/signed-post';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { deliveryId: string; type: string; seq: number; dispute: { id: string; stage: string } };
}
const received: Received[] = [];
/** Per event type, the statuses to answer in turn (then 200). */
const script: Record<string, number[]> = { accepted: [503] };
let server: http.Server;
let receiverUrl: string;
let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
/** An integrator of this file's own, so that other test files' cases never reach these subscriptions. */
let platform: Record<string, string>;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const json = JSON.parse(body) as Received['json'];
      received.push({ headers: req.headers, body, json });
      const planned = req.url === '/always-down' ? 500 : (script[json.type]?.shift() ?? 200);
      res.statusCode = planned;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sys = await startSystem();
  api = apiOf(sys);
  const key = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers: await api.as('admin'),
      payload: { name: 'webhook test platform' },
    }),
    201,
  );
  platform = { authorization: `Bearer ${key.key}` };
});
afterAll(async () => {
  await sys?.close();
  await new Promise((resolve) => server.close(resolve));
});

/** The receiver's check, as documented in the README. */
function verify(r: Received, secret: string): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(`${r.headers['x-fengqiao-timestamp']}.${r.body}`).digest('hex')}`;
  const given = String(r.headers['x-fengqiao-signature']);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

it('delivers the subscribed events of the integrator’s cases, signed, retrying a failed attempt', async () => {
  const sub = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: platform,
      payload: { url: `${receiverUrl}/events`, events: ['received', 'accepted', 'agreement_effective'] },
    }),
    201,
  );
  expect(sub.secret).toMatch(/^whsec_/);
  const created = await api.create(taoliLiftNoise(), platform);
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'add-note', { text: '不订阅的事件' }, mediator);
  await api.act(created.id, 'accept', {}, mediator);

  const mine = () => received.filter((r) => r.json.dispute.id === created.id);
  await eventually(
    async () => mine().filter((r) => r.json.type === 'accepted').length === 2,
    15_000,
    'the retried delivery',
  );
  expect(mine().map((r) => r.json.type)).toEqual(['received', 'accepted', 'accepted']);
  for (const r of mine()) {
    expect(verify(r, sub.secret)).toBe(true);
    expect(r.headers['x-fengqiao-event']).toBe(r.json.type);
    expect(r.headers['x-fengqiao-delivery']).toBe(r.json.deliveryId);
    expect(r.body).not.toContain('陈某'); // no personal data in the payload
  }
  expect(verify(mine()[0]!, 'whsec_not_the_secret')).toBe(false);
  const [retry1, retry2] = mine().filter((r) => r.json.type === 'accepted');
  expect(retry1!.json.deliveryId).toBe(retry2!.json.deliveryId);

  const log = await eventually(
    async () => {
      const items = expectStatus(
        await sys.app.inject({ url: `/api/v1/webhooks/${sub.id}/deliveries`, headers: platform }),
        200,
      ).items;
      return items.find(
        (d: { eventType: string; status: string; disputeId: string }) =>
          d.disputeId === created.id && d.eventType === 'accepted' && d.status === 'delivered',
      );
    },
    10_000,
    'the delivery log',
  );
  expect(log).toMatchObject({ attempts: 2, lastStatusCode: 200, disputeId: created.id });

  // Unsubscribed: nothing more arrives.
  expect(
    (await sys.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${sub.id}`, headers: platform })).statusCode,
  ).toBe(204);
  const before = mine().length;
  await api.consentAll(created.id, mediator); // 人民调解法 Art. 17, 20, 23–24
  await api.act(
    created.id,
    'resolve',
    { facts: 'f', matters: 'm', responsibilities: 'r', terms: [{ text: 't', method: 'm', immediate: true }] },
    mediator,
  );
  for (const signer of ['party:0', 'party:1', 'mediator'])
    await api.act(created.id, 'sign', { signer, method: 'signature' }, mediator);
  await api.act(created.id, 'seal', {}, mediator);
  await new Promise((r) => setTimeout(r, 1000));
  expect(mine().length).toBe(before);
});

it('gives up after the configured attempts and logs the delivery as failed', async () => {
  const sub = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: platform,
      payload: { url: `${receiverUrl}/always-down`, events: ['received'] },
    }),
    201,
  );
  const created = await api.create(taoliLiftNoise(), platform);
  const failed = await eventually(
    async () => {
      const items = expectStatus(
        await sys.app.inject({ url: `/api/v1/webhooks/${sub.id}/deliveries`, headers: platform }),
        200,
      ).items;
      return items.find(
        (d: { disputeId: string; status: string }) => d.disputeId === created.id && d.status === 'failed',
      );
    },
    20_000,
    'a failed delivery',
  );
  expect(failed).toMatchObject({ attempts: 4, lastStatusCode: 500 });
  await sys.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${sub.id}`, headers: platform });
});

it('keeps webhooks to integrators, and each integrator to its own', async () => {
  const staff = await api.as('admin');
  expect(
    (
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: staff,
        payload: { url: `${receiverUrl}/x`, events: ['*'] },
      })
    ).statusCode,
  ).toBe(403);
  const sub = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: platform,
      payload: { url: `${receiverUrl}/x`, events: ['*'] },
    }),
    201,
  );
  const other = expectStatus(
    await sys.app.inject({ method: 'POST', url: '/api/v1/admin/api-keys', headers: staff, payload: { name: 'other' } }),
    201,
  );
  const theirs = { authorization: `Bearer ${other.key}` };
  expect((await sys.app.inject({ url: `/api/v1/webhooks/${sub.id}/deliveries`, headers: theirs })).statusCode).toBe(
    404,
  );
  expect(
    (await sys.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${sub.id}`, headers: theirs })).statusCode,
  ).toBe(404);
  expect(expectStatus(await sys.app.inject({ url: '/api/v1/webhooks', headers: theirs }), 200).items).toEqual([]);
  await sys.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${sub.id}`, headers: platform });
});

describe('targets in private or loopback ranges', () => {
  it.each([
    ['http://127.0.0.1:9/x', /private or loopback/],
    ['http://localhost/x', /private or loopback/],
    ['http://10.1.2.3/x', /private or loopback/],
    ['http://172.20.0.1/x', /private or loopback/],
    ['http://192.168.1.1/x', /private or loopback/],
    ['http://169.254.169.254/latest/meta-data', /private or loopback/],
    ['http://[::1]/x', /private or loopback/],
    ['http://[fd00::1]/x', /private or loopback/],
    ['http://[::ffff:127.0.0.1]/x', /private or loopback/],
    ['http://[::ffff:a9fe:a9fe]/latest/meta-data', /private or loopback/],
    ['http://[64:ff9b::a9fe:a9fe]/x', /private or loopback/],
    ['http://[2002:7f00:1::]/x', /private or loopback/],
    ['http://0x7f000001/x', /private or loopback/],
    ['ftp://files.example.org/x', /http/],
    ['https://user:pw@hooks.example.org/x', /credentials/],
  ])('refuses %s', async (url, why) => {
    expect(await refusedTarget(url, false)).toMatch(why);
  });

  it.each(['https://93.184.216.34/x', 'http://8.8.8.8:8080/x', 'https://[2001:4860:4860::8888]/x'])(
    'accepts the public address %s',
    async (url) => {
      expect(await refusedTarget(url, false)).toBeUndefined();
    },
  );

  it('refuses them again when connecting, so a name that later resolves privately gets nowhere', async () => {
    await expect(signedPost(`${receiverUrl}/events`, 'secret', '{}', {}, { allowPrivate: false })).rejects.toThrow(
      /refused/,
    );
    const port = new URL(receiverUrl).port;
    await expect(
      signedPost(`http://localhost:${port}/events`, 'secret', '{}', {}, { allowPrivate: false }),
    ).rejects.toThrow(/refused/);
    expect(
      await signedPost(
        `http://localhost:${port}/events`,
        'secret',
        JSON.stringify({ type: 'probe', dispute: { id: 'probe' } }),
        {},
        { allowPrivate: true },
      ),
    ).toBe(200);
  });

  it('refuses them at subscription unless the configuration allows them', async () => {
    expect(await refusedTarget('http://127.0.0.1:9/x', true)).toBeUndefined();
    const strict = await startSystem({ webhooksToPrivateAddresses: false });
    try {
      const res = await strict.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: { authorization: `Bearer ${strict.apiKey}` },
        payload: { url: `${receiverUrl}/events`, events: ['*'] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ field: 'body/url', message: expect.stringMatching(/private or loopback/) }]);
    } finally {
      await strict.close();
    }
  });
});
