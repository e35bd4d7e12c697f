import { Migration } from '@mikro-orm/migrations';

export class Migration20261126032048 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "agencies" ("code" varchar(64) not null, "name" varchar(128) not null, constraint "agencies_pkey" primary key ("code"));`);

    this.addSql(`create table "agreements" ("number" varchar(64) not null, "dispute_id" varchar(64) not null, "html" text not null, "signatures" jsonb not null, "sha256" varchar(64) not null, "effective_at" timestamptz not null, constraint "agreements_pkey" primary key ("number"));`);
    this.addSql(`create index "agreements_dispute_id_index" on "agreements" ("dispute_id");`);
    this.addSql(`alter table "agreements" add constraint "agreements_dispute_id_unique" unique ("dispute_id");`);

    this.addSql(`create table "alerts" ("id" bigserial primary key, "dispute_id" varchar(64) not null, "kind" varchar(32) not null, "stage_entry" int not null, "unit_code" varchar(64) not null, "unit_path" varchar(512) not null, "case_number" varchar(64) null, "message" varchar(500) not null, "raised_at" timestamptz not null, "acked_by" varchar(64) null, "acked_at" timestamptz null, "ack_note" varchar(500) null);`);
    this.addSql(`create index "alerts_dispute_id_index" on "alerts" ("dispute_id");`);
    this.addSql(`create index "alerts_unit_code_index" on "alerts" ("unit_code");`);
    this.addSql(`alter table "alerts" add constraint "alerts_dispute_id_kind_stage_entry_unique" unique ("dispute_id", "kind", "stage_entry");`);

    this.addSql(`create table "api_keys" ("id" varchar(64) not null, "name" varchar(128) not null, "prefix" varchar(32) not null, "key_hash" varchar(64) not null, "area_code" varchar(64) null, "created_at" timestamptz not null default now(), "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_keys_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_key_hash_unique" unique ("key_hash");`);

    this.addSql(`create table "disputes" ("id" varchar(64) not null, "case_number" varchar(64) null, "stage" varchar(32) not null, "outcome" varchar(16) null, "level" varchar(16) null, "unit_code" varchar(64) null, "unit_path" varchar(512) null, "origin_path" varchar(512) not null, "category" varchar(32) not null, "priority" varchar(16) not null, "title" varchar(200) not null, "created_by_type" varchar(16) not null, "created_by_id" varchar(64) not null, "next_deadline_at" timestamptz null, "seq" int not null, "state" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "disputes_pkey" primary key ("id"));`);
    this.addSql(`alter table "disputes" add constraint "disputes_case_number_unique" unique ("case_number");`);
    this.addSql(`create index "disputes_stage_index" on "disputes" ("stage");`);
    this.addSql(`create index "disputes_unit_code_index" on "disputes" ("unit_code");`);
    this.addSql(`create index "disputes_unit_path_index" on "disputes" ("unit_path");`);
    this.addSql(`create index "disputes_origin_path_index" on "disputes" ("origin_path");`);
    this.addSql(`create index "disputes_created_by_id_index" on "disputes" ("created_by_id");`);

    this.addSql(`create table "dispute_events" ("id" bigserial primary key, "dispute_id" varchar(64) not null, "seq" int not null, "type" varchar(64) not null, "at" timestamptz not null, "actor" jsonb not null, "payload" jsonb not null);`);
    this.addSql(`alter table "dispute_events" add constraint "dispute_events_dispute_id_seq_unique" unique ("dispute_id", "seq");`);

    this.addSql(`create table "idempotency_keys" ("principal" varchar(80) not null, "key" varchar(200) not null, "request_hash" varchar(64) not null, "dispute_id" varchar(64) not null, "response_status" int null, "response_body" jsonb null, "created_at" timestamptz not null default now(), constraint "idempotency_keys_pkey" primary key ("principal", "key"));`);

    this.addSql(`create table "number_allocations" ("dispute_id" varchar(64) not null, "kind" varchar(16) not null, "unit_code" varchar(64) not null, "year" int not null, "seq" int not null, "formatted" varchar(64) not null, constraint "number_allocations_pkey" primary key ("dispute_id", "kind"));`);
    this.addSql(`alter table "number_allocations" add constraint "number_allocations_unit_code_year_kind_seq_unique" unique ("unit_code", "year", "kind", "seq");`);

    this.addSql(`create table "number_counters" ("unit_code" varchar(64) not null, "year" int not null, "kind" varchar(16) not null, "last_seq" int not null, constraint "number_counters_pkey" primary key ("unit_code", "year", "kind"));`);

    this.addSql(`create table "sessions" ("token_hash" varchar(64) not null, "user_id" varchar(64) not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "created_at" timestamptz not null default now(), constraint "sessions_pkey" primary key ("token_hash"));`);
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);

    this.addSql(`create table "sla_policies" ("id" serial primary key, "category" varchar(32) not null, "priority" varchar(16) not null, "level" varchar(16) not null, "accept_seconds" int not null, "handling_seconds" int not null, "warning_share" double precision not null default 0.8, "auto_escalate" boolean not null default true, "calendar" varchar(16) not null default 'wall-clock');`);
    this.addSql(`alter table "sla_policies" add constraint "sla_policies_category_priority_level_unique" unique ("category", "priority", "level");`);

    this.addSql(`create table "units" ("code" varchar(64) not null, "name" varchar(128) not null, "level" text check ("level" in ('grid', 'community', 'street', 'county', 'city')) not null, "parent_code" varchar(64) null, "path" varchar(512) not null, "population" int not null, "committee_name" varchar(128) not null, "committee_short" varchar(16) not null, constraint "units_pkey" primary key ("code"));`);
    this.addSql(`create index "units_parent_code_index" on "units" ("parent_code");`);
    this.addSql(`create index "units_path_index" on "units" ("path");`);

    this.addSql(`create table "users" ("id" varchar(64) not null, "username" varchar(128) not null, "display_name" varchar(128) not null, "role" text check ("role" in ('grid_worker', 'mediator', 'agency_rep', 'supervisor', 'admin')) not null, "unit_code" varchar(64) null, "agency_code" varchar(64) null, "password_hash" varchar(256) not null, "active" boolean not null default true, "created_at" timestamptz not null default now(), constraint "users_pkey" primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_username_unique" unique ("username");`);
  }

}
