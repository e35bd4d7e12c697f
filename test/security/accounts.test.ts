/**
 * Accounts (issue 20, part B): the login throttle counts the route the router matched
 * (`/api/v1/auth/%74oken` was a way around it), is shared by every API process on the database, and
 * counts each client behind a trusted proxy on its own address; an account locks after repeated wrong
 * passwords, for longer each time, refuses even the right password meanwhile, answers exactly as for
 * an unknown user, and an admin lifts it (API and console); a hash from weaker scrypt parameters is
 * rehashed at the next login; the console's login form needs its CSRF token.
 */
import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../api/app';
import { verifyPassword } from '../../security/credentials';
import { createRenderer } from '../../templates/render';
import { consoleLogin, cookiesOf, formCsrfOf } from '../helpers/console';
import { TEST_PASSWORD } from '../helpers/run-state';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

const LIMITS = { perKey: 1e6, perIp: 1e6, loginPerIp: 10 };
const LOCKOUT = { attempts: 5, seconds: 6, maxSeconds: 15 };
const NAMESPACE = `accounts-${randomUUID()}`;

let sys: TestSystem;
let adminToken: string;
beforeAll(async () => {
  sys = await startSystem({
    rateLimits: LIMITS,
    config: { rateLimitNamespace: NAMESPACE, loginLockout: LOCKOUT, trustProxy: ['127.0.0.1'] },
  });
  adminToken = expectStatus(await login('admin', TEST_PASSWORD, '10.20.0.1'), 200).access_token;
});
afterAll(() => sys?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function login(
  username: string,
  password: string,
  remoteAddress: string,
  opts: { url?: string; app?: FastifyInstance; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  return (opts.app ?? sys.app).inject({
    method: 'POST',
    url: opts.url ?? '/api/v1/auth/token',
    payload: { username, password },
    remoteAddress,
    headers: opts.headers,
  });
}

const admin = () => ({ authorization: `Bearer ${adminToken}` });

/** A staff account of this file's own (the demo accounts are shared with every other test file). */
async function newUser(
  tag: string,
  password = `pw-${randomUUID()}`,
): Promise<{ id: string; username: string; password: string }> {
  const username = `b-${tag}-${randomUUID().slice(0, 8)}`;
  const created = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: admin(),
      remoteAddress: '10.20.0.1',
      payload: { username, password, displayName: '测试调解员', role: 'mediator', unitCode: 'yufuci-community' },
    }),
    201,
  );
  return { id: created.id, username, password };
}

/** What an attacker can compare between two refusals (the request's own id and URL aside). */
function refusal(res: LightMyRequestResponse) {
  const { instance: _instance, requestId: _requestId, ...body } = res.json<Record<string, unknown>>();
  return { status: res.statusCode, type: res.headers['content-type'], body };
}

async function userRow(id: string) {
  const [row] = await sys.orm.em
    .fork()
    .execute<Array<{ failed_logins: number; lockouts: number; locked_for: number | null; password_hash: string }>>(
      `select failed_logins, lockouts, extract(epoch from locked_until - now())::float as locked_for, password_hash
       from users where id = ?`,
      [id],
    );
  return row!;
}

describe('the login throttle', () => {
  it('counts the login route as the router matches it: /api/v1/auth/%74oken is throttled like /api/v1/auth/token', async () => {
    const from = '10.20.1.1';
    const urls = ['/api/v1/auth/token', '/api/v1/auth/%74oken', '/api/v1/auth/toke%6E', '/api/v1/auth/%74%6F%6B%65%6E'];
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++)
      statuses.push((await login('b-nobody', `guess-${i}`, from, { url: urls[i % urls.length] })).statusCode);
    expect(statuses).toEqual([...Array<number>(10).fill(401), ...Array<number>(20).fill(429)]);

    // Then the right password, by the encoded path: still 429.
    const right = await login('mediator@yufuci-community', TEST_PASSWORD, from, { url: '/api/v1/auth/%74oken' });
    expect(right.statusCode).toBe(429);
    expect(right.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(right.json()).toMatchObject({
      status: 429,
      code: 'rate_limited',
      detail: expect.stringMatching(/^登录尝试过于频繁，请 \d+ 秒后再试 \/ too many login attempts/),
    });
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(right.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(right.headers['ratelimit-limit']).toBe('10');
    expect(right.headers['ratelimit-remaining']).toBe('0');
    expect(Number(right.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);

    // Another address is not held back.
    expectStatus(await login('mediator@yufuci-community', TEST_PASSWORD, '10.20.1.2'), 200);
  });

  it('shares the count between API processes on the same database', async () => {
    const second = await buildApp({
      config: { tokenTtlSeconds: 3600, logLevel: 'silent', rateLimits: LIMITS, rateLimitNamespace: NAMESPACE },
      orm: sys.orm,
      temporal: sys.client,
      renderer: createRenderer(),
      taskQueue: sys.taskQueue,
      logger: false,
    });
    try {
      await second.ready();
      const from = '10.20.2.1';
      const here: number[] = [];
      const there: number[] = [];
      for (let i = 0; i < 5; i++) {
        here.push((await login('b-nobody', `guess-${i}`, from)).statusCode);
        there.push((await login('b-nobody', `guess-${i}`, from, { app: second })).statusCode);
      }
      expect({ here, there }).toEqual({ here: Array(5).fill(401), there: Array(5).fill(401) });
      // Ten attempts in all: the eleventh is refused by either process.
      expect((await login('b-nobody', 'guess', from, { app: second })).statusCode).toBe(429);
      expect((await login('mediator@yufuci-community', TEST_PASSWORD, from)).statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });

  it('behind a trusted proxy, counts each client on its own address (request.ip), not the proxy’s', async () => {
    const via = (client: string) => ({ headers: { 'x-forwarded-for': client } });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await login('b-nobody', `guess-${i}`, '127.0.0.1', via('198.51.100.7'))).statusCode);
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    // Another client behind the same proxy logs in.
    expectStatus(await login('mediator@yufuci-community', TEST_PASSWORD, '127.0.0.1', via('198.51.100.8')), 200);
  });
});

describe('per-account lockout', () => {
  it('locks after 5 wrong passwords, refuses the right one meanwhile exactly as a wrong one, and doubles the next lockout up to its cap', async () => {
    const user = await newUser('lock');
    const from = '10.20.3.1';
    for (let i = 0; i < 4; i++) expect((await login(user.username, `wrong-${i}`, from)).statusCode).toBe(401);
    expect((await userRow(user.id)).failed_logins).toBe(4);
    const fifth = await login(user.username, 'wrong-4', from);
    const locked = await login(user.username, user.password, '10.20.3.2');
    expect(locked.statusCode).toBe(401);
    const first = await userRow(user.id);
    expect(first.lockouts).toBe(1);
    expect(first.locked_for).toBeGreaterThan(0);
    expect(first.locked_for).toBeLessThanOrEqual(LOCKOUT.seconds);

    // Nothing tells the right password on a locked account from a wrong one, or from an unknown username.
    const unknown = await login(`b-nobody-${randomUUID().slice(0, 8)}`, user.password, '10.20.3.3');
    expect(refusal(locked)).toEqual(refusal(fifth));
    expect(refusal(locked)).toEqual(refusal(unknown));
    expect(refusal(unknown).body).toMatchObject({
      code: 'unauthenticated',
      detail: expect.stringMatching(/^用户名或密码错误/),
    });

    // Attempts while locked do not count.
    await login(user.username, 'wrong-again', from);
    expect((await userRow(user.id)).failed_logins).toBe(0);

    // Once it ends, five more wrong passwords lock it twice as long.
    await sleep(LOCKOUT.seconds * 1000 + 200);
    // (From other addresses: the address's own login limit, 10 a minute here, is not what this tests.)
    for (let i = 0; i < 5; i++) expect((await login(user.username, `wrong-${i}`, '10.20.3.4')).statusCode).toBe(401);
    const second = await userRow(user.id);
    expect(second.lockouts).toBe(2);
    expect(second.locked_for).toBeGreaterThan(LOCKOUT.seconds);
    expect(second.locked_for).toBeLessThanOrEqual(2 * LOCKOUT.seconds);
    expect((await login(user.username, user.password, '10.20.3.4')).statusCode).toBe(401);

    // The backoff stops at its cap.
    await sys.orm.em.fork().execute(`update users set lockouts = 10, locked_until = null where id = ?`, [user.id]);
    for (let i = 0; i < 5; i++) await login(user.username, `wrong-${i}`, '10.20.3.5');
    const capped = await userRow(user.id);
    expect(capped.locked_for).toBeGreaterThan(LOCKOUT.maxSeconds - 3);
    expect(capped.locked_for).toBeLessThanOrEqual(LOCKOUT.maxSeconds);
  });

  it('is lifted by an admin through the API, which lists who is locked', async () => {
    const user = await newUser('unlock');
    for (let i = 0; i < 5; i++) await login(user.username, `wrong-${i}`, '10.20.4.1');
    expect((await login(user.username, user.password, '10.20.4.2')).statusCode).toBe(401);
    const listed = expectStatus(
      await sys.app.inject({ url: '/api/v1/admin/users', headers: admin(), remoteAddress: '10.20.0.1' }),
      200,
    ).items.find((u: { id: string }) => u.id === user.id);
    expect(new Date(listed.lockedUntil).getTime()).toBeGreaterThan(Date.now());

    // Not for anyone but an admin.
    const mediator = expectStatus(await login('mediator@yufuci-community', TEST_PASSWORD, '10.20.4.3'), 200);
    const refused = await sys.app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${user.id}/unlock`,
      headers: { authorization: `Bearer ${mediator.access_token}` },
      remoteAddress: '10.20.4.3',
    });
    expect(refused.statusCode).toBe(403);

    const unlocked = expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${user.id}/unlock`,
        headers: admin(),
        remoteAddress: '10.20.0.1',
      }),
      200,
    );
    expect(unlocked).toMatchObject({ id: user.id, active: true });
    expect(unlocked.lockedUntil).toBeUndefined();
    expectStatus(await login(user.username, user.password, '10.20.4.2'), 200);
    expect(await userRow(user.id)).toMatchObject({ failed_logins: 0, lockouts: 0, locked_for: null });
    const missing = await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users/no-such-user/unlock',
      headers: admin(),
      remoteAddress: '10.20.0.1',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('is lifted by an admin from the console’s user list', async () => {
    const user = await newUser('console-unlock');
    for (let i = 0; i < 5; i++) await login(user.username, `wrong-${i}`, '10.20.5.1');
    const signedIn = await consoleLogin(
      sys.app,
      { username: 'admin', password: TEST_PASSWORD },
      { remoteAddress: '10.20.5.2' },
    );
    expect(signedIn.statusCode).toBe(303);
    const cookie = cookiesOf(signedIn).find((c) => c.startsWith('fq_session='))!;
    const page = await sys.app.inject({ url: '/console/admin', headers: { cookie }, remoteAddress: '10.20.5.2' });
    expect(page.statusCode).toBe(200);
    const row = page.body.split('<tr>').find((r) => r.includes(`>${user.username}<`))!;
    expect(row).toContain('因多次输错密码锁定至');
    expect(row).toContain('action="/console/admin/user-unlock"');
    const posted = await sys.app.inject({
      method: 'POST',
      url: '/console/admin/user-unlock',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress: '10.20.5.2',
      payload: new URLSearchParams({ _csrf: formCsrfOf(page.body), id: user.id }).toString(),
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/console/admin?saved=user-unlock#user');
    expectStatus(await login(user.username, user.password, '10.20.5.1'), 200);
  });
});

describe('password hashes', () => {
  it('rehashes a hash made with weaker scrypt parameters (N=16384) at N=131072 on the next successful login', async () => {
    const user = await newUser('rehash');
    const salt = randomBytes(16);
    const old = [
      'scrypt',
      16384,
      8,
      1,
      salt.toString('base64url'),
      scryptSync(user.password, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64url'),
    ].join('$');
    await sys.orm.em.fork().execute('update users set password_hash = ? where id = ?', [old, user.id]);

    // A wrong password changes nothing.
    expect((await login(user.username, 'wrong-password', '10.20.6.1')).statusCode).toBe(401);
    expect((await userRow(user.id)).password_hash).toBe(old);

    expectStatus(await login(user.username, user.password, '10.20.6.1'), 200);
    const rehashed = (await userRow(user.id)).password_hash;
    expect(rehashed).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword(user.password, rehashed)).toBe(true);
    expect(await verifyPassword('wrong-password', rehashed)).toBe(false);
    // And the next login verifies against the new hash.
    expectStatus(await login(user.username, user.password, '10.20.6.1'), 200);
    expect((await userRow(user.id)).password_hash).toBe(rehashed);
  });
});

describe('the console login form', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (payload: string, cookie?: string) =>
    sys.app.inject({
      method: 'POST',
      url: '/console/login',
      remoteAddress: '10.20.7.1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      payload,
    });
  const fields = { username: 'mediator@yufuci-community', password: TEST_PASSWORD, next: '/console' };

  it('refuses a login without the login page’s CSRF token, with a Chinese message and the login page again', async () => {
    const bare = await post(form(fields));
    expect(bare.statusCode).toBe(403);
    expect(bare.headers['content-type']).toMatch(/^text\/html/);
    expect(bare.body).toContain('登录页面已过期或并非从本站提交，请重新登录。');
    expect(bare.body).toContain('<form method="post" action="/console/login">');
    expect(formCsrfOf(bare.body)).not.toBe('');
    expect(cookiesOf(bare).some((c) => c.startsWith('fq_session='))).toBe(false);

    const page = await sys.app.inject({ url: '/console/login', remoteAddress: '10.20.7.1' });
    const secret = [page.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('fq_login_csrf='))!;
    expect(secret.split(/;\s*/)).toEqual(
      expect.arrayContaining(['Path=/console/login', 'HttpOnly', 'SameSite=Strict']),
    );
    const token = formCsrfOf(page.body);
    const cookie = secret.split(';')[0]!;

    // A forged token, or the right token without the cookie (what another site's form would send): refused.
    expect((await post(form({ ...fields, _csrf: 'forged-token' }), cookie)).statusCode).toBe(403);
    expect((await post(form({ ...fields, _csrf: token }))).statusCode).toBe(403);

    const ok = await post(form({ ...fields, _csrf: token }), cookie);
    expect(ok.statusCode).toBe(303);
    expect(cookiesOf(ok).some((c) => c.startsWith('fq_session=fq_staff_'))).toBe(true);
  });

  it('limits console login attempts on its own route', async () => {
    const from = '10.20.8.1';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (await consoleLogin(sys.app, { username: 'b-nobody', password: `guess-${i}` }, { remoteAddress: from }))
          .statusCode,
      );
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    const limited = await consoleLogin(sys.app, fields, { remoteAddress: from });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('登录尝试过于频繁');
    expect(limited.body).toContain('<form method="post" action="/console/login">');
  });
});
