import { Migration } from '@mikro-orm/migrations';
import { seedArrangements } from '../domain/holidays';

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export class Migration20261206035128 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "holiday_arrangements" ("id" bigserial primary key, "region_code" varchar(64) null, "year" int not null, "days" jsonb not null, "source_title" varchar(200) not null, "source_date" date null, "source_url" varchar(500) null, "entered_by" varchar(128) not null, "entered_at" timestamptz not null, "note" varchar(500) null);`);
    this.addSql(`create index "holiday_arrangements_region_code_year_id_index" on "holiday_arrangements" ("region_code", "year", "id");`);

    // The national arrangements 2004–2026 from chinese-days 1.5.7 (checked day by day against the
    // State Council's notices for 2025 and 2026), as revisions 1–23 entered by the seed.
    for (const a of seedArrangements()) {
      this.addSql(
        `insert into "holiday_arrangements" ("region_code", "year", "days", "source_title", "entered_by", "entered_at", "note") values (null, ${a.year}, ${quote(JSON.stringify(a.days))}::jsonb, ${quote(`国务院办公厅关于${a.year}年部分节假日安排的通知`)}, 'seed:chinese-days@1.5.7', now(), ${quote('初始数据取自 chinese-days 1.5.7 / seeded from chinese-days 1.5.7')});`,
      );
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "holiday_arrangements" cascade;`);
  }

}
