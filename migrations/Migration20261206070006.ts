import { randomBytes } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';

/**
 * Agreement verification codes (issue 20, part F): the installation's key, 32 random bytes, from which
 * each sealed agreement's code is derived (HMAC-SHA256 of its number; security/verification-code.ts).
 * Written once: a key already there is kept, since every printed code depends on it. Agreements sealed
 * before this migration have their codes from it as well (on their re-printed certificates).
 */
export class Migration20261206070006 extends Migration {

  override async up(): Promise<void> {
    this.addSql(
      `insert into "settings" ("key", "value", "updated_at", "updated_by") values ('agreement-verification-key', '"${randomBytes(32).toString('hex')}"'::jsonb, now(), 'migration') on conflict ("key") do nothing;`,
    );
  }

  override async down(): Promise<void> {
    // The key stays: removing it would invalidate every code already printed.
  }

}
