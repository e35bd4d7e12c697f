/**
 * How long what is kept (docs/retention.md), from the environment (config/env.ts calls it; the API's
 * housekeeping runs ops/retention.ts hourly with it):
 * - RETENTION_NOTICE_DAYS (default 180): notices to people (notice_deliveries: the phone or address
 *   and the text; notifications: summonses and reminders) are deleted this many days after they were made;
 * - RETENTION_SESSION_DAYS (default 30): the parties' one-time codes (party_codes) are deleted this
 *   many days after they were issued, except a code that confirmed an electronic signature, which the
 *   signature names and which stays until its case file is reduced;
 * - RETENTION_WEBHOOK_DAYS (default 90): webhook deliveries delivered or given up this long ago;
 * - CASE_ARCHIVE_YEARS (default 10; 0: never): a closed case's file (人民调解卷宗) is kept whole this many
 *   years after its closing, then reduced to what the statistics need (ops/retention.ts). No national rule
 *   fixes the period for people's mediation files: 10 years is an assumption, set it to the local archives' rule.
 * Staff sessions and Idempotency-Keys keep their own, shorter periods (api/sessions.ts, api/idempotency.ts).
 */
export interface RetentionConfig {
  noticeDays: number;
  sessionDays: number;
  webhookDays: number;
  /** 0: closed case files are never reduced. */
  caseArchiveYears: number;
}

export const DEFAULT_RETENTION: RetentionConfig = {
  noticeDays: 180,
  sessionDays: 30,
  webhookDays: 90,
  caseArchiveYears: 10,
};

export function parseRetentionConfig(env: NodeJS.ProcessEnv, problems: string[]): RetentionConfig {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    problems.push(
      `${name} 须为 ${min} 到 ${max} 的整数 / ${name} must be an integer from ${min} to ${max} (got "${raw}")`,
    );
    return fallback;
  };
  return {
    noticeDays: int('RETENTION_NOTICE_DAYS', DEFAULT_RETENTION.noticeDays, 1, 36500),
    sessionDays: int('RETENTION_SESSION_DAYS', DEFAULT_RETENTION.sessionDays, 1, 36500),
    webhookDays: int('RETENTION_WEBHOOK_DAYS', DEFAULT_RETENTION.webhookDays, 1, 36500),
    caseArchiveYears: int('CASE_ARCHIVE_YEARS', DEFAULT_RETENTION.caseArchiveYears, 0, 100),
  };
}
