/** Staff logout, and the admin's API keys and staff accounts. */
import { ApiKey } from '../../db/entities';
import { sha256Hex } from '../../security/credentials';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

it('logs a staff member out: the token stops working at once', async () => {
  const token = { authorization: `Bearer ${await sys.login('mediator@yufuci-community')}` };
  expect((await sys.app.inject({ url: '/api/v1/units', headers: token })).statusCode).toBe(200);
  expect((await sys.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: token })).statusCode).toBe(204);
  expect((await sys.app.inject({ url: '/api/v1/units', headers: token })).statusCode).toBe(401);
  const wrong = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/auth/token',
    payload: { username: 'mediator@yufuci-community', password: 'not-the-password' },
  });
  expect(wrong.statusCode).toBe(401);
  const nobody = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/auth/token',
    payload: { username: 'nobody', password: 'whatever-123' },
  });
  expect(nobody.json().detail).toBe(wrong.json().detail);
});

it('issues an API key once, stores only its hash, records its use, and revokes it', async () => {
  const admin = await api.as('admin');
  const issued = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers: admin,
      payload: { name: '12345 热线' },
    }),
    201,
  );
  expect(issued.key).toMatch(/^fq_live_[A-Za-z0-9_-]{43}$/); // 32 random bytes
  expect(issued.key.startsWith(issued.prefix)).toBe(true);
  const stored = await sys.orm.em.fork().findOneOrFail(ApiKey, { id: issued.id });
  expect(stored.keyHash).toBe(sha256Hex(issued.key));
  expect(JSON.stringify(stored)).not.toContain(issued.key);
  const listed = expectStatus(await sys.app.inject({ url: '/api/v1/admin/api-keys', headers: admin }), 200);
  expect(JSON.stringify(listed)).not.toContain(issued.key);

  const hotline = { authorization: `Bearer ${issued.key}` };
  const created = await api.create(taoliLiftNoise(), hotline);
  expect(created.reportedBy).toMatchObject({ type: 'integrator', name: '12345 热线' });
  // Its own cases only: not the demo integrator's.
  const others = await api.create(taoliLiftNoise());
  expect((await sys.app.inject({ url: `/api/v1/disputes/${others.id}`, headers: hotline })).statusCode).toBe(404);
  const used = expectStatus(await sys.app.inject({ url: '/api/v1/admin/api-keys', headers: admin }), 200).items.find(
    (k: { id: string }) => k.id === issued.id,
  );
  expect(used.lastUsedAt).toBeDefined();

  expectStatus(
    await sys.app.inject({ method: 'POST', url: `/api/v1/admin/api-keys/${issued.id}/revoke`, headers: admin }),
    200,
  );
  expect((await sys.app.inject({ url: `/api/v1/disputes/${created.id}`, headers: hotline })).statusCode).toBe(401);
});

it('lets an integrator granted an area see the cases of that area', async () => {
  const admin = await api.as('admin');
  const court = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers: admin,
      payload: { name: '武陵区法院', areaCode: 'wuling' },
    }),
    201,
  );
  const other = await api.create(taoliLiftNoise());
  expect(
    (await sys.app.inject({ url: `/api/v1/disputes/${other.id}`, headers: { authorization: `Bearer ${court.key}` } }))
      .statusCode,
  ).toBe(200);
  const bad = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/admin/api-keys',
    headers: admin,
    payload: { name: 'x', areaCode: 'atlantis' },
  });
  expect(bad.statusCode).toBe(400);
});

it('creates and deactivates staff accounts, for admins only', async () => {
  const admin = await api.as('admin');
  const supervisor = await api.as('supervisor@yufuci-community');
  const body = {
    username: `mediator2@yufuci-community-${Date.now()}`,
    password: 'a-long-password',
    displayName: '第二调解员',
    role: 'mediator',
    unitCode: 'yufuci-community',
  };
  expect(
    (await sys.app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: supervisor, payload: body }))
      .statusCode,
  ).toBe(403);
  const user = expectStatus(
    await sys.app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: admin, payload: body }),
    201,
  );
  expect(user).not.toHaveProperty('passwordHash');
  expect(
    (await sys.app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: admin, payload: body })).statusCode,
  ).toBe(409);
  const short = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/admin/users',
    headers: admin,
    payload: { ...body, username: 'x-short', password: 'short' },
  });
  expect(short.statusCode).toBe(400);
  const homeless = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/admin/users',
    headers: admin,
    payload: { ...body, username: 'x-nounit', unitCode: undefined },
  });
  expect(homeless.statusCode).toBe(400);

  const login = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/auth/token',
    payload: { username: body.username, password: body.password },
  });
  const session = { authorization: `Bearer ${login.json().access_token}` };
  expect((await sys.app.inject({ url: '/api/v1/units', headers: session })).statusCode).toBe(200);
  expectStatus(
    await sys.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${user.id}`,
      headers: admin,
      payload: { active: false },
    }),
    200,
  );
  expect((await sys.app.inject({ url: '/api/v1/units', headers: session })).statusCode).toBe(401);
  expect(
    (
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/auth/token',
        payload: { username: body.username, password: body.password },
      })
    ).statusCode,
  ).toBe(401);
});

it('grows the directory one level at a time, and new units take cases at once', async () => {
  const admin = await api.as('admin');
  const code = `taoli-g${Date.now() % 100000}`;
  const misplaced = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/admin/units',
    headers: admin,
    payload: {
      code,
      level: 'grid',
      parentCode: 'chuanzihe-street',
      name: '桃李第二网格',
      population: 900,
      committeeShort: '渔',
    },
  });
  expect(misplaced.statusCode).toBe(400);
  expect(misplaced.json().errors[0].field).toBe('body/level');
  const unit = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/units',
      headers: admin,
      payload: {
        code,
        level: 'grid',
        parentCode: 'yufuci-community',
        name: '桃李第二网格',
        population: 900,
        committeeShort: '渔',
      },
    }),
    201,
  );
  expect(unit).toMatchObject({ code, committeeName: '桃李第二网格人民调解委员会' });
  const created = await api.create({ ...taoliLiftNoise(), gridCode: code });
  expect(created.unit.code).toBe('yufuci-community');
  const renamed = expectStatus(
    await sys.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/units/${code}`,
      headers: admin,
      payload: { population: 950 },
    }),
    200,
  );
  expect(renamed.population).toBe(950);
  expectStatus(
    await sys.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/agencies/fire-brigade',
      headers: admin,
      payload: { name: '消防救援站' },
    }),
    200,
  );
  const agencies = expectStatus(await sys.app.inject({ url: '/api/v1/agencies', headers: admin }), 200);
  expect(agencies.items).toContainEqual({ code: 'fire-brigade', name: '消防救援站' });
  expect(
    (
      await sys.app.inject({
        method: 'PUT',
        url: '/api/v1/admin/agencies/x-y',
        headers: await api.as('supervisor@yufuci-community'),
        payload: { name: 'x' },
      })
    ).statusCode,
  ).toBe(403);
});
