/**
 * Migrations under the advisory lock, on fresh databases of the machine's PostgreSQL: two runs at once both
 * succeed (one applies everything, the other waits and finds nothing pending), in one process and as two
 * `scripts/migrate.ts` processes; `migrate:status` lists executed and pending migrations and exits 1 while some
 * are pending (a deploy gate), 0 once none is. The CONCURRENTLY indexes of the non-transactional migration exist
 * and are valid afterwards.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { migrationStatus } from '../../db/migrate-lock';

const ROOT = path.join(__dirname, '../..');
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ALL = readdirSync(path.join(ROOT, 'migrations'))
  .filter((f) => /^Migration\d+\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const created: string[] = [];
async function freshDatabase(tag: string): Promise<string> {
  const name = `fengqiao_c_${tag}_${process.pid}_${Date.now().toString(36)}`;
  await ensureDatabase(ADMIN_URL, name);
  created.push(name);
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}
afterAll(async () => {
  for (const name of created) await dropDatabase(ADMIN_URL, name).catch(() => undefined);
});

const quiet = { migrations: { ...ormOptions('').migrations, silent: true }, pool: { min: 0, max: 3 } };

/** Runs a script with ts-node (as `npm run …` runs its compiled twin) and collects its output and exit code. */
function run(script: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'scripts', script), ...args],
      { cwd: ROOT, env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: '1' } },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function indexesValid(orm: MikroORM): Promise<Record<string, boolean>> {
  const rows = await orm.em.getConnection().execute<{ name: string; valid: boolean }[]>(
    `select c.relname as name, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname in ('sessions_expires_at_index', 'notice_deliveries_status_created_at_index',
                          'webhook_deliveries_status_created_at_index')`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.valid]));
}

it('two migrate runs at once on a fresh database both succeed: one applies, the other waits', async () => {
  const url = await freshDatabase('lock');
  const [a, b] = [await initORM(url, quiet), await initORM(url, quiet)];
  try {
    const waited: string[] = [];
    const results = await Promise.all([
      migrate(a, { onWait: (m) => waited.push(`a: ${m}`) }),
      migrate(b, { onWait: (m) => waited.push(`b: ${m}`) }),
    ]);
    const [full, none] = results[0].length ? results : [results[1], results[0]];
    expect(full).toEqual(ALL);
    expect(none).toEqual([]);
    expect(waited).toHaveLength(1);
    expect(waited[0]).toMatch(/another migration run holds the lock; waiting/);
    expect(await migrationStatus(a)).toMatchObject({ pending: [] });
    expect(await indexesValid(a)).toEqual({
      sessions_expires_at_index: true,
      notice_deliveries_status_created_at_index: true,
      webhook_deliveries_status_created_at_index: true,
    });
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

it('migrate:status gates a deploy (exit 1 while pending); two `migrate` processes at once both exit 0', async () => {
  const url = await freshDatabase('status');
  const env = { DATABASE_URL: url, DATABASE_LISTEN_URL: '' };

  const before = await run('migrate-status.ts', env);
  expect(before.out).toContain(`待执行 / pending (${ALL.length}):`);
  expect(before.out).toContain('已执行 / executed (0):');
  expect(before.out).toContain(`  ${ALL[ALL.length - 1]}`);
  expect(before.out).toContain('migrations pending: run npm run migrate first');
  expect(before.code).toBe(1);

  const [m1, m2] = await Promise.all([run('migrate.ts', env), run('migrate.ts', env)]);
  expect([m1.code, m2.code]).toEqual([0, 0]);
  const outs = [m1.out, m2.out].join('\n');
  expect(outs).toMatch(/applied Migration20261126032048, /);
  expect(outs).toContain('database is up to date');

  const after = await run('migrate-status.ts', env);
  expect(after.out).toContain(`已执行 / executed (${ALL.length}):`);
  expect(after.out).toMatch(/ {2}Migration202612062601 {2}\d{4}-\d\d-\d\dT/);
  expect(after.out).toContain('待执行 / pending (0):');
  expect(after.out).toContain('数据库已是最新 / the database is up to date');
  expect(after.code).toBe(0);

  const json = await run('migrate-status.ts', env, ['--json']);
  expect(json.code).toBe(0);
  const status = JSON.parse(json.out.trim().split('\n').pop()!) as { executed: { name: string }[]; pending: string[] };
  expect(status.executed.map((m) => m.name).sort()).toEqual(ALL);
  expect(status.pending).toEqual([]);

  const broken = await run('migrate-status.ts', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' });
  expect(broken.code).toBe(2);
}, 120_000);
