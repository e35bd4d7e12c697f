import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 21 item 7: a unit's contact telephone (联系电话), printed on the meeting notices its committee
 * sends (联合调解通知 / 联合调解邀请函). Optional: a unit without one prints a blank to fill in.
 */
export class Migration202612061006 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "units" add column if not exists "phone" varchar(32) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "units" drop column if exists "phone";`);
  }

}
