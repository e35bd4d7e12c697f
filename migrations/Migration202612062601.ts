import { NonTransactionalMigration } from '../db/non-transactional-migration';

/**
 * Issue 23 (PostgreSQL in production): indexes for the housekeeping and metrics queries on tables that grow, built
 * CONCURRENTLY (no write lock on a live table; db/non-transactional-migration.ts, docs/postgresql.md):
 * - sessions by expiry: the purge of ended sessions (api/sessions.ts, retention);
 * - notice_deliveries by status and age: failures by status for the metrics, purge of old deliveries;
 * - webhook_deliveries by status and age: the same for webhook deliveries.
 */
export class Migration202612062601 extends NonTransactionalMigration {
  override async up(): Promise<void> {
    await this.createIndexConcurrently('sessions_expires_at_index', 'sessions', ['expires_at']);
    await this.createIndexConcurrently('notice_deliveries_status_created_at_index', 'notice_deliveries', [
      'status',
      'created_at',
    ]);
    await this.createIndexConcurrently('webhook_deliveries_status_created_at_index', 'webhook_deliveries', [
      'status',
      'created_at',
    ]);
  }

  override async down(): Promise<void> {
    this.dropIndexConcurrently('webhook_deliveries_status_created_at_index');
    this.dropIndexConcurrently('notice_deliveries_status_created_at_index');
    this.dropIndexConcurrently('sessions_expires_at_index');
  }
}
