import { Migration } from '@mikro-orm/migrations';

/** Cases whose step keeps failing (issue 20): one row while the case waits for a repair, cleared when it goes on. */
export class Migration20261206064000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "stuck_cases" ("dispute_id" varchar(64) not null, "case_number" varchar(64) null, "unit_code" varchar(64) null, "activity" varchar(64) not null, "failure" varchar(200) not null, "retry_state" varchar(64) not null, "since" timestamptz not null, "updated_at" timestamptz not null, constraint "stuck_cases_pkey" primary key ("dispute_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "stuck_cases" cascade;`);
  }

}
