import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Setting, Unit } from '../../db/entities';
import { chineseDateTime } from '../../domain/money';
import { WEIGHTS_SETTING, bandOf, chinaDate, periodOf, weightsFrom } from '../../domain/safety-index';
import { boardMethod, ISSUER_SETTING, issuerOf } from './board-method';
import { AppError } from '../errors';
import { stringEnum } from '../schemas/common';

const pct = (v: unknown): string => (typeof v === 'number' ? `${Math.round(v * 100)}%` : '—');

/**
 * The public Safety Index board (经得起晒): the children of a region ranked, with colour bands (and
 * their labels, so colour is never the only signal), the change against the previous period, a trend
 * line of the last six periods, and drill-down city → county → street → community → grid.
 */
const board: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/board',
    {
      config: { public: true },
      schema: {
        hide: true,
        querystring: Type.Object({
          unit: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,64}$' })),
          period: stringEnum(['day', 'month'] as const, { default: 'month' }),
          date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
        }),
      },
    },
    async (request, reply) => {
      const em = app.orm.em.fork();
      const { period } = request.query;
      const date = request.query.date ?? chinaDate(new Date());
      const unit = request.query.unit
        ? await em.findOne(Unit, { code: request.query.unit })
        : await em.findOne(Unit, { parentCode: null });
      if (!unit) throw new AppError('not_found', 'no such region');
      const crumbs = await em.find(
        Unit,
        { code: { $in: unit.path.split('/').filter(Boolean) } },
        { orderBy: { path: 'asc' } },
      );
      const { start } = periodOf(period, date);
      const rows = await em.execute<
        Array<{
          unit_code: string;
          name: string;
          score: number | null;
          band: string;
          rank: number | null;
          metrics: Record<string, number | null>;
          children: string;
          computed_at: Date;
          history: Array<{ s: number | null; p: string }>;
        }>
      >(
        `select s.unit_code, u.name, s.score, s.band, s.rank, s.metrics, s.computed_at,
                (select count(*) from units c where c.parent_code = u.code) as children,
                (select coalesce(json_agg(json_build_object('s', h.score, 'p', h.period_start) order by h.period_start), '[]'::json) from
                   (select score, period_start from safety_index_snapshots h where h.unit_code = s.unit_code and h.period_kind = s.period_kind and h.period_start <= s.period_start
                    order by period_start desc limit 6) h) as history
         from safety_index_snapshots s join units u on u.code = s.unit_code
         where s.period_kind = ? and s.period_start = ? and u.parent_code = ?
         order by s.rank asc nulls last, u.name`,
        [period, start, unit.code],
      );
      const settings = await em.find(Setting, { key: { $in: [WEIGHTS_SETTING, ISSUER_SETTING] } });
      const setting = (key: string) => settings.find((x) => x.key === key)?.value;
      const root = crumbs[0] ?? unit;
      const computedAt = rows.reduce<Date | undefined>(
        (latest, r) => (!latest || new Date(r.computed_at) > latest ? new Date(r.computed_at) : latest),
        undefined,
      );
      const view = {
        issuer: issuerOf(setting(ISSUER_SETTING), root.name),
        dataDate: computedAt ? chineseDateTime(computedAt.toISOString()) : null,
        method: boardMethod(weightsFrom(setting(WEIGHTS_SETTING))),
        unit: { code: unit.code, name: unit.name },
        crumbs: crumbs.map((c) => ({ code: c.code, name: c.name })),
        period,
        date,
        periodLabel:
          period === 'month'
            ? `${start.slice(0, 4)}年${Number(start.slice(5, 7))}月`
            : `${start.slice(0, 4)}年${Number(start.slice(5, 7))}月${Number(start.slice(8, 10))}日`,
        rows: rows.map((r) => {
          // A period without data is a gap in the trend, not a score.
          const history = (r.history ?? []).filter((h): h is { s: number; p: string } => typeof h.s === 'number');
          const last = history[history.length - 1];
          const prev =
            r.score === null || !last ? undefined : history.length > 1 ? history[history.length - 2]!.s : undefined;
          const delta = prev === undefined || r.score === null ? undefined : Math.round((r.score - prev) * 10) / 10;
          const points = history
            .map(
              (h, i) =>
                `${history.length === 1 ? 60 : Math.round((i / (history.length - 1)) * 116) + 2},${Math.round(30 - (h.s / 100) * 28)}`,
            )
            .join(' ');
          return {
            unitCode: r.unit_code,
            name: r.name,
            noData: r.score === null,
            score: r.score ?? '暂无数据',
            band: bandOf(r.score).band,
            bandLabel: bandOf(r.score).label,
            rank: r.rank ?? '—',
            hasChildren: Number(r.children) > 0,
            trendText: delta === undefined ? null : delta > 0 ? `↑ ${delta}` : delta < 0 ? `↓ ${-delta}` : '→ 0',
            trendClass: delta === undefined ? '' : delta > 0 ? 'up' : delta < 0 ? 'down' : '',
            onTimeAcceptance: pct(r.metrics.onTimeAcceptance),
            successRate: pct(r.metrics.successRate),
            retention: pct(r.metrics.retention),
            satisfaction: typeof r.metrics.satisfaction === 'number' ? `${r.metrics.satisfaction} / 5` : '—',
            staffSatisfaction:
              typeof r.metrics.staffSatisfaction === 'number' ? `${r.metrics.staffSatisfaction} / 5` : '—',
            sparkline: history.length > 1 ? points : null, // a line needs two periods
            sparklineLabel: history.map((h) => h.s).join('、'),
          };
        }),
      };
      return reply
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
        .view('board.hbs', view);
    },
  );
};

export default board;
