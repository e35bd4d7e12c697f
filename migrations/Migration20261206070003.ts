import { Migration } from '@mikro-orm/migrations';

/**
 * Least privilege for personal data (issue 20, part C): an integrator's area grant lets it see the
 * area's cases; it acts on them (add notes, record a withdrawal) only when an admin grants actions
 * too. Existing grants become read-only.
 */
export class Migration20261206070003 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "api_keys" add column "area_actions" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_keys" drop column "area_actions";`);
  }

}
