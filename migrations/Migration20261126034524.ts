import { Migration } from '@mikro-orm/migrations';

export class Migration20261126034524 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "notifications" ("key" varchar(200) not null, "dispute_id" varchar(64) not null, "kind" varchar(48) not null, "recipients" jsonb not null, "message" varchar(1000) not null, "channel" varchar(32) not null, "status" varchar(16) not null, "created_at" timestamptz not null default now(), constraint "notifications_pkey" primary key ("key"));`);
    this.addSql(`create index "notifications_dispute_id_index" on "notifications" ("dispute_id");`);

    this.addSql(`create table "risk_keywords" ("word" varchar(32) not null, constraint "risk_keywords_pkey" primary key ("word"));`);

    this.addSql(`alter table "agreements" drop constraint "agreements_dispute_id_unique";`);

    this.addSql(`alter table "agreements" add column "round" int not null default 1;`);
    this.addSql(`alter table "agreements" add constraint "agreements_dispute_id_round_unique" unique ("dispute_id", "round");`);

    this.addSql(`alter table "disputes" add column "overdue" boolean not null default false, add column "search_text" text not null default '';`);
    this.addSql(`create index "disputes_overdue_index" on "disputes" ("overdue");`);

    // Edited from the generated drop/add: a rename keeps the numbers already allocated.
    this.addSql(`alter table "number_allocations" rename column "dispute_id" to "owner_key";`);
    this.addSql(`alter table "number_allocations" alter column "owner_key" type varchar(80);`);

    this.addSql(`alter table "sla_policies" add column "report_in_seconds" int not null default 14400, add column "signature_seconds" int not null default 70200, add column "follow_up_days" int not null default 15;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notifications" cascade;`);

    this.addSql(`drop table if exists "risk_keywords" cascade;`);

    this.addSql(`alter table "agreements" drop constraint "agreements_dispute_id_round_unique";`);
    this.addSql(`alter table "agreements" drop column "round";`);

    this.addSql(`alter table "agreements" add constraint "agreements_dispute_id_unique" unique ("dispute_id");`);

    this.addSql(`drop index "disputes_overdue_index";`);
    this.addSql(`alter table "disputes" drop column "overdue", drop column "search_text";`);

    this.addSql(`alter table "number_allocations" alter column "owner_key" type varchar(64);`);
    this.addSql(`alter table "number_allocations" rename column "owner_key" to "dispute_id";`);

    this.addSql(`alter table "sla_policies" drop column "report_in_seconds", drop column "signature_seconds", drop column "follow_up_days";`);
  }

}
