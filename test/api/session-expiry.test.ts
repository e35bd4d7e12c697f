/**
 * A staff session ends at its expiry: a token whose `expires_at` is past, or exactly now, is refused
 * (401, problem+json) on the API, and the console sends its holder to the login page with 登录已过期.
 * The expiry is set with SQL on the sessions table, as the database stores it.
 */
import { sha256Hex } from '../../security/credentials';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys?.close());
afterEach(() => jest.restoreAllMocks());

const USER = 'mediator@xindi-community';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const inbox = (token: string) => sys.app.inject({ url: '/api/v1/disputes?limit=1', headers: bearer(token) });
/** Sets the session's expiry with SQL; `instant` is an SQL expression or a parameter. */
async function expire(token: string, sql: string, params: unknown[] = []): Promise<void> {
  const rows = await sys.orm.em
    .fork()
    .execute(`update sessions set expires_at = ${sql} where token_hash = ? returning token_hash`, [
      ...params,
      sha256Hex(token),
    ]);
  expect(rows).toHaveLength(1);
}
function expectRefused(res: { statusCode: number; headers: Record<string, unknown>; json: () => any }): void {
  expect(res.statusCode).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status: 401, detail: 'the credentials are unknown, revoked or expired' });
}

it('refuses a token whose session expired a second ago, on reads and on actions', async () => {
  const token = await sys.login(USER);
  expectStatus(await inbox(token), 200);
  await expire(token, `now() - interval '1 second'`);
  expectRefused(await inbox(token));
  expectRefused(await sys.app.inject({ url: '/api/v1/units', headers: bearer(token) }));
  expectRefused(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/disputes/no-such-case/signals/add-note',
      headers: bearer(token),
      payload: { text: '过期后的记录' },
    }),
  );
  // A new login gives a new session that works.
  expectStatus(await inbox(await sys.login(USER)), 200);
});

it('refuses a token whose session expires exactly now, and accepts one that expires a millisecond later', async () => {
  // api/plugins/auth.ts reads the session row and then compares its expiry with the API process's
  // clock: refused when `expires_at <= Date.now()`. "Exactly now" is therefore Date.now() at that
  // comparison, which a test cannot hit by waiting; so the test stores an expiry of T (to the
  // millisecond, which timestamptz holds exactly) and pins Date.now() to T while the request runs.
  // T is taken from the real clock first, so the case is also "not in the future" for the
  // database's now() at any later check: had the comparison moved into the SQL
  // (`expires_at > now()`), the session would be refused all the same.
  const token = await sys.login(USER);
  const t = Date.now();
  await expire(token, '?', [new Date(t)]);
  const [stored] = await sys.orm.em
    .fork()
    .execute<Array<{ ms: string }>>(
      `select (extract(epoch from expires_at) * 1000)::bigint as ms from sessions where token_hash = ?`,
      [sha256Hex(token)],
    );
  expect(Number(stored!.ms)).toBe(t);
  jest.spyOn(Date, 'now').mockReturnValue(t);
  expectRefused(await inbox(token));
  jest.restoreAllMocks();

  // The other side of the boundary, one millisecond before the expiry (both in the future of the
  // real clock, so a check in SQL would accept it too): still a valid session.
  const later = await sys.login(USER);
  const future = Date.now() + 60_000;
  await expire(later, '?', [new Date(future + 1)]);
  jest.spyOn(Date, 'now').mockReturnValue(future);
  expect((await inbox(later)).statusCode).toBe(200);
  jest.spyOn(Date, 'now').mockReturnValue(future + 1);
  expectRefused(await inbox(later));
});

it('sends the holder of an expired console session to the login page, saying the session has ended', async () => {
  const token = await sys.login(USER);
  const cookie = `fq_session=${encodeURIComponent(token)}`;
  expect((await sys.app.inject({ url: '/console/inbox', headers: { cookie } })).statusCode).toBe(200);
  await expire(token, 'now()');
  const res = await sys.app.inject({ url: '/console/inbox', headers: { cookie } });
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/console/login?next=%2Fconsole%2Finbox&expired=1');
  const login = await sys.app.inject({ url: res.headers.location as string });
  expect(login.statusCode).toBe(200);
  expect(login.body).toContain('登录已过期，请重新登录。');
  // The API refuses the cookie too (documents and the alert stream read it).
  expectRefused(await sys.app.inject({ url: '/api/v1/disputes?limit=1', headers: { cookie } }));
});
