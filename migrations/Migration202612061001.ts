import { Migration } from '@mikro-orm/migrations';

/**
 * Who signs and seals, and which committee takes a case (issue 21, item 1):
 * - `users.seal_authorised`: the committee's 主任 (the unit's supervisor) affixes its seal, or a member
 *   it authorises (人民调解法 Art. 29; the admin sets the flag);
 * - `units.kind` and `units.categories`: above the street a case goes to the county's 矛盾纠纷调处中心
 *   (`center`) or to a 行业性专业性人民调解委员会 (`professional`, taking the categories listed;
 *   人民调解法 Art. 34), not to the county as a region (`region`, every unit before this migration).
 */
export class Migration202612061001 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "seal_authorised" boolean not null default false;`);
    this.addSql(`alter table "units" add column "kind" text check ("kind" in ('region', 'center', 'professional')) not null default 'region';`);
    this.addSql(`alter table "units" add column "categories" jsonb null;`);
    // A committee taking a case over numbers it under its own register: owner `<dispute id>@<unit code>`.
    this.addSql(`alter table "number_allocations" alter column "owner_key" type varchar(160);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "units" drop column if exists "categories";`);
    this.addSql(`alter table "units" drop column if exists "kind";`);
    this.addSql(`alter table "users" drop column if exists "seal_authorised";`);
  }

}
