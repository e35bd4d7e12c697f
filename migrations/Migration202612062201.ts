import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 22 (item 2, notices to people): each person's consent to be contacted and the channels they
 * allow; the delivery log of notices (one row per notice key and channel, unique); a staff member's
 * phone and SMS opt-in for high-risk alerts; an agency's contact for its representative's invitations.
 */
export class Migration202612062201 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "contact_preferences" ("id" varchar(160) not null, "dispute_id" varchar(64) null, "party_index" int null, "user_id" varchar(64) null, "channels" jsonb not null, "email" varchar(254) null, "consent" boolean not null default false, "consent_at" timestamptz null, "consent_source" varchar(128) null, "withdrawn_at" timestamptz null, "withdrawn_source" varchar(128) null, "updated_at" timestamptz not null default now(), constraint "contact_preferences_pkey" primary key ("id"));`);
    this.addSql(`create index "contact_preferences_dispute_id_index" on "contact_preferences" ("dispute_id");`);
    this.addSql(`alter table "contact_preferences" add constraint "contact_preferences_user_id_unique" unique ("user_id");`);
    this.addSql(`alter table "contact_preferences" add constraint "contact_preferences_dispute_id_party_index_unique" unique ("dispute_id", "party_index");`);

    this.addSql(`create table "notice_deliveries" ("id" varchar(64) not null, "key" varchar(240) not null, "dispute_id" varchar(64) null, "kind" varchar(48) not null, "channel" varchar(16) not null, "recipient" varchar(254) not null, "recipient_masked" varchar(254) not null, "subject" varchar(200) null, "text" text not null, "urgent" boolean not null default false, "not_before" timestamptz null, "status" varchar(16) not null, "reason" varchar(64) null, "attempts" int not null default 0, "provider_message_id" varchar(128) null, "last_error" varchar(500) null, "created_at" timestamptz not null default now(), "sent_at" timestamptz null, "updated_at" timestamptz not null default now(), constraint "notice_deliveries_pkey" primary key ("id"));`);
    this.addSql(`alter table "notice_deliveries" add constraint "notice_deliveries_key_unique" unique ("key");`);
    this.addSql(`create index "notice_deliveries_dispute_id_index" on "notice_deliveries" ("dispute_id");`);

    this.addSql(`alter table "users" add column "phone" varchar(32) null, add column "sms_alerts" boolean not null default false;`);
    this.addSql(`alter table "agencies" add column "contact_phone" varchar(32) null, add column "contact_email" varchar(254) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "contact_preferences" cascade;`);
    this.addSql(`drop table if exists "notice_deliveries" cascade;`);
    this.addSql(`alter table "users" drop column "phone", drop column "sms_alerts";`);
    this.addSql(`alter table "agencies" drop column "contact_phone", drop column "contact_email";`);
  }

}
