import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LEVELS } from '../../domain/lifecycle';
import { bandOf, chinaDate, periodOf } from '../../domain/safety-index';
import type { safetyIndexWorkflow } from '../../workflows/safety-index.workflow';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { standardErrors, stringEnum } from '../schemas/common';

/**
 * A China date (YYYY-MM-DD) that exists (format: 36 January or 30 February are refused), in years
 * 1900–2999: periods are computed with Date.UTC, which reads years 0–99 as 19xx.
 */
const ChinaDate = (description: string) =>
  Type.String({ format: 'date', pattern: '^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$', description });

const ItemSchema = Type.Object({
  unitCode: Type.String(),
  name: Type.String(),
  level: Type.String(),
  parentCode: Type.Optional(Type.String()),
  score: Type.Union([Type.Number(), Type.Null()], {
    description:
      'The dispute-handling sub-index (矛盾纠纷化解分项指数), 0–100; null when the region had no case in the period (暂无数据)',
  }),
  band: Type.String({
    description: 'green ≥ 90 (优), yellow 80–90 (良), orange 70–80 (中), red < 70 (差); none without data (暂无数据)',
  }),
  bandLabel: Type.String(),
  rank: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Among the units with the same parent; null without data (listed after the ranked)',
  }),
  trend: Type.Optional(Type.Number({ description: 'Score change against the previous period' })),
  metrics: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])),
});

/** The Safety Index (平安指数): public figures per region, no personal data; computed nightly and on demand. */
const safetyIndex: FastifyPluginAsyncTypebox<{ taskQueue: string }> = async (app, { taskQueue }) => {
  app.get(
    '/safety-index',
    {
      config: { public: true },
      schema: {
        tags: ['safety-index'],
        summary:
          'The Safety Index’s dispute-handling sub-index (矛盾纠纷化解分项指数) per region for a period (public: no personal data)',
        security: [],
        querystring: Type.Object({
          period: stringEnum(['day', 'month'] as const, { default: 'month' }),
          date: Type.Optional(ChinaDate('A China date in the period; default today')),
          level: Type.Optional(stringEnum(LEVELS)),
        }),
        response: {
          200: Type.Object({ period: Type.String(), periodStart: Type.String(), items: Type.Array(ItemSchema) }),
          ...standardErrors,
        },
      },
    },
    async (request) => {
      const { period, level } = request.query;
      const date = request.query.date ?? chinaDate(new Date());
      const { start } = periodOf(period, date);
      const dayBefore = new Date(Date.parse(`${start}T00:00:00Z`) - 86400_000).toISOString().slice(0, 10);
      const prevStart = periodOf(period, dayBefore).start;
      const rows = await app.orm.em.fork().execute<
        Array<{
          unit_code: string;
          name: string;
          level: string;
          parent_code: string | null;
          score: number | null;
          band: string;
          rank: number | null;
          metrics: Record<string, number | null>;
          prev: number | null;
        }>
      >(
        `select s.unit_code, u.name, s.level, u.parent_code, s.score, s.band, s.rank, s.metrics, p.score as prev
         from safety_index_snapshots s join units u on u.code = s.unit_code
         left join safety_index_snapshots p on p.unit_code = s.unit_code and p.period_kind = s.period_kind and p.period_start = ?
         where s.period_kind = ? and s.period_start = ? ${level ? 'and s.level = ?' : ''}
         order by u.path`,
        [prevStart, period, start, ...(level ? [level] : [])],
      );
      return {
        period,
        periodStart: start,
        items: rows.map((r) => ({
          unitCode: r.unit_code,
          name: r.name,
          level: r.level,
          parentCode: r.parent_code ?? undefined,
          score: r.score,
          band: r.band,
          bandLabel: bandOf(r.score).label,
          rank: r.rank,
          trend: r.prev === null || r.score === null ? undefined : Math.round((r.score - r.prev) * 10) / 10,
          metrics: r.metrics,
        })),
      };
    },
  );

  app.post(
    '/safety-index/compute',
    {
      schema: {
        tags: ['safety-index'],
        summary: 'Compute the Safety Index now for a period (supervisors and admins)',
        body: Type.Object(
          { period: stringEnum(['day', 'month'] as const), date: ChinaDate('A China date in the period') },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ periodStart: Type.String(), units: Type.Integer() }), ...standardErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      if (p.kind !== 'staff' || (p.role !== 'supervisor' && p.role !== 'admin'))
        throw new AppError('forbidden', 'supervisors and admins compute the index');
      const [result] = await app.temporal.workflow.execute<typeof safetyIndexWorkflow>('safetyIndexWorkflow', {
        workflowId: `safety-index-${request.body.period}-${request.body.date}-${Date.now()}`,
        taskQueue,
        args: [{ periodKind: request.body.period, date: request.body.date }],
      });
      return result!;
    },
  );
};

export default safetyIndex;
