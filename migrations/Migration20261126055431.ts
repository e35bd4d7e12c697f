import { Migration } from '@mikro-orm/migrations';

export class Migration20261126055431 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "settings" ("key" varchar(64) not null, "value" jsonb not null, "updated_at" timestamptz not null, "updated_by" varchar(128) null, constraint "settings_pkey" primary key ("key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "settings" cascade;`);
  }

}
