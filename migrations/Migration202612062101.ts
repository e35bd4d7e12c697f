import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 22 (item 1). Evidence kept on a case: `attachments` (a file's name, sniffed type, size,
 * SHA-256 and store key, or a link; who added it; the event that recorded it) and the default store's
 * `attachment_chunks` (storage/pg-store.ts: each file in pieces of 256 KiB, in order).
 */
export class Migration202612062101 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "attachments" ("id" uuid not null, "dispute_id" varchar(64) not null, "kind" varchar(8) not null, "name" varchar(255) not null, "media_type" varchar(100) not null, "size" int not null default 0, "sha256" varchar(64) null, "storage_key" varchar(200) null, "url" varchar(2000) null, "description" varchar(2000) null, "source" varchar(16) not null, "uploaded_by_id" varchar(100) not null, "uploaded_by_name" varchar(200) not null, "uploaded_by_role" varchar(32) not null, "party_index" int null, "kept_location" boolean not null default false, "event_seq" int null, "created_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "attachments_pkey" primary key ("id"));`);
    this.addSql(`create index "attachments_dispute_id_created_at_index" on "attachments" ("dispute_id", "created_at");`);
    this.addSql(`create table "attachment_chunks" ("storage_key" varchar(200) not null, "seq" int not null, "data" bytea not null, constraint "attachment_chunks_pkey" primary key ("storage_key", "seq"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "attachment_chunks" cascade;`);
    this.addSql(`drop table if exists "attachments" cascade;`);
  }

}
