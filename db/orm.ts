import 'reflect-metadata';
import path from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { DatabaseConfigError, ormConnection, tlsFailure, pgConnection } from './connection-options';
import { poolMaxOf } from '../config/database';
import { migrateUnderLock, type MigrateOptions } from './migrate-lock';
import { ENTITIES } from './entities';

const MIGRATIONS_DIR = path.join(__dirname, '../migrations');

export function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  const problems: string[] = [];
  const poolMax = poolMaxOf(process.env, problems);
  if (problems.length) throw new DatabaseConfigError(problems);
  return {
    // clientUrl without sslmode & co., and TLS (sslmode, CA, client certificate) as driverOptions: connection-options.ts.
    ...ormConnection(databaseUrl),
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true },
    pool: { min: 0, max: poolMax },
    migrations: {
      path: MIGRATIONS_DIR,
      // .ts under ts-jest and the migration generator, .js once compiled to dist/.
      glob: '!(*.d).{js,ts}',
      transactional: true,
      // A run of transactional migrations commits or rolls back as one; a non-transactional migration
      // (db/non-transactional-migration.ts: CREATE INDEX CONCURRENTLY) runs alone, outside it (migrate-lock.ts).
      allOrNothing: true,
      snapshot: true,
      snapshotName: '.snapshot-fengqiao',
      emit: 'ts',
    },
    debug: process.env.DATABASE_DEBUG === '1',
    ...overrides,
  };
}

/**
 * The ORM, connected. A TLS failure (certificate not trusted, wrong host name, server without TLS) is thrown here
 * with an explanation; other connection failures are left to the first query, as before.
 */
export async function initORM(databaseUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  const mode = databaseUrl ? pgConnection(databaseUrl).tls.mode : 'disable';
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(ormOptions(databaseUrl, overrides));
  } catch (err) {
    const explained = mode === 'disable' ? undefined : tlsFailure(err, mode);
    throw explained ? new Error(explained, { cause: err }) : err;
  }
  if (mode !== 'disable') {
    const check = await orm.checkConnection();
    const explained = check.ok ? undefined : tlsFailure(check.error, mode);
    if (explained) {
      await orm.close();
      throw new Error(explained, { cause: check.ok ? undefined : check.error });
    }
  }
  return orm;
}

/**
 * Applies the pending migrations under a PostgreSQL advisory lock (db/migrate-lock.ts): a second run at the same
 * time waits, then finds nothing pending. `sessionUrl`: DATABASE_LISTEN_URL when the ORM goes through PgBouncer.
 */
export async function migrate(orm: MikroORM, opts: MigrateOptions = {}): Promise<string[]> {
  return migrateUnderLock(orm, opts);
}
