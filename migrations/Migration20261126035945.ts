import { Migration } from '@mikro-orm/migrations';

export class Migration20261126035945 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "idempotency_keys" add column "retryable" boolean not null default false;`);
    this.addSql(`create index "idempotency_keys_created_at_index" on "idempotency_keys" ("created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "idempotency_keys_created_at_index";`);
    this.addSql(`alter table "idempotency_keys" drop column "retryable";`);
  }

}
