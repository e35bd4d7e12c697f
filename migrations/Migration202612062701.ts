import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 24 (the inbox as a work queue):
 * - `saved_views`: each staff member's named sets of inbox filters (api/routes/saved-views.ts);
 * - a NOTIFY on the channel `dispute_changed` whenever the read model's row of a case is written (the
 *   projection's upsert, a re-projection, a reduction), carrying only the case's id, seq and where it is,
 *   so the inbox's live stream (GET /api/v1/disputes/changes) can tell the people who may see it. The
 *   notification is sent at commit, like the alerts' (activities/alerts.ts).
 */
export class Migration202612062701 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "saved_views" ("id" varchar(36) not null, "user_id" varchar(64) not null, "name" varchar(40) not null, "filters" jsonb not null, "created_at" timestamptz not null default now(), constraint "saved_views_pkey" primary key ("id"));`);
    this.addSql(`create index "saved_views_user_id_index" on "saved_views" ("user_id");`);
    this.addSql(`alter table "saved_views" add constraint "saved_views_user_id_name_unique" unique ("user_id", "name");`);
    this.addSql(`create or replace function fengqiao_notify_dispute_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('dispute_changed', json_build_object(
    'id', new.id, 'seq', new.seq, 'stage', new.stage, 'unitPath', new.unit_path,
    'originPath', new.origin_path, 'createdById', new.created_by_id)::text);
  return null;
end $$;`);
    this.addSql(`create trigger disputes_changed after insert or update on "disputes" for each row execute function fengqiao_notify_dispute_change();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists disputes_changed on "disputes";`);
    this.addSql(`drop function if exists fengqiao_notify_dispute_change();`);
    this.addSql(`drop table if exists "saved_views" cascade;`);
  }

}
