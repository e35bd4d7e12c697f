import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 23 (retention, ops/retention.ts). A closed case's file is kept whole for its archival period
 * (CASE_ARCHIVE_YEARS), then reduced: `disputes.reduced_at` marks the reduced read model, and
 * `data_protection_log` keeps, for good, each reduction and each export of a person's data (PIPL Art. 45).
 * The sealed agreements and frozen case files stay refused to any change or removal, except the one
 * change a reduction makes, in a transaction that says so (`set local fengqiao.retention_reduction = on`):
 * the document replaced by its reduced form, its number, dates and SHA-256 (the seal) unchanged.
 */
export class Migration202612062602 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "data_protection_log" ("id" bigserial primary key, "kind" varchar(16) not null, "at" timestamptz not null default now(), "actor" varchar(128) not null, "dispute_id" varchar(64) null, "subject" varchar(200) null, "details" jsonb not null);`);
    this.addSql(`create index "data_protection_log_kind_at_index" on "data_protection_log" ("kind", "at");`);
    this.addSql(`create index "data_protection_log_dispute_id_index" on "data_protection_log" ("dispute_id");`);
    this.addSql(`alter table "disputes" add column "reduced_at" timestamptz null;`);
    this.addSql(`create or replace function fengqiao_refuse_sealed_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and current_setting('fengqiao.retention_reduction', true) = 'on'
     and new.number = old.number and new.dispute_id = old.dispute_id and new.round = old.round
     and new.sha256 = old.sha256 and new.effective_at = old.effective_at then
    return new;
  end if;
  raise exception 'agreement % is sealed and cannot be changed', old.number using errcode = 'integrity_constraint_violation';
end $$;`);
    this.addSql(`create or replace function fengqiao_refuse_case_file_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and current_setting('fengqiao.retention_reduction', true) = 'on'
     and new.dispute_id = old.dispute_id and new.case_number = old.case_number and new.sha256 = old.sha256
     and new.closed_at = old.closed_at and new.frozen_at = old.frozen_at then
    return new;
  end if;
  raise exception 'the case file of % is frozen and cannot be changed', old.dispute_id using errcode = 'integrity_constraint_violation';
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function fengqiao_refuse_sealed_change() returns trigger language plpgsql as $$
begin
  raise exception 'agreement % is sealed and cannot be changed', old.number using errcode = 'integrity_constraint_violation';
end $$;`);
    this.addSql(`create or replace function fengqiao_refuse_case_file_change() returns trigger language plpgsql as $$
begin
  raise exception 'the case file of % is frozen and cannot be changed', old.dispute_id using errcode = 'integrity_constraint_violation';
end $$;`);
    this.addSql(`alter table "disputes" drop column "reduced_at";`);
    this.addSql(`drop table if exists "data_protection_log" cascade;`);
  }

}
