/**
 * Per-key, per-IP and login rate limits answer 429 problem+json with Retry-After and the draft
 * standard's RateLimit headers (@fastify/rate-limit, counted in PostgreSQL).
 */
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem({ rateLimits: { perKey: 5, perIp: 12, loginPerIp: 3 } });
});
afterAll(() => sys?.close());

it('limits each credential, then each address, and logins hardest', async () => {
  const key = { authorization: `Bearer ${sys.apiKey}` };
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push(await sys.app.inject({ url: '/api/v1/units', headers: key }));
  expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200, 429]);
  // The tightest limit's standard headers: the key's (5 a minute) rather than the address's (12).
  expect(answers.map((a) => a.headers['ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0', '0']);
  expect(answers[0]!.headers['ratelimit-limit']).toBe('5');
  expect(Number(answers[0]!.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
  const limited = await sys.app.inject({ url: '/api/v1/units', headers: key });
  expect(limited.statusCode).toBe(429);
  expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
  expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(limited.headers['ratelimit-remaining']).toBe('0');

  // Another credential from the same address goes on, until the address's own limit (12 in all).
  const logins: number[] = [];
  for (let i = 0; i < 4; i++) {
    logins.push(
      (
        await sys.app.inject({
          method: 'POST',
          url: '/api/v1/auth/token',
          payload: { username: 'rate-limit-nobody', password: 'wrong-password' },
        })
      ).statusCode,
    );
  }
  expect(logins).toEqual([401, 401, 401, 429]);
  const other = await sys.app.inject({
    url: '/api/v1/units',
    headers: { authorization: 'Bearer fq_live_unknown_key_000000000000000000000' },
  });
  expect(other.statusCode).toBe(401); // request 12: still under the address limit
  expect((await sys.app.inject({ url: '/api/v1/units' })).statusCode).toBe(429);
  expect((await sys.app.inject({ url: '/healthz' })).statusCode).toBe(200);
});
