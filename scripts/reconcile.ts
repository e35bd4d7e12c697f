/**
 * `npm run reconcile`: compares the read model in PostgreSQL (DATABASE_URL) with the dispute
 * workflows in Temporal (TEMPORAL_*; PAYLOAD_KEYS to read them) and prints what differs
 * (ops/reconcile.ts). Read-only unless `--repair`. Exit code 0: nothing found (or all repaired);
 * 1: findings left; 2: something could not be checked. docs/backup-restore.md says when to run it.
 *
 *   npm run reconcile [-- --repair] [--json] [--case <id> …] [--reproject <id> …]
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env';
import { initORM } from '../db/orm';
import { exitCodeOf, formatReport, reconcile } from '../ops/reconcile';
import { configuredDataConverter } from '../temporal/codec';
import { connectClient } from '../temporal/connection';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      repair: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      case: { type: 'string', multiple: true },
      reproject: { type: 'string', multiple: true },
    },
  });
  const config = loadConfig(process.env, { requireDatabaseUrl: true, servesApi: false });
  const orm = await initORM(config.databaseUrl!, { pool: { min: 0, max: 4 } });
  const client = await connectClient(configuredDataConverter(config));
  try {
    const report = await reconcile(
      { em: orm.em.fork(), client },
      { repair: values.repair, disputeIds: values.case, reproject: values.reproject },
    );
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return exitCodeOf(report);
  } finally {
    await client.connection.close();
    await orm.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
