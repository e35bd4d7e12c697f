/**
 * Behind a reverse proxy (issue 20, item 6): the API listens on loopback behind a real nginx that
 * ends TLS. Before, every client shared the proxy's address (one attacker's wrong passwords locked
 * every member of staff out of logging in), /metrics answered the whole Internet as a "loopback
 * client", the console's session cookie lost `Secure`, and answers carried no security headers, no
 * cache policy and no request id. Configured as an operator would (loadConfig with NODE_ENV=production,
 * PUBLIC_URL and TRUST_PROXY), each client is now itself, and every answer says how to treat it.
 */
import { Writable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { buildApp, type AppDeps } from '../../api/app';
import { loggerOptions } from '../../api/logging';
import { loadConfig } from '../../config/env';
import { initORM } from '../../db/orm';
import { createRenderer } from '../../templates/render';
import { apiOf } from '../helpers/api';
import { agreedTerms, taoliLiftNoise, wangjiaqiaoMaintenanceFund } from '../helpers/fixtures';
import { describeBehindNginx, request, startNginx, type Answer, type ReverseProxy } from '../helpers/nginx';
import { TEST_PASSWORD } from '../helpers/run-state';
import { startSystem, type TestSystem } from '../helpers/system';

const PUBLIC_URL = 'https://tiaojie.example.gov.cn';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const lines: Array<Record<string, any>> = [];
const stream = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
/** The address the API logged for each answered request to `url` (its one "request completed" line). */
const loggedIps = (url: string): string[] =>
  lines.filter((l) => l.msg === 'request completed' && l.req?.url === url).map((l) => l.req.ip as string);

let sys: TestSystem;
let proxy: ReverseProxy;
let direct: string;
/** A request through the TLS listener of the proxy, from a loopback address of the test's choosing. */
let viaTls: (path: string, opts?: Parameters<typeof request>[1]) => Promise<Answer>;

describeBehindNginx('the API behind a reverse proxy (nginx, TLS ended there)', () => {
  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'production', PUBLIC_URL, TRUST_PROXY: '127.0.0.1', HOST: '127.0.0.1' });
    sys = await startSystem({
      config: { publicUrl: config.publicUrl, trustProxy: config.trustProxy, host: config.host },
      rateLimits: { perKey: 1e6, perIp: 1e6, loginPerIp: 3 },
      logger: { ...(loggerOptions('info') as object), stream },
    });
    await sys.app.listen({ port: 0, host: config.host });
    const apiPort = (sys.app.server.address() as { port: number }).port;
    direct = `http://127.0.0.1:${apiPort}`;
    proxy = await startNginx(apiPort);
    viaTls = (path, opts = {}) => request(`${proxy.tls}${path}`, { ca: proxy.ca, ...opts });
  });
  afterAll(async () => {
    await proxy?.stop();
    await sys?.close();
  });

  const login = (from: string, username: string, password: string, headers: Record<string, string> = {}) =>
    viaTls('/api/v1/auth/token', {
      from,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    });

  it('sees each client as itself: one client guessing passwords cannot lock another out, nor pass as it', async () => {
    // Client A guesses, pretending in X-Forwarded-For to be client B: nginx appends A's real address.
    const a = [];
    for (let i = 0; i < 4; i++)
      a.push((await login('127.0.0.5', 'proxy-test-nobody', `guess-${i}`, { 'x-forwarded-for': '127.0.0.6' })).status);
    expect(a).toEqual([401, 401, 401, 429]);
    // Client B, behind the same proxy, still logs in: its own bucket.
    const b = await login('127.0.0.6', 'supervisor@wangjiaqiao-street', TEST_PASSWORD);
    expect(b.status).toBe(200);
    expect(loggedIps('/api/v1/auth/token')).toEqual(['127.0.0.5', '127.0.0.5', '127.0.0.5', '127.0.0.5', '127.0.0.6']);

    // A client that reaches the API directly (not through the trusted proxy) cannot name its address either.
    lines.length = 0;
    const spoofed = await request(`${direct}/healthz`, {
      from: '127.0.0.7',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(spoofed.status).toBe(200);
    expect(loggedIps('/healthz')).toEqual(['127.0.0.7']);
  });

  it('signs staff in to the console behind TLS with a Secure, HttpOnly session cookie', async () => {
    const page = await viaTls('/console/login', { from: '127.0.0.8' });
    expect(page.status).toBe(200);
    // Whatever the login form carries (next, a CSRF token) and the cookies it set, as a browser would send them.
    const form = new URLSearchParams();
    for (const [, name, value] of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
      form.append(name!, value!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='));
    form.append('username', 'mediator@yufuci-community');
    form.append('password', TEST_PASSWORD);
    const cookies = [page.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]);
    const signedIn = await viaTls('/console/login', {
      from: '127.0.0.8',
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
      body: form.toString(),
    });
    expect(signedIn.status).toBe(303);
    const session = [signedIn.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('fq_session='));
    expect(session).toBeDefined();
    expect(session!.split(/;\s*/)).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict']));
    // The console page it leads to is never cached.
    const inbox = await viaTls('/console/inbox', {
      from: '127.0.0.8',
      headers: { cookie: [...cookies, session!.split(';')[0]].join('; ') },
    });
    expect(inbox.status).toBe(200);
    expect(inbox.headers['cache-control']).toBe('no-store');
    expect(inbox.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
  });

  it('sends security headers on every answer, HSTS where TLS was used, and no-store on personal data', async () => {
    const token = (await login('127.0.0.9', 'supervisor@wangjiaqiao-street', TEST_PASSWORD)).body;
    const bearer = { authorization: `Bearer ${JSON.parse(token).access_token}` };
    const created = await apiOf(sys).create(wangjiaqiaoMaintenanceFund()); // in the supervisor's area
    const answers: Record<string, Answer> = {
      case: await viaTls(`/api/v1/disputes/${created.id}`, { headers: bearer }),
      list: await viaTls('/api/v1/disputes', { headers: bearer }),
      events: await viaTls(`/api/v1/disputes/${created.id}/events`, { headers: bearer }),
      alerts: await viaTls('/api/v1/alerts', { headers: bearer }),
      refused: await viaTls(`/api/v1/disputes/${created.id}`),
      unknown: await viaTls('/api/v1/no-such-thing', { headers: bearer }),
    };
    expect(Object.values(answers).map((a) => a.status)).toEqual([200, 200, 200, 200, 401, 404]);
    for (const [what, answer] of Object.entries(answers)) {
      expect({ what, ...pick(answer) }).toEqual({
        what,
        'strict-transport-security': expect.stringMatching(/^max-age=\d{7,}; includeSubDomains$/),
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
        'cache-control': 'no-store',
      });
      expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
    }
    // The live alert stream too (its reply is written by hand).
    const live = await viaTls('/api/v1/alerts/stream', { headers: bearer, stream: true });
    expect([live.status, live.headers['cache-control'], live.headers['x-content-type-options']]).toEqual([
      200,
      'no-store',
      'nosniff',
    ]);
    // The same proxy without TLS, and the API directly: no HSTS (it would be a lie), the rest the same.
    for (const base of [proxy.plain, direct]) {
      const plain = await request(`${base}/api/v1/disputes/${created.id}`, { headers: bearer });
      expect(plain.status).toBe(200);
      expect(plain.headers['strict-transport-security']).toBeUndefined();
      expect([plain.headers['x-frame-options'], plain.headers['cache-control']]).toEqual(['DENY', 'no-store']);
    }
    // The API docs keep a CSP they can run under (their own scripts and styles), and cannot be framed.
    const docs = await viaTls('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(docs.headers['x-frame-options']).toBe('DENY');
  });

  it('keeps /metrics from anyone the proxy forwards, without a token', async () => {
    for (const base of [proxy.tls, proxy.plain]) {
      const res = await request(`${base}/metrics`, { ca: proxy.ca, from: '127.0.0.1' });
      expect({ base, status: res.status }).toEqual({ base, status: 404 });
      expect(res.body).not.toContain('fengqiao_');
    }
    // A forwarded request that reaches the API directly is still forwarded.
    const forwarded = await request(`${direct}/metrics`, { headers: { 'x-forwarded-for': '198.51.100.4' } });
    expect(forwarded.status).toBe(404);
    // A scraper on this machine, straight to the API on loopback: answered.
    const local = await request(`${direct}/metrics`);
    expect(local.status).toBe(200);
    expect(local.body).toContain('fengqiao_http_request_duration_seconds');
  });

  it('honours a well-formed X-Request-Id and echoes it, in the log and in problem+json; else makes one', async () => {
    const id = 'proxy-test.7f3a-01';
    lines.length = 0;
    const res = await viaTls('/api/v1/disputes/no-such-case', { headers: { 'x-request-id': id } });
    expect(res.status).toBe(401);
    expect(res.headers['x-request-id']).toBe(id);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'unauthenticated', requestId: id });
    expect(lines.filter((l) => l.msg === 'request completed').map((l) => l.reqId)).toEqual([id]);

    for (const bad of ['has spaces in it', '<script>', 'x'.repeat(129), 'a\tb', '']) {
      const answer = await viaTls('/healthz', { headers: { 'x-request-id': bad } });
      expect({ bad, id: answer.headers['x-request-id'] }).toEqual({ bad, id: expect.stringMatching(UUID) });
    }
    const none = await viaTls('/healthz');
    expect(none.headers['x-request-id']).toMatch(UUID);
    // A URL the router cannot even parse (no hook runs for it) still names its request.
    const broken = await request(`${direct}/api/v1/disputes/%zz`, { headers: { 'x-request-id': id } });
    expect(broken.status).toBe(400);
    expect([broken.headers['x-request-id'], JSON.parse(broken.body).requestId]).toEqual([id, id]);
    // The alert stream, whose reply is written by hand, too.
    const mediator = await apiOf(sys).as('mediator@yufuci-community');
    const live = await viaTls('/api/v1/alerts/stream', { headers: { ...mediator, 'x-request-id': id }, stream: true });
    expect(live.headers['x-request-id']).toBe(id);
  });

  it("prints PUBLIC_URL in a sealed agreement's verification link, and serves the document uncached", async () => {
    const api = apiOf(sys);
    const mediator = await api.as('mediator@yufuci-community');
    const created = await api.create(taoliLiftNoise());
    await api.act(created.id, 'accept', {}, mediator);
    await api.consentAll(created.id, mediator); // 人民调解法 Art. 17, 20, 23–24
    await api.act(created.id, 'resolve', agreedTerms(), mediator);
    await api.act(created.id, 'sign', { signer: 'party:0', method: 'signature' }, mediator);
    await api.act(created.id, 'sign', { signer: 'party:1', method: 'seal' }, mediator);
    await api.act(created.id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
    const effective = await api.act(created.id, 'seal', {}, mediator);
    const certificate = await viaTls(`/api/v1/disputes/${created.id}/documents/certificate`, { headers: mediator });
    expect(certificate.status).toBe(200);
    const number = encodeURIComponent(effective.agreement.number as string);
    expect(certificate.body).toContain(`${PUBLIC_URL}/api/v1/agreements/${number}/verify`);
    expect(certificate.body).not.toContain('127.0.0.1');
    expect(certificate.headers['cache-control']).toBe('no-store');
    expect(certificate.headers['x-frame-options']).toBe('DENY');
  });
});

describe('the API alone (inject): /metrics on every interface, and a hop count', () => {
  // Only the API (no worker): nothing here asks Temporal anything. Each test builds whole apps: slow on a busy machine.
  let orm: MikroORM;
  let connection: Connection;
  beforeAll(async () => {
    orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 2 } });
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  });
  afterAll(async () => {
    await connection?.close();
    await orm?.close();
  });
  const build = (config: Partial<AppDeps['config']>, logger: AppDeps['logger'] = false) =>
    buildApp({
      config: { tokenTtlSeconds: 3600, logLevel: 'silent', ...config },
      orm,
      temporal: new Client({ connection, namespace: 'default' }),
      renderer: createRenderer(),
      logger,
    });

  it('is not answered to a loopback client without METRICS_TOKEN, and needs the token when set', async () => {
    const open = await build({ host: '0.0.0.0' });
    try {
      expect((await open.inject({ url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await open.close();
    }
    const token = 'metrics-token-0123456789';
    const guarded = await build({ host: '0.0.0.0', metricsToken: token });
    try {
      const none = await guarded.inject({ url: '/metrics' });
      expect([none.statusCode, none.headers['www-authenticate']]).toEqual([401, 'Bearer realm="metrics"']);
      const wrong = await guarded.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}x` } });
      expect(wrong.statusCode).toBe(401);
      const right = await guarded.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(right.statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  }, 120_000);

  it('believes exactly as many proxies as TRUST_PROXY counts (Fastify alone would believe none)', async () => {
    const forwarded = { 'x-forwarded-for': '198.51.100.1, 203.0.113.7', 'x-forwarded-proto': 'https' };
    for (const [trustProxy, ip, hsts] of [
      [loadConfig({ TRUST_PROXY: '1' }).trustProxy, '203.0.113.7', true],
      [loadConfig({ TRUST_PROXY: '2' }).trustProxy, '198.51.100.1', true],
      [loadConfig({}).trustProxy, '10.1.2.3', false],
    ] as const) {
      lines.length = 0;
      const app = await build({ trustProxy }, { ...(loggerOptions('info') as object), stream });
      try {
        const res = await app.inject({ url: '/healthz', remoteAddress: '10.1.2.3', headers: forwarded });
        expect({ trustProxy, ip: loggedIps('/healthz'), hsts: 'strict-transport-security' in res.headers }).toEqual({
          trustProxy,
          ip: [ip],
          hsts,
        });
      } finally {
        await app.close();
      }
    }
  }, 120_000);
});

function pick(answer: Answer): Record<string, unknown> {
  const names = [
    'strict-transport-security',
    'x-content-type-options',
    'x-frame-options',
    'referrer-policy',
    'content-security-policy',
    'cache-control',
  ];
  return Object.fromEntries(names.map((n) => [n, answer.headers[n]]));
}
