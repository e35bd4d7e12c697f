/**
 * The base class of a migration that runs outside any transaction: an index on a table that may be large is
 * built with CREATE INDEX CONCURRENTLY, which does not block writes to the table while it builds but cannot run
 * in a transaction block. The rule for new migrations (docs/postgresql.md): an index on a table that grows
 * (disputes, dispute_events, alerts, notice_deliveries, webhook_deliveries, attachments, sessions, …) goes in a
 * migration of its own extending this class, one createIndexConcurrently per index, nothing else in it.
 * db/migrate-lock.ts runs such a migration alone, after the transactional ones before it have committed.
 */
import { Migration } from '@mikro-orm/migrations';

const IDENT = /^[a-z_][a-z0-9_]*$/;

export abstract class NonTransactionalMigration extends Migration {
  override isTransactional(): boolean {
    return false;
  }

  /**
   * CREATE INDEX CONCURRENTLY IF NOT EXISTS `name` ON `table` (`columns`) [WHERE `where`]. An interrupted
   * concurrent build leaves an INVALID index that IF NOT EXISTS would keep forever: such a leftover is dropped
   * (concurrently) and built again.
   */
  protected async createIndexConcurrently(name: string, table: string, columns: string[], where?: string) {
    for (const id of [name, table, ...columns])
      if (!IDENT.test(id)) throw new Error(`createIndexConcurrently: unsafe identifier ${id}`);
    const rows = (await this.execute(
      `select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
        where c.relname = ? and c.relnamespace = current_schema()::regnamespace`,
      [name],
    )) as { valid: boolean }[];
    if (rows[0] && !rows[0].valid) this.addSql(`drop index concurrently if exists "${name}";`);
    const cols = columns.map((c) => `"${c}"`).join(', ');
    this.addSql(
      `create index concurrently if not exists "${name}" on "${table}" (${cols})${where ? ` where ${where}` : ''};`,
    );
  }

  protected dropIndexConcurrently(name: string): void {
    if (!IDENT.test(name)) throw new Error(`dropIndexConcurrently: unsafe identifier ${name}`);
    this.addSql(`drop index concurrently if exists "${name}";`);
  }
}
