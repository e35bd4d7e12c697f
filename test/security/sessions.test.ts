/**
 * Sessions (issue 20, part B): an open alert stream used to keep delivering after its session ended.
 * Now every stream closes when its session ends, whatever the reason: logout (in this API process or
 * another one), the idle timeout, the absolute expiry, the user deactivated, the password changed. A
 * session holds at most 3 streams (429 beyond). Ended sessions are purged by the housekeeping.
 * Streams are read over real HTTP listeners, as the console's EventSource reads them.
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../api/app';
import { sha256Hex } from '../../security/credentials';
import { createRenderer } from '../../templates/render';
import { TEST_PASSWORD } from '../helpers/run-state';
import { openSse, type SseStream } from '../helpers/sse';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let base: string;
let adminToken: string;
const streams: SseStream[] = [];
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  // This process re-checks its streams' sessions every 300 ms.
  sys = await startSystem({ config: { sessionCheckMs: 300 } });
  base = await listen(sys.app);
  adminToken = await login('admin', TEST_PASSWORD);
});
afterAll(async () => {
  for (const s of streams) s.close();
  for (const app of apps) await app.close();
  await sys?.close();
});

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** Another API process on the same database, with configuration of its own. */
async function anotherApi(config: Partial<AppDeps['config']>): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildApp({
    config: {
      tokenTtlSeconds: 3600,
      logLevel: 'silent',
      rateLimits: { perKey: 1e6, perIp: 1e6, loginPerIp: 1e6 },
      rateLimitNamespace: sys.taskQueue,
      ...config,
    },
    orm: sys.orm,
    temporal: sys.client,
    renderer: createRenderer(),
    taskQueue: sys.taskQueue,
    logger: false,
  });
  apps.push(app);
  return { app, base: await listen(app) };
}

async function login(username: string, password = TEST_PASSWORD, app = sys.app): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password } });
  return expectStatus(res, 200).access_token;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A supervisor of this file's own (the demo accounts are shared with every other test file). */
async function newSupervisor(): Promise<{ id: string; username: string; password: string }> {
  const user = { username: `b-sup-${randomUUID().slice(0, 8)}`, password: `pw-${randomUUID()}` };
  const created = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: bearer(adminToken),
      payload: { ...user, displayName: '测试主任', role: 'supervisor', unitCode: 'wangjiaqiao-street' },
    }),
    201,
  );
  return { ...user, id: created.id };
}

async function open(token: string, at = base): Promise<SseStream> {
  const stream = await openSse(`${at}/api/v1/alerts/stream`, bearer(token));
  streams.push(stream);
  return stream;
}

/** An open stream that the server ends, saying why. */
async function expectClosedBySession(stream: SseStream, ms: number, what: string): Promise<void> {
  await eventually(async () => stream.ended, ms, what);
  expect(stream.comments).toContain('session ended');
}

async function expectRefused(token: string, at = base): Promise<void> {
  const again = await open(token, at);
  expect(again.status).toBe(401);
}

it('closes a stream when its session logs out, and the token no longer opens one', async () => {
  const user = await newSupervisor();
  const token = await login(user.username, user.password);
  const stream = await open(token);
  expect(stream.status).toBe(200);
  expect(stream.ended).toBe(false);
  expect(
    (await sys.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(token) })).statusCode,
  ).toBe(204);
  await expectClosedBySession(stream, 3_000, 'the stream to close after logout');
  await expectRefused(token);
});

it('a logout on one API process closes the stream on another at once (NOTIFY, not its re-check)', async () => {
  // The other process re-checks only every minute: within seconds, only the notification can close it.
  const other = await anotherApi({ sessionCheckMs: 60_000 });
  const user = await newSupervisor();
  const token = await login(user.username, user.password);
  const there = await open(token, other.base);
  expect(there.status).toBe(200);
  await sys.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(token) });
  await expectClosedBySession(there, 3_000, 'the stream on the other process to close');
  await expectRefused(token, other.base);
});

it('closes a stream when its session has been idle too long, not while it is in use', async () => {
  // An API process whose sessions end after 2 s without a request (SESSION_IDLE_SECONDS), re-checked every 300 ms.
  const idle = await anotherApi({ sessionIdleSeconds: 2, sessionCheckMs: 300 });
  const user = await newSupervisor();
  const token = await login(user.username, user.password, idle.app);
  const stream = await open(token, idle.base);
  expect(stream.status).toBe(200);
  // In use: a request every half second keeps the session (and its stream) alive past the idle timeout.
  for (let i = 0; i < 8; i++) {
    expectStatus(await idle.app.inject({ url: '/api/v1/alerts?limit=1', headers: bearer(token) }), 200);
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(stream.ended).toBe(false);
  // Then nothing: the stream closes, and the session is over.
  await expectClosedBySession(stream, 5_000, 'the stream to close after the idle timeout');
  expect((await idle.app.inject({ url: '/api/v1/alerts?limit=1', headers: bearer(token) })).statusCode).toBe(401);
});

it('closes a stream when its session expires', async () => {
  const user = await newSupervisor();
  const token = await login(user.username, user.password);
  const stream = await open(token);
  await sys.orm.em
    .fork()
    .execute(`update sessions set expires_at = now() + interval '1 second' where token_hash = ?`, [sha256Hex(token)]);
  await expectClosedBySession(stream, 4_000, 'the stream to close at the expiry');
  await expectRefused(token);
});

it('closes every stream of a user who is deactivated, or whose password changes', async () => {
  const admin = bearer(adminToken);
  const deactivated = await newSupervisor();
  const rePassworded = await newSupervisor();
  const a1 = await open(await login(deactivated.username, deactivated.password));
  const a2 = await open(await login(deactivated.username, deactivated.password));
  const b = await open(await login(rePassworded.username, rePassworded.password));
  expect([a1.status, a2.status, b.status]).toEqual([200, 200, 200]);

  const patch = (id: string, payload: object) =>
    sys.app.inject({ method: 'PATCH', url: `/api/v1/admin/users/${id}`, headers: admin, payload });
  expectStatus(await patch(deactivated.id, { active: false }), 200);
  await expectClosedBySession(a1, 3_000, 'the first stream of the deactivated user to close');
  await expectClosedBySession(a2, 3_000, 'the second stream of the deactivated user to close');
  expect(b.ended).toBe(false);

  expectStatus(await patch(rePassworded.id, { password: `new-${randomUUID()}` }), 200);
  await expectClosedBySession(b, 3_000, 'the stream of the user whose password changed to close');
});

it('allows 3 open streams per session: a fourth is a 429 until one closes', async () => {
  const user = await newSupervisor();
  const token = await login(user.username, user.password);
  const three = [await open(token), await open(token), await open(token)];
  expect(three.map((s) => s.status)).toEqual([200, 200, 200]);
  const fourth = await open(token);
  expect(fourth.status).toBe(429);
  expect(fourth.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(Number(fourth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(JSON.parse(fourth.body)).toMatchObject({ status: 429, code: 'rate_limited' });

  // Another session of the same person has its own count.
  expect((await open(await login(user.username, user.password))).status).toBe(200);
  // Closing one makes room again.
  three[0]!.close();
  await eventually(async () => (await open(token)).status === 200, 5_000, 'a stream once one is closed');
});

it('purges ended sessions: revoked, expired and idle ones, but not those in use', async () => {
  const user = await newSupervisor();
  const rows = {
    revoked: `b-purge-revoked-${randomUUID()}`,
    expired: `b-purge-expired-${randomUUID()}`,
    idle: `b-purge-idle-${randomUUID()}`,
    live: `b-purge-live-${randomUUID()}`,
  };
  const insert = (hash: string, expires: string, revoked: string | null, lastSeen: string) =>
    sys.orm.em.fork().execute(
      `insert into sessions (token_hash, user_id, expires_at, revoked_at, created_at, last_seen_at)
         values (?, ?, ${expires}, ${revoked ?? 'null'}, now() - interval '1 day', ${lastSeen})`,
      [hash, user.id],
    );
  await insert(rows.revoked, `now() + interval '1 hour'`, `now() - interval '2 hours'`, `now() - interval '2 hours'`);
  await insert(rows.expired, `now() - interval '2 hours'`, null, `now() - interval '3 hours'`);
  await insert(rows.idle, `now() + interval '1 hour'`, null, `now() - interval '3 hours'`);
  await insert(rows.live, `now() + interval '1 hour'`, null, `now()`);

  // Housekeeping runs when an API process starts, and hourly.
  await anotherApi({});
  const left = async () =>
    (
      await sys.orm.em
        .fork()
        .execute<Array<{ token_hash: string }>>(`select token_hash from sessions where token_hash in (?)`, [
          Object.values(rows),
        ])
    ).map((r) => r.token_hash);
  await eventually(async () => (await left()).length === 1, 5_000, 'the ended sessions to be purged');
  expect(await left()).toEqual([rows.live]);
});
