import { Migration } from '@mikro-orm/migrations';

/**
 * After the agreement (issue 21, item 6): a case whose effective agreement was not performed and whose
 * performance dispute was referred to the court closes as `performance_referred` (人民调解法 Art. 32),
 * not as a failed mediation; the outcome column grows to hold it.
 */
export class Migration202612061005 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "disputes" alter column "outcome" type varchar(32);`);
  }

  override async down(): Promise<void> {
    this.addSql(`update "disputes" set "outcome" = 'resolved' where "outcome" = 'performance_referred';`);
    this.addSql(`alter table "disputes" alter column "outcome" type varchar(16);`);
  }

}
