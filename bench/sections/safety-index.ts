/**
 * Safety Index over N synthetic cases (default 1,000,000) in a PostgreSQL database of the bench's
 * own: the generator fills the read-model tables the computation reads (disputes with a realistic
 * `state` document, alerts, dispute_events) with generate_series, deterministically (no random()).
 * Subject: the nightly run (activities/safety-index.ts computeSafetyIndex for yesterday's day and
 * month, every unit of the demo directory). Baseline: plain count(*) … group by scans of the same
 * three tables. One untimed warm-up scan first (the generator has just written the tables, so they
 * are mostly in the OS cache anyway).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { computeSafetyIndex } from '../../activities/safety-index';
import { dropDatabase } from '../../db/database';
import { initORM } from '../../db/orm';
import { chinaDate } from '../../domain/safety-index';
import { API_KEY_PREFIX, newSecret } from '../../security/credentials';
import { WANGJIAQIAO } from '../../test/helpers/golden-cases';
import { interleaved, median, round } from '../lib/stats';
import { adminDatabaseUrl, createBenchDatabase } from '../lib/system';
import type { BenchConfig, SectionResult } from '../lib/types';

const STAGES_OPEN = ['awaiting_acceptance', 'in_mediation', 'meeting_scheduled', 'awaiting_signatures', 'follow_up'];
const EVENT_TYPES = [
  'received',
  'accepted',
  'note_added',
  'meeting_scheduled',
  'agreement_drafted',
  'signed',
  'sealed',
  'agreement_effective',
  'follow_up_recorded',
  'closed',
];

/** Fills the read model with `n` cases over the year before now; returns seconds taken. */
export async function generateCases(
  orm: MikroORM,
  n: number,
  eventsPerCase: number,
): Promise<{ seconds: number; disputes: number; alerts: number; events: number }> {
  const conn = orm.em.getConnection();
  const t0 = performance.now();
  const template = JSON.stringify({ ...WANGJIAQIAO, disputeId: null, caseNumber: null });
  // Origins: the grids of the directory; cases climb to the grid's community, street or county.
  await conn.execute(`create temporary table bench_origin as
    select row_number() over (order by g.code) - 1 as i, g.code as grid, g.path as grid_path,
           c.code as community, c.path as community_path, s.code as street, s.path as street_path, k.code as county, k.path as county_path
    from units g join units c on c.code = g.parent_code join units s on s.code = c.parent_code join units k on k.code = s.parent_code
    where g.level = 'grid'`);
  const [{ grids } = { grids: 0 }] = await conn.execute<{ grids: number }[]>(
    'select count(*)::int as grids from bench_origin',
  );
  if (!grids) throw new Error('no grids in the directory');
  // One statement per chunk keeps each transaction and its WAL moderate.
  const chunk = 100_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    // Each case once (the CTE), into disputes and, for some, alerts: warnings on 30 %, accept
    // breaches on 10 %, handling breaches on 5 % of the cases.
    await conn.execute(
      `with d as materialized (
         select g, 'si-' || g as id, '（SI）基准字第' || g || '号' as case_number,
                case when g % 10 < 8 then 'closed' else (array[${STAGES_OPEN.map((s) => `'${s}'`).join(',')}])[1 + (g / 10) % ${STAGES_OPEN.length}] end as stage,
                case when g % 10 < 8 then (case when (g / 10) % 20 < 17 then 'resolved' when (g / 10) % 20 < 19 then 'failed' else 'withdrawn' end) end as outcome,
                case when g % 20 < 14 then 'community' when g % 20 < 18 then 'street' else 'county' end as level,
                case when g % 20 < 14 then o.community when g % 20 < 18 then o.street else o.county end as unit_code,
                case when g % 20 < 14 then o.community_path when g % 20 < 18 then o.street_path else o.county_path end as unit_path,
                o.grid_path as origin_path,
                now() - interval '1 second' * ((g::bigint * 7919) % (365 * 86400)) as created_at
         from generate_series(?::int, ?::int) g join bench_origin o on o.i = g % ${grids}
       ), cases as (
         insert into disputes (id, case_number, stage, outcome, level, unit_code, unit_path, origin_path, category, priority, title,
                               created_by_type, created_by_id, next_deadline_at, overdue, search_text, seq, state, closed_at, created_at, updated_at)
         select d.id, d.case_number, d.stage, d.outcome, d.level, d.unit_code, d.unit_path, d.origin_path, 'property', 'normal', '物业维修基金纠纷',
                'integrator', 'demo-integrator', null, false, d.case_number || ' 物业维修基金纠纷', 18,
                ?::jsonb || jsonb_build_object('disputeId', d.id, 'caseNumber', d.case_number, 'stage', d.stage, 'outcome', d.outcome,
                   'level', d.level, 'receivedAt', d.created_at, 'risk', jsonb_build_object('high', d.g % 50 = 0, 'reasons', '[]'::jsonb),
                   'closedAt', case when d.stage = 'closed' then d.created_at + interval '1 hour' * (24 + d.g % 400) end,
                   'followUp', case when d.outcome = 'resolved' then jsonb_build_object('performed', true, 'satisfaction', 1 + d.g % 5) end),
                case when d.stage = 'closed' then d.created_at + interval '1 hour' * (24 + d.g % 400) end,
                d.created_at, d.created_at
         from d
       )
       insert into alerts (dispute_id, kind, stage_entry, unit_code, unit_path, case_number, message, raised_at)
       select d.id, k.kind, 1, d.unit_code, d.unit_path, d.case_number, d.case_number || ' 基准告警', d.created_at + interval '20 hours'
       from d join (values ('accept_warning', 10, 3), ('accept_breach', 10, 1), ('handling_breach', 20, 1)) as k(kind, modulo, below) on d.g % k.modulo < k.below`,
      [from, to, template],
    );
    // History: eventsPerCase events a case; 2 % of the cases have a 'reopened' among them.
    await conn.execute(
      `insert into dispute_events (dispute_id, seq, type, at, actor, payload)
       select 'si-' || g, s,
              case when s = 3 and g % 50 = 7 then 'reopened' else (array[${EVENT_TYPES.map((t) => `'${t}'`).join(',')}])[1 + (s - 1) % ${EVENT_TYPES.length}] end,
              now() - interval '1 second' * ((g::bigint * 7919) % (365 * 86400)) + interval '1 hour' * s,
              '{"type":"staff","id":"u-mediator","name":"调解员","role":"mediator"}'::jsonb, '{}'::jsonb
       from generate_series(?::int, ?::int) g, generate_series(1, ?::int) s`,
      [from, to, eventsPerCase],
    );
  }
  await conn.execute('vacuum analyze disputes');
  await conn.execute('vacuum analyze alerts');
  await conn.execute('vacuum analyze dispute_events');
  const [counts] = await conn.execute<{ d: number; a: number; e: number }[]>(
    `select (select count(*)::int from disputes) as d, (select count(*)::int from alerts) as a, (select count(*)::int from dispute_events) as e`,
  );
  return {
    seconds: round((performance.now() - t0) / 1000, 1),
    disputes: counts!.d,
    alerts: counts!.a,
    events: counts!.e,
  };
}

export async function safetyIndexSection(
  cfg: BenchConfig,
  dbName: string,
  log: (line: string) => void,
): Promise<SectionResult> {
  const { cases, eventsPerCase } = cfg.safetyIndex;
  const adminUrl = await adminDatabaseUrl();
  const url = await createBenchDatabase(adminUrl, dbName, newSecret(API_KEY_PREFIX));
  const orm = await initORM(url, { pool: { min: 0, max: 2 } });
  try {
    log(`  generating ${cases.toLocaleString('en')} cases (${eventsPerCase} events each) in ${dbName}`);
    const generated = await generateCases(orm, cases, eventsPerCase);
    log(`  generated in ${generated.seconds} s: ${JSON.stringify(generated)}`);
    const conn = orm.em.getConnection();
    const yesterday = chinaDate(new Date(Date.now() - 24 * 3600 * 1000));
    const nightly = async () => {
      const t0 = performance.now();
      const day = await computeSafetyIndex(orm.em.fork(), { periodKind: 'day', date: yesterday });
      const month = await computeSafetyIndex(orm.em.fork(), { periodKind: 'month', date: yesterday });
      const seconds = (performance.now() - t0) / 1000;
      const [snap] = await conn.execute<{ received: number }[]>(
        `select sum((metrics->>'received')::int)::int as received from safety_index_snapshots where period_kind = 'month' and period_start = ? and level = 'city'`,
        [month.periodStart],
      );
      if (!(day.units > 0 && (snap?.received ?? 0) > 0))
        throw new Error(`the Safety Index found no cases: ${JSON.stringify({ day, month, snap })}`);
      return { seconds: round(seconds, 3), units: day.units, monthReceived: snap!.received };
    };
    const scan = async () => {
      const t0 = performance.now();
      await conn.execute('select origin_path, count(*) from disputes group by origin_path');
      await conn.execute('select unit_path, count(*) from alerts group by unit_path');
      await conn.execute('select type, count(*) from dispute_events group by type');
      return { seconds: round((performance.now() - t0) / 1000, 3) };
    };
    log(`  warm-up scan (untimed): ${JSON.stringify(await scan())}`);
    const runs = await interleaved<{ seconds: number; units?: number; monthReceived?: number }>(
      cfg.rounds,
      [
        { name: 'scan', run: scan },
        { name: 'nightly', run: nightly },
      ],
      log,
    );
    const subject = median(runs.nightly!.map((r) => r.seconds));
    const baseline = median(runs.scan!.map((r) => r.seconds));
    const units = runs.nightly![0]!.units ?? 0;
    return {
      name: 'safetyIndex',
      rows: [
        {
          figure: `Safety Index, nightly run (day + month, ${units} units) over ${cases.toLocaleString('en')} cases`,
          unit: 's',
          subject: { label: 'computeSafetyIndex', value: round(subject, 2) },
          baseline: { label: 'count(*) group-by scans of the same tables', value: round(baseline, 2) },
          ratio: round(subject / baseline, 1),
          note: `generator: ${generated.disputes.toLocaleString('en')} cases, ${generated.alerts.toLocaleString('en')} alerts, ${generated.events.toLocaleString('en')} events in ${generated.seconds} s`,
        },
      ],
      runs: { ...runs, generated },
    };
  } finally {
    await orm.close();
    await dropDatabase(adminUrl, dbName);
  }
}
