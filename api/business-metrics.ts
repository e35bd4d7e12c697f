import type { EntityManager } from '@mikro-orm/postgresql';
import { Gauge, type Registry } from 'prom-client';

/**
 * Business metrics on /metrics (docs/metrics.md): open, overdue and closed cases, unacknowledged
 * alerts, webhook and notice deliveries that failed or wait, stuck cases. Read from PostgreSQL at
 * scrape time, so every API process reports the same figures, in one read-only statement (one
 * snapshot, one round trip) under a statement timeout, cached for a few seconds and shared by
 * concurrent scrapes: a slow database makes `fengqiao_business_metrics_up` 0 instead of stalling
 * the scrape. Labels are bounded sets (units of the directory, kinds, stages, statuses, channels):
 * never a case id or a person.
 */
export interface BusinessMetricsOptions {
  /** How long one snapshot answers scrapes (ms). */
  cacheMs?: number;
  /** The statement's time limit in PostgreSQL, and (plus a margin for the pool) the scrape's wait (ms). */
  timeoutMs?: number;
  /** Told once per failed snapshot (the SQLSTATE or "timeout"; never the statement or data). */
  onError?: (reason: string) => void;
}

export const ALERT_AGE_BUCKETS = ['under_1h', '1h_to_1d', '1d_to_7d', 'over_7d'] as const;
/** Statuses always reported (0 when none), so that a panel or rule never sees a missing series. */
const WEBHOOK_STATUSES = ['pending', 'failed'] as const;
const NOTICE_STATUSES = ['queued', 'failed'] as const;
const NOTICE_CHANNELS = ['sms', 'email'] as const;

interface Row {
  m: string;
  a: string | null;
  b: string | null;
  c: string | null;
  v: number | string | null;
}

/**
 * One statement: each part is one metric's rows as (metric, label a, b, c, value). "Overdue": open,
 * and an SLA deadline breached (the workflow recorded it) or its next one already passed (its timer
 * has not fired yet: the lag is `deadline_lag`, which grows when no worker runs the timers).
 */
const SNAPSHOT_SQL = `
select 'open' as m, coalesce(unit_code, 'none') as a, coalesce(level, 'none') as b, stage as c, count(*)::float8 as v
  from disputes where stage <> 'closed' group by 2, 3, 4
union all
select 'overdue', coalesce(unit_code, 'none'), coalesce(level, 'none'), null, count(*)::float8
  from disputes where stage <> 'closed' and (overdue or next_deadline_at < now()) group by 2, 3
union all
select 'deadline_lag', null, null, null, coalesce(extract(epoch from now() - min(next_deadline_at)), 0)::float8
  from disputes where stage <> 'closed' and next_deadline_at < now()
union all
select 'closed', coalesce(outcome, 'none'), null, null, count(*)::float8
  from disputes where stage = 'closed' group by 2
union all
select 'alerts', unit_code, kind,
       case when raised_at > now() - interval '1 hour' then 'under_1h'
            when raised_at > now() - interval '1 day' then '1h_to_1d'
            when raised_at > now() - interval '7 days' then '1d_to_7d'
            else 'over_7d' end,
       count(*)::float8
  from alerts where acked_at is null group by 2, 3, 4
union all
select 'alert_oldest', kind, null, null, extract(epoch from now() - min(raised_at))::float8
  from alerts where acked_at is null group by 2
union all
select 'stuck', null, null, null, count(*)::float8 from stuck_cases
union all
select 'webhooks', status, null, null, count(*)::float8
  from webhook_deliveries where status in ('pending', 'failed') group by 2
union all
select 'webhook_oldest', null, null, null, coalesce(extract(epoch from now() - min(created_at)), 0)::float8
  from webhook_deliveries where status = 'pending'
union all
select 'notices', channel, status, null, count(*)::float8
  from notice_deliveries where status in ('queued', 'failed') group by 2, 3
union all
select 'notice_oldest', null, null, null,
       coalesce(extract(epoch from now() - min(greatest(created_at, coalesce(not_before, created_at)))), 0)::float8
  from notice_deliveries where status = 'queued' and (not_before is null or not_before <= now())`;

interface Snapshot {
  rows: Row[];
  ok: boolean;
  seconds: number;
}

/** The snapshot reader: one query per `cacheMs`, whatever the number of gauges or concurrent scrapes. */
export function snapshotReader(em: () => EntityManager, opts: BusinessMetricsOptions = {}): () => Promise<Snapshot> {
  const cacheMs = opts.cacheMs ?? 5_000;
  const timeoutMs = Math.max(1, Math.floor(opts.timeoutMs ?? 2_000));
  let cached: { at: number; value: Promise<Snapshot> } | undefined;

  const read = async (): Promise<Snapshot> => {
    const started = performance.now();
    const query = em().transactional(
      async (tx) => {
        await tx.execute(`set local statement_timeout = ${timeoutMs}`);
        return tx.execute<Row[]>(SNAPSHOT_SQL);
      },
      { readOnly: true },
    );
    let timer: NodeJS.Timeout | undefined;
    // The pool may be exhausted: waiting for a connection is not covered by statement_timeout.
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'timeout' })), timeoutMs + 500);
      timer.unref();
    });
    try {
      const rows = await Promise.race([query, late]);
      return { rows, ok: true, seconds: (performance.now() - started) / 1000 };
    } catch (err) {
      query.catch(() => undefined);
      const code = (err as { code?: string }).code;
      opts.onError?.(code === '57014' ? 'timeout' : (code ?? 'error'));
      return { rows: [], ok: false, seconds: (performance.now() - started) / 1000 };
    } finally {
      clearTimeout(timer);
    }
  };

  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheMs) cached = { at: now, value: read() };
    return cached.value;
  };
}

type Labels = Record<string, string>;

/** Registers the business gauges on `registry`, each filled from the shared snapshot at collect time. */
export function registerBusinessMetrics(
  registry: Registry,
  em: () => EntityManager,
  opts: BusinessMetricsOptions = {},
): void {
  const snapshot = snapshotReader(em, opts);
  const gauge = (
    name: string,
    help: string,
    labelNames: readonly string[],
    fill: (rows: Row[], set: (labels: Labels, v: number) => void) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const { rows, ok } = await snapshot();
        this.reset();
        // Without a snapshot, no figures at all (a stale or zero figure would look true): see `up`.
        // (reset() leaves an unlabelled gauge at 0; remove() drops that series too.)
        if (ok) fill(rows, (labels, v) => this.set(labels, v));
        else if (labelNames.length === 0) this.remove();
      },
    });
  const of = (rows: Row[], m: string) => rows.filter((r) => r.m === m);
  const num = (r: Row) => Number(r.v ?? 0);
  const single = (rows: Row[], m: string) => Number(of(rows, m)[0]?.v ?? 0);

  gauge(
    'fengqiao_cases_open',
    'Open cases (not closed) by responsible unit, level and stage',
    ['unit', 'level', 'stage'],
    (rows, set) => {
      for (const r of of(rows, 'open')) set({ unit: r.a!, level: r.b!, stage: r.c! }, num(r));
    },
  );
  gauge(
    'fengqiao_cases_overdue',
    'Open cases with an SLA deadline breached or passed (accept, handling, report-in, signatures, follow-up), by unit and level',
    ['unit', 'level'],
    (rows, set) => {
      for (const r of of(rows, 'overdue')) set({ unit: r.a!, level: r.b! }, num(r));
    },
  );
  gauge(
    'fengqiao_case_deadline_lag_seconds',
    'How long ago the oldest passed SLA deadline fell that its workflow has not yet recorded (0: none); grows when no worker runs the timers',
    [],
    (rows, set) => set({}, single(rows, 'deadline_lag')),
  );
  gauge('fengqiao_cases_closed', 'Closed cases by outcome (all time)', ['outcome'], (rows, set) => {
    for (const r of of(rows, 'closed')) set({ outcome: r.a! }, num(r));
  });
  gauge(
    'fengqiao_alerts_unacknowledged',
    'Alerts not yet acknowledged, by addressed unit, kind and age (under_1h, 1h_to_1d, 1d_to_7d, over_7d)',
    ['unit', 'kind', 'age'],
    (rows, set) => {
      for (const r of of(rows, 'alerts')) set({ unit: r.a!, kind: r.b!, age: r.c! }, num(r));
    },
  );
  gauge(
    'fengqiao_alert_oldest_unacknowledged_seconds',
    'Age of the oldest alert not yet acknowledged, by kind',
    ['kind'],
    (rows, set) => {
      for (const r of of(rows, 'alert_oldest')) set({ kind: r.a! }, num(r));
    },
  );
  gauge('fengqiao_alerts_open', 'Alerts not yet acknowledged, by kind', ['kind'], (rows, set) => {
    const byKind = new Map<string, number>();
    for (const r of of(rows, 'alerts')) byKind.set(r.b!, (byKind.get(r.b!) ?? 0) + num(r));
    for (const [kind, n] of byKind) set({ kind }, n);
  });
  gauge(
    'fengqiao_cases_stuck',
    'Cases whose step keeps failing and which wait for a repair (GET /api/v1/admin/stuck-cases)',
    [],
    (rows, set) => set({}, single(rows, 'stuck')),
  );
  gauge(
    'fengqiao_webhook_deliveries',
    'Webhook deliveries still being retried (pending) or given up (failed)',
    ['status'],
    (rows, set) => {
      for (const status of WEBHOOK_STATUSES)
        set(
          { status },
          of(rows, 'webhooks').reduce((n, r) => (r.a === status ? n + num(r) : n), 0),
        );
    },
  );
  gauge(
    'fengqiao_webhook_delivery_oldest_pending_seconds',
    'Age of the oldest webhook delivery still pending (0: none)',
    [],
    (rows, set) => set({}, single(rows, 'webhook_oldest')),
  );
  gauge(
    'fengqiao_notice_deliveries',
    'Notices to people (SMS, e-mail) waiting to be sent (queued) or given up after every attempt (failed), by channel',
    ['channel', 'status'],
    (rows, set) => {
      const counts = new Map<string, number>();
      for (const channel of NOTICE_CHANNELS)
        for (const status of NOTICE_STATUSES) counts.set(`${channel}\n${status}`, 0);
      for (const r of of(rows, 'notices')) counts.set(`${r.a}\n${r.b}`, num(r));
      for (const [key, n] of counts) {
        const [channel, status] = key.split('\n') as [string, string];
        set({ channel, status }, n);
      }
    },
  );
  gauge(
    'fengqiao_notice_delivery_oldest_queued_seconds',
    'Age of the oldest notice due to be sent and still queued (outside quiet hours; 0: none)',
    [],
    (rows, set) => set({}, single(rows, 'notice_oldest')),
  );
  new Gauge({
    name: 'fengqiao_business_metrics_up',
    help: 'Whether the last business-metrics snapshot was read from PostgreSQL in time (1) or not (0: the business figures are left out)',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'fengqiao_business_metrics_query_seconds',
    help: 'How long the last business-metrics snapshot took to read',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).seconds);
    },
  });
}
