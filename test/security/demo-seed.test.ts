/**
 * Production never runs the demo (issue: demo credentials came back on every start). On a database
 * of its own: the demo seed creates only what is missing and changes nothing that exists (a
 * deactivated, re-passworded or re-roled account, a revoked key, a renamed unit, an admin's
 * deletions of policies and keywords all stay); with NODE_ENV=production it creates nothing; the
 * first administrator of a production system comes from `npm run admin:create`.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { ApiKey, RiskKeyword, SlaPolicy, Unit, User } from '../../db/entities';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { seedDemo } from '../../demo/seed';
import { createAdmin } from '../../scripts/admin-create';
import { verifyPassword } from '../../security/credentials';

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const names = [`fengqiao_seed_${process.pid}`, `fengqiao_prod_${process.pid}`];
const orms: MikroORM[] = [];

async function freshDb(name: string): Promise<MikroORM> {
  await dropDatabase(adminUrl, name);
  await ensureDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const orm = await initORM(url.toString(), {
    pool: { min: 0, max: 2 },
    migrations: { ...ormOptions('').migrations, silent: true },
  });
  await migrate(orm);
  orms.push(orm);
  return orm;
}
afterAll(async () => {
  for (const orm of orms) await orm.close();
  for (const name of names) await dropDatabase(adminUrl, name);
});

const DEMO = { demoPassword: 'demo-password-1', env: { NODE_ENV: 'development' } };

it('creates what is missing and changes nothing that exists, however often it runs', async () => {
  const orm = await freshDb(names[0]!);
  const first = await seedDemo(orm.em.fork(), DEMO);
  expect(first.generatedApiKey).toMatch(/^fq_live_/);
  const em = orm.em.fork();
  // An administrator's changes after the first start.
  const admin = await em.findOneOrFail(User, { username: 'admin' });
  admin.active = false;
  const mediator = await em.findOneOrFail(User, { username: 'mediator@yufuci-community' });
  mediator.role = 'supervisor';
  const key = await em.findOneOrFail(ApiKey, { id: 'demo-integrator' });
  key.revokedAt = new Date();
  const unit = await em.findOneOrFail(Unit, { code: 'yufuci-community' });
  unit.name = '渔父祠社区（改名）';
  await em.flush();
  await em.nativeDelete(RiskKeyword, { word: '报复' });
  await em.nativeDelete(SlaPolicy, { level: 'grid' });
  const policies = await em.count(SlaPolicy, {});

  // A restart, even with another demo password.
  const again = await seedDemo(orm.em.fork(), { ...DEMO, demoPassword: 'another-password' });
  expect(again).toEqual({});
  const after = orm.em.fork();
  const adminAfter = await after.findOneOrFail(User, { username: 'admin' });
  expect(adminAfter.active).toBe(false);
  expect(await verifyPassword('demo-password-1', adminAfter.passwordHash)).toBe(true);
  expect(await verifyPassword('another-password', adminAfter.passwordHash)).toBe(false);
  expect((await after.findOneOrFail(User, { username: 'mediator@yufuci-community' })).role).toBe('supervisor');
  expect((await after.findOneOrFail(ApiKey, { id: 'demo-integrator' })).revokedAt).toBeInstanceOf(Date);
  expect((await after.findOneOrFail(Unit, { code: 'yufuci-community' })).name).toBe('渔父祠社区（改名）');
  expect(await after.findOne(RiskKeyword, { word: '报复' })).toBeNull();
  expect(await after.count(SlaPolicy, {})).toBe(policies);

  // What was deleted outright (an account) is created again: it is missing.
  await after.nativeDelete(User, { username: 'rep@housing-center' });
  await seedDemo(orm.em.fork(), DEMO);
  expect(await orm.em.fork().findOne(User, { username: 'rep@housing-center' })).not.toBeNull();
});

it('creates nothing in production; the first administrator comes from admin:create', async () => {
  const orm = await freshDb(names[1]!);
  const seeded = await seedDemo(orm.em.fork(), { ...DEMO, env: { NODE_ENV: 'production' } });
  expect(seeded.skipped).toMatch(/production/);
  const em = orm.em.fork();
  expect([
    await em.count(Unit, {}),
    await em.count(User, {}),
    await em.count(ApiKey, {}),
    await em.count(SlaPolicy, {}),
  ]).toEqual([0, 0, 0, 0]);

  const made = await createAdmin(orm.em.fork(), { username: 'ops-admin', displayName: '市司法局管理员' });
  expect(made.generatedPassword!.length).toBeGreaterThanOrEqual(20);
  const admin = await orm.em.fork().findOneOrFail(User, { username: 'ops-admin' });
  expect(admin).toMatchObject({ role: 'admin', active: true, displayName: '市司法局管理员' });
  expect(await verifyPassword(made.generatedPassword!, admin.passwordHash)).toBe(true);
  // Never changes an existing account, and refuses a weak password.
  await expect(createAdmin(orm.em.fork(), { username: 'ops-admin', password: 'a-new-password-123' })).rejects.toThrow(
    /已存在/,
  );
  await expect(createAdmin(orm.em.fork(), { username: 'ops-admin-2', password: 'short' })).rejects.toThrow(/至少 12/);
  expect(
    await verifyPassword(
      made.generatedPassword!,
      (await orm.em.fork().findOneOrFail(User, { username: 'ops-admin' })).passwordHash,
    ),
  ).toBe(true);
});
