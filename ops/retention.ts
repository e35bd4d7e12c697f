/**
 * Retention (docs/retention.md), run hourly by the API's housekeeping (api/plugins/housekeeping.ts) and
 * by `npm run retention` (scripts/retention.ts). Every step is idempotent and safe with several API
 * processes at once (purges are plain deletes; a case is reduced under its row lock, skipped if locked).
 * - purges: notices to people (notice_deliveries, notifications) after RETENTION_NOTICE_DAYS, the
 *   parties' one-time codes after RETENTION_SESSION_DAYS (a code that confirmed a signature stays with its
 *   case), webhook deliveries delivered or given up RETENTION_WEBHOOK_DAYS ago. Staff sessions, rate-limit
 *   counters and Idempotency-Keys are purged by the housekeeping itself (api/sessions.ts, api/idempotency.ts);
 *   the parties' sessions and the report form's tokens are signed cookies and fields, never stored.
 * - reduction: a case closed more than CASE_ARCHIVE_YEARS ago is reduced (ops/reduce-personal-data.ts): its
 *   read model, events, sealed agreements, frozen case file, alerts and evidence records; its notices,
 *   contact preferences, codes and webhook log deleted; its evidence files deleted from the attachment
 *   store. `disputes.reduced_at` marks it, and `data_protection_log` keeps a line for good.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RetentionConfig } from '../config/retention';
import type { AttachmentStore } from '../storage/attachment-store';
import { collectNames, reduceLine, reduceValue, reducedDocument, REDUCED_TEXT } from './reduce-personal-data';

export interface PurgeCounts {
  noticeDeliveries: number;
  notifications: number;
  partyCodes: number;
  webhookDeliveries: number;
}

export interface RetentionSummary {
  purged: PurgeCounts;
  /** Cases reduced in this run. */
  reduced: string[];
  /** Cases whose reduction failed (rolled back, tried again next run; the others go on): id and error class. */
  failed: Array<{ id: string; error: string }>;
  /** Evidence files removed from the attachment store in this run. */
  filesDeleted: number;
}

/** How many cases one run reduces at most (the next run takes the rest). */
export const REDUCTION_BATCH = 100;

const days = (n: number) => n * 86_400_000;

/** The instant before which a closed case's archival period is over (calendar years, from `now`). */
export function archiveCutoff(now: Date, years: number): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

async function affected(em: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const res = await em.getConnection().execute(sql, params, 'run');
  return (res as { affectedRows?: number }).affectedRows ?? 0;
}

/** Deletes what is past its period (not the reductions). */
export async function purgeExpired(em: EntityManager, config: RetentionConfig, now = new Date()): Promise<PurgeCounts> {
  const notices = new Date(now.getTime() - days(config.noticeDays));
  const codes = new Date(now.getTime() - days(config.sessionDays));
  const hooks = new Date(now.getTime() - days(config.webhookDays));
  return {
    // A notice still waiting for the end of quiet hours or a retry is never that old; `queued` kept anyway.
    noticeDeliveries: await affected(em, `delete from notice_deliveries where created_at < ? and status <> 'queued'`, [
      notices,
    ]),
    notifications: await affected(em, `delete from notifications where created_at < ? and status <> 'sending'`, [
      notices,
    ]),
    // A used signing code is what an electronic signature names (signatures[].codeRef): kept with the case.
    partyCodes: await affected(
      em,
      `delete from party_codes where created_at < ? and not (purpose = 'sign' and used_at is not null)`,
      [codes],
    ),
    webhookDeliveries: await affected(
      em,
      `delete from webhook_deliveries where status in ('delivered', 'failed') and coalesce(delivered_at, created_at) < ?`,
      [hooks],
    ),
  };
}

/** The cases whose archival period is over and that are not reduced yet, oldest closing first. */
export async function casesDue(em: EntityManager, archiveYears: number, now = new Date(), limit = REDUCTION_BATCH) {
  if (archiveYears <= 0) return [];
  const rows = await em.execute<Array<{ id: string }>>(
    `select id from disputes where stage = 'closed' and reduced_at is null and closed_at < ? order by closed_at limit ?`,
    [archiveCutoff(now, archiveYears), limit],
  );
  return rows.map((r) => r.id);
}

interface StateRow {
  id: string;
  case_number: string | null;
  closed_at: Date | string;
  state: Record<string, unknown>;
}

/**
 * Reduces one case in one transaction (see the top of this file). Returns false when it is not due (not
 * closed, closed too recently, reduced already) or another process holds it. Its files are deleted from
 * the store afterwards (`deleteReducedFiles`), so that a store failure never undoes the reduction.
 */
export async function reduceCase(
  em: EntityManager,
  disputeId: string,
  opts: { archiveYears: number; now?: Date; actor?: string },
): Promise<boolean> {
  const now = opts.now ?? new Date();
  if (opts.archiveYears <= 0) return false;
  return em.transactional(async (tem) => {
    const [row] = await tem.execute<StateRow[]>(
      `select id, case_number, closed_at, state from disputes
        where id = ? and stage = 'closed' and reduced_at is null and closed_at < ? for update skip locked`,
      [disputeId, archiveCutoff(now, opts.archiveYears)],
    );
    if (!row) return false;
    // The one change the sealed agreements and frozen case file accept (Migration202612062602).
    await tem.execute(`select set_config('fengqiao.retention_reduction', 'on', true)`);
    const events = await tem.execute<Array<{ id: string; actor: unknown; payload: unknown }>>(
      `select id, actor, payload from dispute_events where dispute_id = ? order by seq`,
      [disputeId],
    );
    const agreements = await tem.execute<Array<{ number: string; signatures: unknown; sha256: string }>>(
      `select number, signatures, sha256 from agreements where dispute_id = ?`,
      [disputeId],
    );
    const nameSet = collectNames(row.state);
    for (const e of events) collectNames(e.payload, collectNames(e.actor, nameSet));
    for (const a of agreements) collectNames(a.signatures, nameSet, 'signatures');
    const names = [...nameSet];
    const caseNumber = row.case_number ?? '';
    const reduced = (v: unknown) => JSON.stringify(reduceValue(v, names));

    await tem.execute(`update disputes set state = ?::jsonb, title = ?, search_text = ?, reduced_at = ? where id = ?`, [
      reduced(row.state),
      REDUCED_TEXT.slice(0, 200),
      caseNumber,
      now,
      disputeId,
    ]);
    for (const e of events)
      await tem.execute(`update dispute_events set actor = ?::jsonb, payload = ?::jsonb where id = ?`, [
        reduced(e.actor),
        reduced(e.payload),
        e.id,
      ]);
    const document = (title: string, sha256: string) =>
      reducedDocument({ title, sha256, reducedAt: now, archiveYears: opts.archiveYears });
    for (const a of agreements)
      await tem.execute(`update agreements set html = ?, signatures = ?::jsonb where number = ?`, [
        document(`人民调解协议书 ${a.number}`, a.sha256),
        JSON.stringify(reduceValue(a.signatures, names, 'signatures')),
        a.number,
      ]);
    const files = await tem.execute<Array<{ sha256: string }>>(`select sha256 from case_files where dispute_id = ?`, [
      disputeId,
    ]);
    for (const f of files)
      await tem.execute(`update case_files set html = ? where dispute_id = ?`, [
        document(`人民调解卷宗 ${caseNumber}`, f.sha256),
        disputeId,
      ]);
    const alerts = await tem.execute<Array<{ id: string; kind: string; ack_note: string | null }>>(
      `select id, kind, ack_note from alerts where dispute_id = ?`,
      [disputeId],
    );
    for (const a of alerts)
      await tem.execute(`update alerts set message = ?, ack_note = ? where id = ?`, [
        // An alert's text quotes the case's free text (its title, measures, terms): only its kind stays.
        `${a.kind} ${REDUCED_TEXT}`,
        a.ack_note ? REDUCED_TEXT : null,
        a.id,
      ]);
    const attachments = await tem.execute<Array<{ id: string; name: string; uploaded_by_name: string }>>(
      `select id, name, uploaded_by_name from attachments where dispute_id = ?`,
      [disputeId],
    );
    for (const a of attachments)
      await tem.execute(
        `update attachments set name = ?, uploaded_by_name = ?, description = null, url = null,
                deleted_at = coalesce(deleted_at, ?) where id = ?`,
        [reduceLine(a.name, names).slice(0, 255), reduceLine(a.uploaded_by_name, names).slice(0, 200), now, a.id],
      );
    const deleted: Record<string, number> = {};
    for (const table of [
      'notice_deliveries',
      'notifications',
      'webhook_deliveries',
      'contact_preferences',
      'party_codes',
    ])
      deleted[table] = (
        await tem.execute<unknown[]>(`delete from ${table} where dispute_id = ? returning 1`, [disputeId])
      ).length;
    await tem.execute(
      `insert into data_protection_log (kind, at, actor, dispute_id, details) values ('reduction', ?, ?, ?, ?::jsonb)`,
      [
        now,
        opts.actor ?? 'retention',
        disputeId,
        JSON.stringify({
          caseNumber,
          closedAt: new Date(row.closed_at).toISOString(),
          archiveYears: opts.archiveYears,
          events: events.length,
          agreements: agreements.length,
          caseFiles: files.length,
          alerts: alerts.length,
          attachments: attachments.length,
          deleted,
        }),
      ],
    );
    return true;
  });
}

/**
 * Deletes from the store the evidence files of reduced cases still there, then forgets their keys: a
 * failed delete is retried by the next run. Returns how many went.
 */
export async function deleteReducedFiles(em: EntityManager, store: AttachmentStore, limit = 500): Promise<number> {
  const rows = await em.execute<Array<{ id: string; storage_key: string }>>(
    `select a.id, a.storage_key from attachments a join disputes d on d.id = a.dispute_id
      where d.reduced_at is not null and a.storage_key is not null limit ?`,
    [limit],
  );
  let done = 0;
  for (const r of rows) {
    await store.delete(r.storage_key);
    await em.execute(`update attachments set storage_key = null where id = ? and storage_key = ?`, [
      r.id,
      r.storage_key,
    ]);
    done++;
  }
  return done;
}

/** One run: the purges, then the reduction of the cases due (at most REDUCTION_BATCH), then their files. */
export async function runRetention(
  em: EntityManager,
  store: AttachmentStore | undefined,
  config: RetentionConfig,
  opts: { now?: Date; actor?: string } = {},
): Promise<RetentionSummary> {
  const now = opts.now ?? new Date();
  const purged = await purgeExpired(em, config, now);
  const reduced: string[] = [];
  const failed: RetentionSummary['failed'] = [];
  for (const id of await casesDue(em, config.caseArchiveYears, now)) {
    try {
      if (await reduceCase(em.fork(), id, { archiveYears: config.caseArchiveYears, now, actor: opts.actor }))
        reduced.push(id);
    } catch (err) {
      // One case the reduction cannot handle must not hold up every case closed after it.
      failed.push({ id, error: err instanceof Error ? err.name : 'Error' });
    }
  }
  const filesDeleted = store ? await deleteReducedFiles(em, store) : 0;
  return { purged, reduced, failed, filesDeleted };
}
