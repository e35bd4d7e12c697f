import { Migration } from '@mikro-orm/migrations';

/**
 * Accounts and sessions (issue 20, part B): per-account lockout with backoff (consecutive wrong
 * passwords, lockouts so far, locked until), a session's last use (idle timeout), and the counters
 * of the rate limits, shared by every API process (rate-limiter-flexible's RateLimiterPostgres layout).
 */
export class Migration20261206070002 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "failed_logins" int not null default 0, add column "lockouts" int not null default 0, add column "locked_until" timestamptz null;`);
    this.addSql(`alter table "sessions" add column "last_seen_at" timestamptz not null default now();`);
    this.addSql(`create table "rate_limits" ("key" varchar(255) not null, "points" int not null default 0, "expire" bigint null, constraint "rate_limits_pkey" primary key ("key"));`);
    this.addSql(`create index "rate_limits_expire_index" on "rate_limits" ("expire");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limits" cascade;`);
    this.addSql(`alter table "sessions" drop column "last_seen_at";`);
    this.addSql(`alter table "users" drop column "failed_logins", drop column "lockouts", drop column "locked_until";`);
  }

}
