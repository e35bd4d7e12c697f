import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 22 (item 5). Where each unit of the directory is, for Open311 reports that give only a map
 * point (`lat`/`long`: the nearest grid, else community, within a radius), and the other names people
 * call it by (`aliases`: 桃李小区 for 桃李网格), for reports that give only an `address_string`.
 */
export class Migration202612062501 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "units" add column "latitude" double precision null, add column "longitude" double precision null, add column "aliases" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "units" drop column "latitude", drop column "longitude", drop column "aliases";`);
  }

}
