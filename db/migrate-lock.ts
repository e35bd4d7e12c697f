/**
 * Migrations under a PostgreSQL advisory lock, and their status (`npm run migrate`, `npm start`, `npm run
 * migrate:status`). The lock is a session lock (pg_advisory_lock) held on one dedicated connection for the whole
 * run: a second run (another pod's migration job, an `npm start` beside it) waits for it, then finds nothing
 * pending. Session locks need a session: behind PgBouncer in transaction mode pass a session-mode URL
 * (DATABASE_LISTEN_URL) as `sessionUrl`; it must reach the same database.
 *
 * Pending migrations run in order, in runs: consecutive transactional ones in one transaction (allOrNothing), a
 * non-transactional one (db/non-transactional-migration.ts, CREATE INDEX CONCURRENTLY) alone and outside any
 * transaction, after the run before it committed (its table may have been created there).
 */
import { Client } from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { sessionConnection, type PgConnection } from './connection-options';

/** The lock's key, computed by the server from a name (any 64-bit key would do; a name says whose it is). */
const LOCK_KEY = `hashtextextended('fengqiao.migrations', 0)`;
const LOCK_POLL_MS = 500;

export interface MigrateOptions {
  /** A session-mode URL for the lock (DATABASE_LISTEN_URL); default: the ORM's own server and TLS. */
  sessionUrl?: string;
  /** Called once when another run holds the lock and this one waits. */
  onWait?: (message: string) => void;
}

export async function withMigrationLock<T>(
  conn: Pick<PgConnection, 'connectionString' | 'ssl'>,
  fn: () => Promise<T>,
  onWait?: (message: string) => void,
): Promise<T> {
  const client = new Client({ ...conn, application_name: 'fengqiao-migrate', connectionTimeoutMillis: 10_000 });
  // A lost lock session must not crash the process; the unlock below then fails quietly (the server freed it).
  client.on('error', () => undefined);
  await client.connect();
  try {
    // Polled, not pg_advisory_lock(): a statement waiting on the lock holds a snapshot, and CREATE INDEX
    // CONCURRENTLY in the run holding the lock waits for every older snapshot in the database: a deadlock
    // PostgreSQL cannot see (it closes through this process).
    for (let waited = false; ;) {
      const { rows } = await client.query<{ got: boolean }>(`select pg_try_advisory_lock(${LOCK_KEY}) as got`);
      if (rows[0]!.got) break;
      if (!waited)
        onWait?.('另一个迁移正在进行，等待其完成 / another migration run holds the lock; waiting for it to finish');
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    return await fn();
  } finally {
    await client.query(`select pg_advisory_unlock(${LOCK_KEY})`).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Whether the migration file at `path` is transactional (its class's isTransactional(); true unless overridden). */
function isTransactional(path: string | undefined): boolean {
  if (!path) return true;
  // The same lookup as MikroORM's Migrator.resolve: the module's first exported class.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path) as Record<string, unknown>;
  const cls = Object.values(mod).find((v) => typeof v === 'function') as
    { prototype: { isTransactional?: () => boolean } } | undefined;
  return cls?.prototype.isTransactional?.() ?? true;
}

async function upInRuns(orm: MikroORM): Promise<string[]> {
  const migrator = orm.getMigrator();
  const pending = await migrator.getPendingMigrations();
  const applied: string[] = [];
  let i = 0;
  while (i < pending.length) {
    if (isTransactional(pending[i]!.path)) {
      let j = i;
      while (j + 1 < pending.length && isTransactional(pending[j + 1]!.path)) j++;
      const done = await migrator.up({ to: pending[j]!.name });
      applied.push(...done.map((m) => m.name));
      i = j + 1;
      continue;
    }
    // allOrNothing would wrap it in a transaction of its own (on another connection than its statements):
    // turned off for this one call. The Migrator reads this same options object at each run.
    const options = orm.config.get('migrations');
    const before = options.allOrNothing;
    options.allOrNothing = false;
    try {
      const done = await migrator.up({ migrations: [pending[i]!.name] });
      applied.push(...done.map((m) => m.name));
    } finally {
      options.allOrNothing = before;
    }
    i++;
  }
  return applied;
}

/** Applies the pending migrations under the lock; returns their names (none: the database was up to date). */
export async function migrateUnderLock(orm: MikroORM, opts: MigrateOptions = {}): Promise<string[]> {
  const conn = sessionConnection(opts.sessionUrl, orm);
  return withMigrationLock(conn, () => upInRuns(orm), opts.onWait);
}

export interface MigrationStatus {
  executed: { name: string; executedAt: Date }[];
  pending: string[];
}

/** What `npm run migrate:status` prints (MikroORM creates its empty bookkeeping table if missing). */
export async function migrationStatus(orm: MikroORM): Promise<MigrationStatus> {
  const migrator = orm.getMigrator();
  const executed = await migrator.getExecutedMigrations();
  const pending = await migrator.getPendingMigrations();
  return {
    executed: executed.map((m) => ({ name: m.name, executedAt: new Date(m.executed_at) })),
    pending: pending.map((m) => m.name),
  };
}
