/**
 * The Safety Index's grouped queries (activities/safety-index.ts: three queries for all regions,
 * cases counted per grid of origin and summed up each subtree) against the straightforward
 * definition: one set of queries per region over its subtree, as the index was first computed.
 * Random cases, breaches (some of one case at two levels), reopenings and follow-ups, in a database
 * of this file's own (the index covers every region, so other files' cases must not count).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { computeSafetyIndex } from '../../activities/safety-index';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { Unit } from '../../db/entities';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { seedDemo } from '../../demo/seed';
import { incidenceCeiling, metricsOf, periodOf, type IndexFigures } from '../../domain/safety-index';

const adminUrl = new URL(process.env.DATABASE_URL!);
const dbName = `${adminUrl.pathname.slice(1)}_si_${process.pid}`;
let orm: MikroORM;

/** A seeded PRNG, so a failure can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

beforeAll(async () => {
  await ensureDatabase(adminUrl.toString(), dbName);
  const url = new URL(adminUrl.toString());
  url.pathname = `/${dbName}`;
  orm = await initORM(url.toString(), {
    pool: { min: 0, max: 2 },
    migrations: { ...ormOptions('').migrations, silent: true },
  });
  await migrate(orm);
  await seedDemo(orm.em.fork(), {
    demoPassword: 'si-query-password',
    demoApiKey: 'fq_live_si_query_0123456789abcdefghijkl',
  });
}, 60_000);
afterAll(async () => {
  await orm?.close();
  await dropDatabase(adminUrl.toString(), dbName);
});

/** The definition, region by region (the first implementation's queries, on the projected state). */
async function referenceFigures(unit: Unit, from: string, to: string): Promise<IndexFigures> {
  const em = orm.em.fork();
  const like = `${unit.path}%`;
  const closedIn = `(state->>'closedAt')::timestamptz >= '${from}' and (state->>'closedAt')::timestamptz < '${to}'`;
  const [c] = await em.execute<Record<string, string | null>[]>(
    `select
       count(*) filter (where created_at >= ? and created_at < ?) as received,
       count(*) filter (where created_at >= ? and created_at < ? and (state->'risk'->>'high') = 'true') as high_risk,
       count(*) filter (where stage = 'closed' and ${closedIn}) as closed,
       count(*) filter (where outcome = 'resolved' and ${closedIn}) as resolved,
       count(*) filter (where outcome = 'failed' and ${closedIn} and state->'agreement'->>'effectiveAt' is null) as failed,
       count(*) filter (where outcome = 'resolved' and level in ('grid', 'community') and ${closedIn}) as resolved_low,
       sum(((state->'followUp'->>'satisfaction'))::int) filter (where ${closedIn} and state->'followUp'->>'satisfaction' is not null) as sat_sum,
       count(*) filter (where ${closedIn} and state->'followUp'->>'satisfaction' is not null) as sat_count
     from disputes where origin_path like ?`,
    [from, to, from, to, like],
  );
  const [a] = await em.execute<Record<string, string>[]>(
    `select count(distinct dispute_id) filter (where kind = 'accept_breach') as accept_breaches,
            count(distinct dispute_id) filter (where kind = 'handling_breach') as handling_breaches
     from alerts where unit_path like ? and raised_at >= ? and raised_at < ?`,
    [like, from, to],
  );
  const [r] = await em.execute<Record<string, string>[]>(
    `select count(*) as reopened from dispute_events e join disputes d on d.id = e.dispute_id
     where e.type = 'reopened' and d.origin_path like ? and e.at >= ? and e.at < ?`,
    [like, from, to],
  );
  const n = (v: string | null | undefined) => Number(v ?? 0);
  return {
    population: unit.population,
    received: n(c?.received),
    closed: n(c?.closed),
    resolved: n(c?.resolved),
    failed: n(c?.failed),
    acceptBreaches: n(a?.accept_breaches),
    handlingBreaches: n(a?.handling_breaches),
    resolvedLow: n(c?.resolved_low),
    reopened: n(r?.reopened),
    satisfactionSum: 0,
    satisfactionCount: 0,
    staffSatisfactionSum: n(c?.sat_sum),
    staffSatisfactionCount: n(c?.sat_count),
    highRisk: n(c?.high_risk),
  };
}

it('gives every region the figures of its one-region-at-a-time definition, for a day and a month', async () => {
  const random = rng(20261126);
  const em = orm.em.fork();
  const units = await em.find(Unit, {}, { orderBy: { path: 'asc' } });
  const grids = units.filter((u) => u.level === 'grid');
  const ancestorsOf = (u: Unit): Unit[] =>
    units.filter((o) => u.path.startsWith(o.path) && o.level !== 'grid' && o.level !== 'city');
  const now = Date.parse('2026-11-20T12:00:00+08:00');
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const iso = (ms: number) => new Date(ms).toISOString();
  const disputes: unknown[][] = [];
  const alerts: unknown[][] = [];
  const events: unknown[][] = [];
  for (let i = 0; i < 600; i++) {
    const grid = pick(grids);
    const handledBy = pick(ancestorsOf(grid));
    const created = now - Math.floor(random() * 45 * 86400_000);
    const closed = random() < 0.7;
    const outcome = closed ? pick(['resolved', 'resolved', 'failed', 'withdrawn']) : undefined;
    // Closing falls before or after the period bounds; a few cases closed and were reopened (closedAt kept).
    const closedAt = closed || random() < 0.1 ? iso(created + Math.floor(random() * 20 * 86400_000)) : undefined;
    const satisfaction = outcome === 'resolved' && random() < 0.8 ? 1 + Math.floor(random() * 5) : undefined;
    const id = `siq-${i}`;
    const state = {
      disputeId: id,
      stage: closed ? 'closed' : pick(['awaiting_acceptance', 'in_mediation', 'follow_up']),
      outcome,
      closedAt,
      risk: { high: random() < 0.1, reasons: [] },
      ...(satisfaction ? { followUp: { performed: true, satisfaction } } : {}),
      // Some failures came after an effective agreement (non-performance): not mediation failures.
      ...(outcome === 'failed' && random() < 0.4 ? { agreement: { effectiveAt: iso(created) } } : {}),
    };
    disputes.push([
      id,
      state.stage,
      outcome ?? null,
      handledBy.level,
      handledBy.code,
      handledBy.path,
      grid.path,
      JSON.stringify(state),
      closedAt ?? null,
      iso(created),
    ]);
    // Breaches: some of one case at the community and again at the street after escalation.
    for (const kind of ['accept_breach', 'handling_breach', 'accept_warning']) {
      if (random() < 0.25) {
        for (const at of ancestorsOf(grid).filter(() => random() < 0.6)) {
          alerts.push([
            id,
            kind,
            alerts.length,
            at.code,
            at.path,
            iso(created + Math.floor(random() * 10 * 86400_000)),
          ]);
        }
      }
    }
    if (random() < 0.15) events.push([id, 1, 'reopened', iso(created + Math.floor(random() * 30 * 86400_000))]);
    events.push([id, 2, 'note_added', iso(created + 3600_000)]);
  }
  await em.execute(
    `insert into disputes (id, case_number, stage, outcome, level, unit_code, unit_path, origin_path, category, priority, title,
                           created_by_type, created_by_id, overdue, search_text, seq, state, closed_at, created_at, updated_at)
     values ${disputes.map(() => `(?, null, ?, ?, ?, ?, ?, ?, 'neighbour', 'normal', '邻里纠纷', 'staff', 'u', false, '', 1, ?, ?, ?, now())`).join(', ')}`,
    disputes.flat(),
  );
  await em.execute(
    `insert into alerts (dispute_id, kind, stage_entry, unit_code, unit_path, message, raised_at)
     values ${alerts.map(() => `(?, ?, ?, ?, ?, '告警', ?)`).join(', ')}`,
    alerts.flat(),
  );
  await em.execute(
    `insert into dispute_events (dispute_id, seq, type, at, actor, payload)
     values ${events.map(() => `(?, ?, ?, ?, '{}', '{}')`).join(', ')}`,
    events.flat(),
  );

  let nonZeroRegions = 0;
  for (const [periodKind, date] of [
    ['month', '2026-11-20'],
    ['month', '2026-10-15'],
    ['day', '2026-11-03'],
  ] as const) {
    const { start, end } = periodOf(periodKind, date);
    await computeSafetyIndex(orm.em.fork(), { periodKind, date });
    const stored = await orm.em
      .fork()
      .execute<{ unit_code: string; metrics: Record<string, unknown> }[]>(
        'select unit_code, metrics from safety_index_snapshots where period_kind = ? and period_start = ?',
        [periodKind, start],
      );
    // Areas only: a county's centre and its professional committees are not ranked regions.
    const regions = units.filter((u) => (u.kind ?? 'region') === 'region');
    expect(stored.map((s) => s.unit_code).sort()).toEqual(regions.map((u) => u.code).sort());
    for (const unit of regions) {
      const figures = await referenceFigures(unit, `${start}T00:00:00+08:00`, `${end}T00:00:00+08:00`);
      const expected = { ...metricsOf(figures), incidenceWorstPer10k: incidenceCeiling(start, end) };
      expect({
        unit: unit.code,
        periodKind,
        start,
        metrics: stored.find((s) => s.unit_code === unit.code)?.metrics,
      }).toEqual({ unit: unit.code, periodKind, start, metrics: expected });
      if (figures.received > 0 && figures.acceptBreaches > 0 && figures.reopened > 0) nonZeroRegions += 1;
    }
  }
  // The data reaches the figures being compared (not a comparison of zeros).
  expect(nonZeroRegions).toBeGreaterThan(5);
}, 60_000);
