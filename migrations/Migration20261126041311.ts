import { Migration } from '@mikro-orm/migrations';

export class Migration20261126041311 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "webhook_deliveries" ("id" varchar(64) not null, "subscription_id" varchar(64) not null, "dispute_id" varchar(64) not null, "event_seq" int not null, "event_type" varchar(64) not null, "payload" jsonb not null, "status" varchar(16) not null default 'pending', "attempts" int not null default 0, "last_status_code" int null, "last_error" varchar(500) null, "created_at" timestamptz not null default now(), "delivered_at" timestamptz null, constraint "webhook_deliveries_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_deliveries_subscription_id_index" on "webhook_deliveries" ("subscription_id");`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_subscription_id_dispute_id_event_seq_unique" unique ("subscription_id", "dispute_id", "event_seq");`);

    this.addSql(`create table "webhook_subscriptions" ("id" varchar(64) not null, "owner_id" varchar(64) not null, "url" varchar(500) not null, "secret" varchar(100) not null, "events" jsonb not null, "active" boolean not null default true, "created_at" timestamptz not null default now(), constraint "webhook_subscriptions_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_subscriptions_owner_id_index" on "webhook_subscriptions" ("owner_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);

    this.addSql(`drop table if exists "webhook_subscriptions" cascade;`);
  }

}
