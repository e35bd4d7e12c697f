/**
 * `npm run migrate:status`: the migrations applied to DATABASE_URL (with when) and those pending. Exit code 0 when
 * none is pending, 1 when some are (a deploy gate: start the new version only once its migrations ran), 2 when the
 * database cannot be read. `--json` prints {"executed":[{name, executedAt}],"pending":[names]}.
 */
import { loadConfig } from '../config/env';
import { initORM, ormOptions } from '../db/orm';
import { migrationStatus } from '../db/migrate-lock';

async function main(): Promise<number> {
  const config = loadConfig(process.env, { requireDatabaseUrl: true, servesApi: false });
  const orm = await initORM(config.databaseUrl!, { migrations: { ...ormOptions('').migrations, silent: true } });
  try {
    const status = await migrationStatus(orm);
    if (process.argv.includes('--json')) console.log(JSON.stringify(status));
    else {
      console.log(`已执行 / executed (${status.executed.length}):`);
      for (const m of status.executed) console.log(`  ${m.name}  ${m.executedAt.toISOString()}`);
      console.log(`待执行 / pending (${status.pending.length}):`);
      for (const name of status.pending) console.log(`  ${name}`);
      console.log(
        status.pending.length
          ? '有待执行的迁移：先运行 npm run migrate / migrations pending: run npm run migrate first'
          : '数据库已是最新 / the database is up to date',
      );
    }
    return status.pending.length ? 1 : 0;
  } finally {
    await orm.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
