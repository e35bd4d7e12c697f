import { randomBytes } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 22 item 3: one-time codes sent to the parties' phones (party_codes, parties/codes.ts), kept as
 * HMACs only; and the installation's secret for the parties' links and codes (settings key
 * `party-link-secret`), written once here like the agreement verification key.
 */
export class Migration202612062301 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "party_codes" ("code_ref" varchar(40) not null, "dispute_id" varchar(64) not null, "party_index" int not null, "purpose" varchar(16) not null, "code_hash" varchar(64) not null, "phone_masked" varchar(32) not null, "expires_at" timestamptz not null, "attempts" int not null default 0, "used_at" timestamptz null, "locked_at" timestamptz null, "created_at" timestamptz not null, constraint "party_codes_pkey" primary key ("code_ref"));`);
    this.addSql(`create index if not exists "party_codes_dispute_id_party_index_purpose_created_at_index" on "party_codes" ("dispute_id", "party_index", "purpose", "created_at");`);
    this.addSql(`insert into "settings" ("key", "value", "updated_at", "updated_by") values ('party-link-secret', '"${randomBytes(32).toString('hex')}"'::jsonb, now(), 'migration') on conflict ("key") do nothing;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "party_codes" cascade;`);
    this.addSql(`delete from "settings" where "key" = 'party-link-secret';`);
  }

}
