/**
 * `npm run reset`: moves the embedded install's data aside so that `npm start` begins afresh,
 * keeping everything (nothing is deleted): data/ becomes data.old-<time>/, and the local database
 * `fengqiao` (on 127.0.0.1:5432, when DATABASE_URL is not set) becomes `fengqiao_old_<time>`.
 * A configured DATABASE_URL is left alone: point it at an empty database instead.
 */
import { existsSync, renameSync } from 'node:fs';
import { Client } from 'pg';
import { DATA_DIR } from '../config/paths';
import { pgConnection } from '../db/connection-options';

const LOCAL_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function reset(opts: {
  dataDir: string;
  adminUrl?: string;
  database?: string;
  now?: Date;
}): Promise<string[]> {
  const stamp = (opts.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const done: string[] = [];
  if (existsSync(opts.dataDir)) {
    const aside = `${opts.dataDir}.old-${stamp}`;
    renameSync(opts.dataDir, aside);
    done.push(`数据目录已移至 ${aside} / moved ${opts.dataDir} to ${aside}`);
  }
  if (opts.adminUrl && opts.database) {
    const name = opts.database;
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
    const client = new Client({ ...pgConnection(opts.adminUrl), connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      const found = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount) {
        const aside = `${name}_old_${stamp.replace('-', '')}`;
        await client.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [name],
        );
        await client.query(`alter database ${name} rename to ${aside}`);
        done.push(`数据库 ${name} 已改名为 ${aside} / renamed database ${name} to ${aside}`);
      }
    } catch (err) {
      done.push(`本地数据库未处理：${(err as Error).message} / local database left as it is`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return done;
}

if (require.main === module) {
  const configured = !!process.env.DATABASE_URL;
  reset({ dataDir: DATA_DIR, ...(configured ? {} : { adminUrl: LOCAL_ADMIN_URL, database: 'fengqiao' }) })
    .then((done) => {
      for (const line of done) console.log(line);
      if (done.length === 0) console.log('没有需要移开的数据 / nothing to move aside');
      if (configured)
        console.log(
          'DATABASE_URL 已设置：该数据库未改动，请指向一个空数据库 / DATABASE_URL is set: that database was left alone; point it at an empty one',
        );
      console.log('现在运行 npm start / now run `npm start`');
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
