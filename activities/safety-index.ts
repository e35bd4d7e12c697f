import type { EntityManager } from '@mikro-orm/postgresql';
import { Setting, Unit } from '../db/entities';
import {
  WEIGHTS_SETTING,
  bandOf,
  incidenceCeiling,
  metricsOf,
  periodOf,
  rankAmongSiblings,
  scoreOf,
  weightsFrom,
  type IndexFigures,
} from '../domain/safety-index';

type Counts = Record<string, string | null>;

/** Rows keyed by unit code. */
const byCode = (rows: (Counts & { code: string })[]): Map<string, Counts> => new Map(rows.map((r) => [r.code, r]));

/**
 * Computes and stores the Safety Index of every region for one period (idempotent: a snapshot per
 * region and period is replaced). Figures come from the read model, the alerts and the history.
 * Three grouped queries for all regions at once, each reading only the period's rows through an
 * index (cases created or closed in it, breaches raised in it, reopenings in it): the cases are
 * counted per grid of origin, then summed up each region's subtree.
 */
export async function computeSafetyIndex(
  em: EntityManager,
  req: { periodKind: 'day' | 'month'; date: string },
): Promise<{ units: number; periodStart: string }> {
  const { start, end } = periodOf(req.periodKind, req.date);
  // Period bounds at midnight in China (UTC+8).
  const from = `${start}T00:00:00+08:00`;
  const to = `${end}T00:00:00+08:00`;
  // Areas only: a county's 矛盾纠纷调处中心 and 行业性专业性 committees are not areas (domain/committee.ts).
  const units = await em.find(Unit, { kind: 'region' }, { orderBy: { path: 'asc' } });
  // The weights in force when the period is computed (admins set them; the defaults otherwise).
  const weights = weightsFrom((await em.findOne(Setting, { key: WEIGHTS_SETTING }))?.value);
  // 20 disputes per 10,000 residents a month scores 0 on incidence; a day, its share of the month.
  const worstIncidence = incidenceCeiling(start, end);
  const cases = byCode(
    await em.execute<(Counts & { code: string })[]>(
      `with d as (
         select origin_path,
                created_at >= ? and created_at < ? as received,
                closed_at >= ? and closed_at < ? as closed_in,
                stage, outcome, level, state
         from disputes
         where (created_at >= ? and created_at < ?) or (closed_at >= ? and closed_at < ?)
       ), per_origin as (
         select origin_path,
                count(*) filter (where received) as received,
                count(*) filter (where received and (state->'risk'->>'high') = 'true') as high_risk,
                count(*) filter (where closed_in and stage = 'closed') as closed,
                count(*) filter (where closed_in and outcome = 'resolved') as resolved,
                -- 调解不成 only: never an effective agreement (non-performance is not a mediation failure, Art. 32)
                count(*) filter (where closed_in and outcome = 'failed'
                                   and not jsonb_path_exists(state, '$.agreement.effectiveAt')
                                   and not jsonb_path_exists(state, '$.pastAgreements[*].effectiveAt')) as failed,
                count(*) filter (where closed_in and outcome = 'resolved' and level in ('grid', 'community')) as resolved_low,
                sum((state->'followUp'->>'satisfaction')::int) filter (where closed_in and state->'followUp'->>'satisfaction' is not null) as sat_sum,
                count(*) filter (where closed_in and state->'followUp'->>'satisfaction' is not null) as sat_count,
                -- The parties' own ratings (issue 22, rate-satisfaction on their page), of cases closed in the period.
                sum((select sum((r->>'rating')::int) from jsonb_array_elements(state->'satisfaction') r))
                  filter (where closed_in and jsonb_typeof(state->'satisfaction') = 'array') as party_sat_sum,
                sum(jsonb_array_length(state->'satisfaction'))
                  filter (where closed_in and jsonb_typeof(state->'satisfaction') = 'array') as party_sat_count
         from d group by origin_path
       )
       select u.code, sum(p.received) as received, sum(p.high_risk) as high_risk, sum(p.closed) as closed, sum(p.resolved) as resolved, sum(p.failed) as failed,
              sum(p.resolved_low) as resolved_low, sum(p.sat_sum) as sat_sum, sum(p.sat_count) as sat_count,
              sum(p.party_sat_sum) as party_sat_sum, sum(p.party_sat_count) as party_sat_count
       from units u join per_origin p on starts_with(p.origin_path, u.path)
       group by u.code`,
      [from, to, from, to, from, to, from, to],
    ),
  );
  // A case breached twice in a subtree (at the community, then at the street) counts once there.
  const breaches = byCode(
    await em.execute<(Counts & { code: string })[]>(
      `select u.code,
              count(distinct a.dispute_id) filter (where a.kind = 'accept_breach') as accept_breaches,
              count(distinct a.dispute_id) filter (where a.kind = 'handling_breach') as handling_breaches
       from units u join alerts a on starts_with(a.unit_path, u.path)
       where a.raised_at >= ? and a.raised_at < ? and a.kind in ('accept_breach', 'handling_breach')
       group by u.code`,
      [from, to],
    ),
  );
  const reopenings = byCode(
    await em.execute<(Counts & { code: string })[]>(
      `with per_origin as (
         select d.origin_path, count(*) as reopened from dispute_events e join disputes d on d.id = e.dispute_id
         where e.type = 'reopened' and e.at >= ? and e.at < ?
         group by d.origin_path
       )
       select u.code, sum(p.reopened) as reopened from units u join per_origin p on starts_with(p.origin_path, u.path) group by u.code`,
      [from, to],
    ),
  );
  const rows = [];
  for (const unit of units) {
    const c = cases.get(unit.code);
    const a = breaches.get(unit.code);
    const n = (v: string | null | undefined) => Number(v ?? 0);
    const figures: IndexFigures = {
      population: unit.population,
      received: n(c?.received),
      closed: n(c?.closed),
      resolved: n(c?.resolved),
      failed: n(c?.failed),
      acceptBreaches: n(a?.accept_breaches),
      handlingBreaches: n(a?.handling_breaches),
      resolvedLow: n(c?.resolved_low),
      reopened: n(reopenings.get(unit.code)?.reopened),
      // The parties' own ratings from their page (scored); a visit's rating is the mediator's record (shown only).
      satisfactionSum: n(c?.party_sat_sum),
      satisfactionCount: n(c?.party_sat_count),
      staffSatisfactionSum: n(c?.sat_sum),
      staffSatisfactionCount: n(c?.sat_count),
      highRisk: n(c?.high_risk),
    };
    const metrics = metricsOf(figures);
    rows.push({
      unit,
      metrics: { ...metrics, incidenceWorstPer10k: worstIncidence },
      score: scoreOf(metrics, weights, worstIncidence),
      parentCode: unit.parentCode ?? undefined,
    });
  }
  const ranked = rankAmongSiblings(rows);
  if (ranked.length > 0) {
    await em.execute(
      `insert into safety_index_snapshots (unit_code, period_kind, period_start, level, metrics, score, band, rank, computed_at)
       values ${ranked.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, now())').join(', ')}
       on conflict (unit_code, period_kind, period_start) do update set
         level = excluded.level, metrics = excluded.metrics, score = excluded.score, band = excluded.band, rank = excluded.rank, computed_at = now()`,
      ranked.flatMap((row) => [
        row.unit.code,
        req.periodKind,
        start,
        row.unit.level,
        JSON.stringify(row.metrics),
        row.score,
        bandOf(row.score).band,
        row.rank,
      ]),
    );
  }
  return { units: rows.length, periodStart: start };
}
