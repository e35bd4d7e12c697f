import { Migration } from '@mikro-orm/migrations';

export class Migration20261126095200 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "alerts_raised_at_index" on "alerts" ("raised_at");`);

    this.addSql(`alter table "disputes" add column "closed_at" timestamptz null;`);
    // Cases projected before the column existed: their closing instant is in the projected state.
    this.addSql(`update "disputes" set "closed_at" = ("state"->>'closedAt')::timestamptz where "state"->>'closedAt' is not null;`);
    this.addSql(`create index "disputes_closed_at_index" on "disputes" ("closed_at");`);
    this.addSql(`create index "disputes_created_at_index" on "disputes" ("created_at");`);

    this.addSql(`create index "dispute_events_reopened_at_index" on "dispute_events" ("at") where "type" = 'reopened';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "alerts_raised_at_index";`);

    this.addSql(`drop index "dispute_events_reopened_at_index";`);

    this.addSql(`drop index "disputes_closed_at_index";`);
    this.addSql(`drop index "disputes_created_at_index";`);
    this.addSql(`alter table "disputes" drop column "closed_at";`);
  }

}
