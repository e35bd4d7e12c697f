/** The notifier's webhook: signed deliveries to a real local HTTP server, once per notice key. */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { WebhookNotifier, sendNotice, type Notice } from '../../activities/notifier';
import { Notification } from '../../db/entities';
import { initORM } from '../../db/orm';

const SECRET = 'notice-secret-0123456789';
let server: http.Server;
let url: string;
let status = 200;
const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
let orm: MikroORM;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notices`;
  orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 2 } });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await orm?.close();
});
beforeEach(() => {
  received.length = 0;
  status = 200;
});

const notice = (): Notice => ({
  key: `test:${randomUUID()}`,
  disputeId: randomUUID(),
  kind: 'meeting_reminder',
  recipients: ['safety-station'],
  message: '提醒：联合调解明日召开',
});

/** How a receiver verifies a delivery (the README shows the same check). */
function verify(headers: http.IncomingHttpHeaders, body: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(`${headers['x-fengqiao-timestamp']}.${body}`).digest('hex');
  const given = String(headers['x-fengqiao-signature'] ?? '').replace(/^sha256=/, '');
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

it('signs each delivery with HMAC-SHA256 over the timestamp and the body', async () => {
  const n = notice();
  await new WebhookNotifier(url, SECRET).send(n);
  expect(received).toHaveLength(1);
  const [delivery] = received;
  expect(JSON.parse(delivery!.body)).toEqual(n);
  expect(delivery!.headers['idempotency-key']).toBe(n.key);
  expect(verify(delivery!.headers, delivery!.body, SECRET)).toBe(true);
  expect(verify(delivery!.headers, delivery!.body.replace('明日', '今日'), SECRET)).toBe(false);
  expect(verify(delivery!.headers, delivery!.body, 'another-secret-000000')).toBe(false);
});

it('fails on a non-2xx answer (so the activity is retried) and sends a notice only once once it went through', async () => {
  const n = notice();
  status = 503;
  await expect(sendNotice(orm.em.fork(), new WebhookNotifier(url, SECRET), n)).rejects.toThrow(/503/);
  status = 200;
  await sendNotice(orm.em.fork(), new WebhookNotifier(url, SECRET), n);
  await sendNotice(orm.em.fork(), new WebhookNotifier(url, SECRET), n);
  expect(received).toHaveLength(2); // the failed attempt and the one that went through
  expect(await orm.em.fork().findOneOrFail(Notification, { key: n.key })).toMatchObject({
    status: 'sent',
    channel: 'webhook',
  });
});
