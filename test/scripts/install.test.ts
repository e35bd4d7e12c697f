/**
 * The embedded install's pair (Temporal's store under data/ and the PostgreSQL database) on a real
 * database of its own: a fresh pair is recorded; the same pair starts again; a store of an earlier
 * version, a deleted data folder next to a database with cases, and a database of another install
 * are refused with one line that says to run `npm run reset`; reset moves data/ and the local
 * database aside, and the next start begins afresh.
 */
import { mkdtempSync, existsSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { initORM, migrate, ormOptions } from '../../db/orm';
import {
  INSTALL_FILE,
  InstallMismatch,
  WORKFLOW_GENERATION,
  checkInstall,
  readDataFolder,
} from '../../scripts/install';
import { reset } from '../../scripts/reset';

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `fengqiao_install_${process.pid}`;
let orm: MikroORM;

async function openDb(name = dbName): Promise<MikroORM> {
  await ensureDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const o = await initORM(url.toString(), {
    pool: { min: 0, max: 2 },
    migrations: { ...ormOptions('').migrations, silent: true },
  });
  await migrate(o);
  return o;
}

beforeAll(async () => {
  orm = await openDb();
});
afterAll(async () => {
  await orm?.close();
  await dropDatabase(adminUrl, dbName);
});
beforeEach(async () => {
  await orm.em.fork().execute(`delete from settings where key = 'install'`);
  await orm.em.fork().execute(`delete from disputes`);
});

const dataDirOf = () => path.join(mkdtempSync(path.join(tmpdir(), 'fq-install-')), 'data');
const store = (dir: string) => path.join(dir, 'temporal.db');
const startWith = (dir: string) =>
  checkInstall(orm.em.fork(), { dataDir: dir, folder: readDataFolder(dir, store(dir)) });
/** What the dev server does on its first start: a store file. */
const devServerStarts = (dir: string) => {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(store(dir))) writeFileSync(store(dir), 'sqlite');
};
/** `npm start` on a data folder: read it, the dev server starts (creating a store), then the check. */
async function start(dir: string) {
  const folder = readDataFolder(dir, store(dir));
  devServerStarts(dir);
  return checkInstall(orm.em.fork(), { dataDir: dir, folder });
}
const addCase = () =>
  orm.em.fork().execute(
    `insert into disputes (id, stage, origin_path, category, priority, title, created_by_type, created_by_id, seq, state)
     values ('d-1', 'awaiting_acceptance', '/changde/', 'neighbour', 'normal', '案件', 'integrator', 'k', 1, '{}'::jsonb)`,
  );

it('records a fresh pair, then starts it again', async () => {
  const dir = dataDirOf();
  const first = await start(dir);
  expect(first.claimed).toBe(true);
  expect(existsSync(path.join(dir, INSTALL_FILE))).toBe(true);
  await addCase();
  const again = await startWith(dir);
  expect(again).toEqual({ installId: first.installId, claimed: false });
});

it('refuses a store of an earlier version, saying to run npm run reset', async () => {
  const dir = dataDirOf();
  devServerStarts(dir); // version 0.1 wrote no install record
  await expect(startWith(dir)).rejects.toThrow(InstallMismatch);
  await expect(startWith(dir)).rejects.toThrow(/较早的版本.*npm run reset/);
  writeFileSync(
    path.join(dir, INSTALL_FILE),
    JSON.stringify({ installId: 'x', generation: WORKFLOW_GENERATION - 1, createdAt: '' }),
  );
  await expect(startWith(dir)).rejects.toThrow(/第 1 代.*npm run reset/);
});

it('refuses a deleted data folder next to a database that has cases', async () => {
  const dir = dataDirOf();
  await start(dir);
  await addCase();
  // data/ deleted to start afresh: the database still holds the old install's cases.
  const fresh = dataDirOf();
  const folder = readDataFolder(fresh, store(fresh));
  devServerStarts(fresh);
  await expect(checkInstall(orm.em.fork(), { dataDir: fresh, folder })).rejects.toThrow(
    /数据库已属于另一个安装.*npm run reset/,
  );
  // A database with cases of version 0.1 (no record at all) is refused too.
  await orm.em.fork().execute(`delete from settings where key = 'install'`);
  await expect(checkInstall(orm.em.fork(), { dataDir: fresh, folder })).rejects.toThrow(/已有 1 件案件/);
});

it('refuses a database that belongs to another install (two clones, one database)', async () => {
  const a = dataDirOf();
  await start(a);
  const b = dataDirOf();
  devServerStarts(b);
  writeFileSync(
    path.join(b, INSTALL_FILE),
    JSON.stringify({ installId: 'another-clone', generation: WORKFLOW_GENERATION, createdAt: '' }),
  );
  await expect(startWith(b)).rejects.toThrow(/数据库属于另一个安装/);
});

it('reset moves data/ and the local database aside; the next start begins afresh', async () => {
  const name = `fengqiao_reset_${process.pid}`;
  const other = await openDb(name);
  await other.close();
  const dir = dataDirOf();
  devServerStarts(dir);
  const done = await reset({ dataDir: dir, adminUrl, database: name, now: new Date('2026-12-06T05:00:00Z') });
  expect(done).toHaveLength(2);
  expect(existsSync(dir)).toBe(false);
  expect(readdirSync(path.dirname(dir))).toContain('data.old-20261206-050000');
  expect(done[1]).toContain(`${name}_old_20261206050000`);
  await dropDatabase(adminUrl, `${name}_old_20261206050000`);
  const folder = readDataFolder(dir, store(dir));
  expect(folder).toEqual({ storeExists: false, record: undefined });
});
