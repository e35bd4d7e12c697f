import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 21 (items 9 and 10). The case file (人民调解卷宗) frozen at closing, with its SHA-256: the
 * database refuses to change or remove one, like a sealed agreement. A Safety Index snapshot of a region
 * with no cases has no score and no rank (暂无数据), rather than 100.
 */
export class Migration202612061007 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "case_files" ("dispute_id" varchar(64) not null, "case_number" varchar(64) not null, "html" text not null, "sha256" varchar(64) not null, "closed_at" timestamptz not null, "frozen_at" timestamptz not null, constraint "case_files_pkey" primary key ("dispute_id"));`);
    this.addSql(`create or replace function fengqiao_refuse_case_file_change() returns trigger language plpgsql as $$
begin
  raise exception 'the case file of % is frozen and cannot be changed', old.dispute_id using errcode = 'integrity_constraint_violation';
end $$;`);
    this.addSql(`create trigger case_files_frozen before update or delete on "case_files" for each row execute function fengqiao_refuse_case_file_change();`);
    this.addSql(`alter table "safety_index_snapshots" alter column "score" drop not null, alter column "rank" drop not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists case_files_frozen on "case_files";`);
    this.addSql(`drop function if exists fengqiao_refuse_case_file_change();`);
    this.addSql(`drop table if exists "case_files" cascade;`);
    this.addSql(`delete from "safety_index_snapshots" where "score" is null or "rank" is null;`);
    this.addSql(`alter table "safety_index_snapshots" alter column "score" set not null, alter column "rank" set not null;`);
  }

}
