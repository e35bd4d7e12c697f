import { Migration } from '@mikro-orm/migrations';

export class Migration20261126050658 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "safety_index_snapshots" ("unit_code" varchar(64) not null, "period_kind" varchar(8) not null, "period_start" varchar(10) not null, "level" varchar(16) not null, "metrics" jsonb not null, "score" double precision not null, "band" varchar(8) not null, "rank" int not null, "computed_at" timestamptz not null default now(), constraint "safety_index_snapshots_pkey" primary key ("unit_code", "period_kind", "period_start"));`);
    this.addSql(`create index "safety_index_snapshots_period_kind_period_start_level_index" on "safety_index_snapshots" ("period_kind", "period_start", "level");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "safety_index_snapshots" cascade;`);
  }

}
