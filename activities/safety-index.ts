import type { EntityManager } from '@mikro-orm/postgresql';
import { Setting, Unit } from '../db/entities';
import { WEIGHTS_SETTING, bandOf, metricsOf, periodOf, rankAmongSiblings, scoreOf, weightsFrom, type IndexFigures } from '../domain/safety-index';

/**
 * Computes and stores the Safety Index of every region for one period (idempotent: a snapshot per
 * region and period is replaced). Figures come from the read model, the alerts and the history.
 * One query per region: fine for a city's few hundred units; a grouped query would scale further.
 */
export async function computeSafetyIndex(em: EntityManager, req: { periodKind: 'day' | 'month'; date: string }): Promise<{ units: number; periodStart: string }> {
  const { start, end } = periodOf(req.periodKind, req.date);
  // Period bounds at midnight in China (UTC+8).
  const from = `${start}T00:00:00+08:00`;
  const to = `${end}T00:00:00+08:00`;
  const units = await em.find(Unit, {}, { orderBy: { path: 'asc' } });
  // The weights in force when the period is computed (admins set them; the defaults otherwise).
  const weights = weightsFrom((await em.findOne(Setting, { key: WEIGHTS_SETTING }))?.value);
  const rows = [];
  for (const unit of units) {
    const like = `${unit.path}%`;
    const [c] = await em.execute<Record<string, string | null>[]>(
      `select
         count(*) filter (where created_at >= ? and created_at < ?) as received,
         count(*) filter (where created_at >= ? and created_at < ? and (state->'risk'->>'high') = 'true') as high_risk,
         count(*) filter (where stage = 'closed' and (state->>'closedAt')::timestamptz >= ? and (state->>'closedAt')::timestamptz < ?) as closed,
         count(*) filter (where outcome = 'resolved' and (state->>'closedAt')::timestamptz >= ? and (state->>'closedAt')::timestamptz < ?) as resolved,
         count(*) filter (where outcome = 'resolved' and level in ('grid', 'community') and (state->>'closedAt')::timestamptz >= ? and (state->>'closedAt')::timestamptz < ?) as resolved_low,
         sum(((state->'followUp'->>'satisfaction'))::int) filter (where (state->>'closedAt')::timestamptz >= ? and (state->>'closedAt')::timestamptz < ? and state->'followUp'->>'satisfaction' is not null) as sat_sum,
         count(*) filter (where (state->>'closedAt')::timestamptz >= ? and (state->>'closedAt')::timestamptz < ? and state->'followUp'->>'satisfaction' is not null) as sat_count
       from disputes where origin_path like ?`,
      [from, to, from, to, from, to, from, to, from, to, from, to, from, to, like],
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
    const figures: IndexFigures = {
      population: unit.population,
      received: n(c?.received),
      closed: n(c?.closed),
      resolved: n(c?.resolved),
      acceptBreaches: n(a?.accept_breaches),
      handlingBreaches: n(a?.handling_breaches),
      resolvedLow: n(c?.resolved_low),
      reopened: n(r?.reopened),
      satisfactionSum: n(c?.sat_sum),
      satisfactionCount: n(c?.sat_count),
      highRisk: n(c?.high_risk),
    };
    const metrics = metricsOf(figures);
    rows.push({ unit, metrics: { ...metrics, received: figures.received, closed: figures.closed }, score: scoreOf(metrics, weights), parentCode: unit.parentCode ?? undefined });
  }
  for (const row of rankAmongSiblings(rows)) {
    await em.execute(
      `insert into safety_index_snapshots (unit_code, period_kind, period_start, level, metrics, score, band, rank, computed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, now())
       on conflict (unit_code, period_kind, period_start) do update set
         level = excluded.level, metrics = excluded.metrics, score = excluded.score, band = excluded.band, rank = excluded.rank, computed_at = now()`,
      [row.unit.code, req.periodKind, start, row.unit.level, JSON.stringify(row.metrics), row.score, bandOf(row.score).band, row.rank],
    );
  }
  return { units: rows.length, periodStart: start };
}
