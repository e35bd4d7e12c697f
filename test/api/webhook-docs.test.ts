/**
 * The webhooks in the OpenAPI document (/docs/json, OpenAPI 3.1 `webhooks`): valid for a standard
 * validator, each event's payload schema and the signature headers, the private-address rule, and the
 * receiver's check. That check is the snippet of docs/webhooks.md itself, taken out of the file and run
 * against real deliveries captured from the system.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import ts from 'typescript';
import { apiOf } from '../helpers/api';
import { wangjiaqiaoMaintenanceFund } from '../helpers/fixtures';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

type Verify = (
  secret: string,
  rawBody: string | Buffer,
  timestamp: string | string[] | undefined,
  signature: string | string[] | undefined,
  nowSeconds?: number,
) => boolean;

const DOC = readFileSync(path.join(__dirname, '../../docs/webhooks.md'), 'utf8');
/** The first ```ts block of docs/webhooks.md: what an integrator copies. */
const SNIPPET = /```ts\n([\s\S]*?)```/.exec(DOC)![1]!;

/** The snippet compiled as TypeScript and loaded as a module of its own. */
function loadSnippet(source: string): Verify {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true },
    reportDiagnostics: true,
  });
  expect(js.diagnostics ?? []).toEqual([]);
  const mod = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', js.outputText)(require, mod, mod.exports);
  return mod.exports.verifyFengqiaoWebhook as Verify;
}

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
}
const received: Received[] = [];
let server: http.Server;
let receiverUrl: string;
let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let platform: Record<string, string>;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.statusCode = 204;
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
      payload: { name: 'webhook docs platform' },
    }),
    201,
  );
  platform = { authorization: `Bearer ${key.key}` };
}, 120_000);
afterAll(async () => {
  await sys?.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the OpenAPI document', () => {
  let doc: any;
  beforeAll(async () => {
    doc = expectStatus(await sys.app.inject({ url: '/docs/json' }), 200);
  });

  it('is a valid OpenAPI 3.1 document with a webhook per event type and the test ping', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
    const subscribable: string[] =
      doc.paths['/api/v1/webhooks'].post.requestBody.content['application/json'].schema.properties.events.items.enum;
    const events = subscribable.filter((e) => e !== '*');
    expect(events.length).toBeGreaterThan(25);
    expect(Object.keys(doc.webhooks).sort()).toEqual([...events, 'ping'].sort());
    const accepted = doc.webhooks.accepted.post;
    expect(accepted.requestBody.content['application/json'].schema).toEqual({
      allOf: [
        { $ref: '#/components/schemas/WebhookEvent' },
        { type: 'object', properties: { type: { const: 'accepted' } } },
      ],
    });
    expect(Object.keys(accepted.responses)).toEqual(['2XX', 'default']);
    expect(doc.webhooks.ping.post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/WebhookPing',
    });
    expect(doc.paths['/api/v1/webhooks/{id}/test'].post.responses).toHaveProperty('200');
  });

  it('holds the payload schemas and the signature headers', () => {
    const event = doc.components.schemas.WebhookEvent;
    expect(event.required.sort()).toEqual(['at', 'deliveryId', 'dispute', 'seq', 'type']);
    expect(Object.keys(event.properties.dispute.properties).sort()).toEqual(
      ['caseNumber', 'id', 'level', 'outcome', 'stage', 'unitCode'].sort(),
    );
    expect(event.properties.dispute.properties.stage.enum).toContain('in_mediation');
    expect(Object.keys(doc.components.schemas.WebhookPing.properties).sort()).toEqual(
      ['at', 'deliveryId', 'seq', 'subscriptionId', 'test', 'type'].sort(),
    );
    const headers = Object.fromEntries(
      (doc.webhooks.received.post.parameters as Array<{ $ref: string }>).map((p) => {
        const param = doc.components.parameters[p.$ref.replace('#/components/parameters/', '')];
        return [param.name, param];
      }),
    );
    expect(Object.keys(headers).sort()).toEqual(
      ['User-Agent', 'X-Fengqiao-Delivery', 'X-Fengqiao-Event', 'X-Fengqiao-Signature', 'X-Fengqiao-Timestamp'].sort(),
    );
    expect(headers['X-Fengqiao-Signature']).toMatchObject({ in: 'header', required: true });
    expect(headers['X-Fengqiao-Signature'].schema.pattern).toBe('^sha256=[0-9a-f]{64}$');
    expect(headers['X-Fengqiao-Signature'].description).toContain('<X-Fengqiao-Timestamp>.<body>');
    expect(headers['X-Fengqiao-Timestamp'].description).toMatch(/seconds.*5 minutes/s);
  });

  it('explains the private-address rule, allowedActions, and prints the snippet of docs/webhooks.md', () => {
    const description: string = doc.info.description;
    const tag = doc.tags.find((t: { name: string }) => t.name === 'webhooks');
    for (const text of [description, tag.description]) {
      expect(text).toMatch(/Private addresses are refused/);
      expect(text).toMatch(/loopback, private, shared, link-local \(cloud metadata, 169\.254\.169\.254\)/);
      expect(text).toMatch(/DNS rebinding/);
    }
    expect(description).toContain(SNIPPET.trimEnd());
    expect(description).toMatch(/`allowedActions`.*and that you may take/s);
  });
});

describe('the verification snippet of docs/webhooks.md, against real deliveries', () => {
  const verify = loadSnippet(SNIPPET);
  let secret: string;
  let delivery: Received;
  let ping: Received;

  beforeAll(async () => {
    const sub = expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: platform,
        payload: { url: `${receiverUrl}/hooks`, events: ['received'] },
      }),
      201,
    );
    secret = sub.secret;
    const created = await api.create(wangjiaqiaoMaintenanceFund(), platform);
    delivery = await eventually(
      async () => received.find((r) => r.raw.toString().includes(created.id)),
      15_000,
      'the received event',
    );
    expectStatus(
      await sys.app.inject({ method: 'POST', url: `/api/v1/webhooks/${sub.id}/test`, headers: platform }),
      200,
    );
    ping = received.find((r) => r.headers['x-fengqiao-event'] === 'ping')!;
  });

  const ts0 = (r: Received) => r.headers['x-fengqiao-timestamp'] as string;
  const sig = (r: Received) => r.headers['x-fengqiao-signature'] as string;

  it('accepts a genuine delivery, as received (raw bytes or text)', () => {
    expect(JSON.parse(delivery.raw.toString()).type).toBe('received');
    expect(verify(secret, delivery.raw, ts0(delivery), sig(delivery))).toBe(true);
    expect(verify(secret, delivery.raw.toString('utf8'), ts0(delivery), sig(delivery))).toBe(true);
    expect(verify(secret, ping.raw, ts0(ping), sig(ping))).toBe(true);
    // Four minutes later it still passes; the body holds Chinese text, so bytes and characters differ.
    expect(verify(secret, delivery.raw, ts0(delivery), sig(delivery), Number(ts0(delivery)) + 240)).toBe(true);
  });

  it('refuses a changed body, another secret, or a timestamp older than 5 minutes', () => {
    const tampered = Buffer.from(delivery.raw.toString().replace('"received"', '"accepted"'));
    expect(verify(secret, tampered, ts0(delivery), sig(delivery))).toBe(false);
    expect(verify(secret, Buffer.concat([delivery.raw, Buffer.from(' ')]), ts0(delivery), sig(delivery))).toBe(false);
    expect(verify('whsec_not_the_secret', delivery.raw, ts0(delivery), sig(delivery))).toBe(false);
    // The same delivery replayed six minutes later.
    expect(verify(secret, delivery.raw, ts0(delivery), sig(delivery), Number(ts0(delivery)) + 360)).toBe(false);
    // An old timestamp with a signature that fits it (a captured old delivery): refused for its age alone.
    const old = String(Math.floor(Date.now() / 1000) - 600);
    const oldSig = `sha256=${createHmac('sha256', secret).update(`${old}.`).update(delivery.raw).digest('hex')}`;
    expect(verify(secret, delivery.raw, old, oldSig)).toBe(false);
    expect(verify(secret, delivery.raw, old, oldSig, Number(old) + 10)).toBe(true);
    // A signature moved to another timestamp.
    expect(verify(secret, delivery.raw, String(Number(ts0(delivery)) + 1), sig(delivery))).toBe(false);
  });

  it.each([
    ['a short signature', { signature: 'sha256=abc' }],
    ['a one-character signature', { signature: 'x' }],
    ['an empty signature', { signature: '' }],
    ['a signature longer than expected', { signature: 'sha256=' + 'f'.repeat(200) }],
    ['a signature without its prefix', { signature: 'HEX' }],
    ['non-ASCII in the signature', { signature: 'sha256=签名'.padEnd(71, '名') }],
    ['a missing signature', { signature: undefined }],
    ['a repeated signature header', { signature: ['A', 'B'] }],
    ['a missing timestamp', { timestamp: undefined }],
    ['a timestamp that is not a number', { timestamp: 'yesterday' }],
    ['a negative timestamp', { timestamp: '-1' }],
    ['a timestamp in exponent form', { timestamp: '1e3' }],
    ['an empty timestamp', { timestamp: '' }],
  ])('answers false, without throwing, for %s', (_what, change: { signature?: unknown; timestamp?: unknown }) => {
    const timestamp = 'timestamp' in change ? change.timestamp : ts0(delivery);
    let signature = 'signature' in change ? change.signature : sig(delivery);
    if (signature === 'HEX') signature = sig(delivery).slice('sha256='.length);
    let answer: boolean | undefined;
    expect(() => {
      answer = verify(secret, delivery.raw, timestamp as string, signature as string);
    }).not.toThrow();
    expect(answer).toBe(false);
  });
});
