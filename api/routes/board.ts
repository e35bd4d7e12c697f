import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Setting, Unit } from '../../db/entities';
import { BAND_CATEGORIES, lineChart, unitMap } from '../../domain/charts';
import { chineseDateTime } from '../../domain/money';
import { WEIGHTS_SETTING, bandOf, chinaDate, periodOf, weightsFrom } from '../../domain/safety-index';
import boardMethodPage, {
  BAND_TEXT,
  BOARD_CSP,
  ISSUER_SETTING,
  TREND_BANDS,
  boardMethod,
  issuerOf,
  periodLabel,
  periodsBack,
} from './board-method';
import { AppError } from '../errors';
import { stringEnum } from '../schemas/common';

/** How many periods the trend shows. */
const TREND_PERIODS = 6;

type Metrics = Record<string, number | null>;
interface Snapshot {
  unit_code: string;
  period_start: string;
  score: number | null;
  rank: number | null;
  metrics: Metrics;
  computed_at: Date;
}

const pct = (v: unknown): string => (typeof v === 'number' ? `${Math.round(v * 1000) / 10}%` : '—');
const ofFive = (v: unknown): string => (typeof v === 'number' ? `${Math.round(v * 100) / 100} / 5` : '—');
const num = (v: unknown): string => (typeof v === 'number' ? String(Math.round(v * 100) / 100) : '—');

/** The change against the previous period, as text and a class (↑ 1.2 / ↓ 0.5 / → 0), or none. */
function change(now: number | null | undefined, before: number | null | undefined) {
  if (typeof now !== 'number' || typeof before !== 'number') return { text: null, cls: '' };
  const d = Math.round((now - before) * 10) / 10;
  return { text: d > 0 ? `↑ ${d}` : d < 0 ? `↓ ${-d}` : '→ 0', cls: d > 0 ? 'up' : d < 0 ? 'down' : '' };
}

/**
 * The public Safety Index board (经得起晒), published as a city would: the issuer, the date of the data
 * and a link to the method at the top; the region's own score and rank, and any area a visitor picks
 * (a GET form, no script); the children ranked with every indicator (cards on a phone); a labelled
 * trend chart and a map of the units with coordinates, each with its data table. No personal data.
 */
const board: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(boardMethodPage);
  app.get(
    '/board',
    {
      config: { public: true },
      schema: {
        hide: true,
        querystring: Type.Object({
          unit: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,64}$' })),
          area: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{0,64}$' })),
          period: stringEnum(['day', 'month'] as const, { default: 'month' }),
          date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
        }),
      },
    },
    async (request, reply) => {
      const em = app.orm.em.fork();
      const { period } = request.query;
      const date = request.query.date ?? chinaDate(new Date());
      // A date that exists (not 2026-13-45), in years the periods can be computed for.
      const parsed = Date.parse(`${date}T00:00:00Z`);
      if (Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== date || date < '1900')
        throw new AppError('validation_failed', 'date: no such day');
      const area = request.query.area ? await em.findOne(Unit, { code: request.query.area }) : null;
      if (request.query.area && !area) throw new AppError('not_found', 'no such region');
      // A picked area is shown among its siblings, unless the visitor also named the region to show.
      const unitCode = request.query.unit ?? area?.parentCode ?? area?.code;
      const unit = unitCode ? await em.findOne(Unit, { code: unitCode }) : await em.findOne(Unit, { parentCode: null });
      if (!unit) throw new AppError('not_found', 'no such region');
      const crumbs = await em.find(
        Unit,
        { code: { $in: unit.path.split('/').filter(Boolean) } },
        { orderBy: { path: 'asc' } },
      );
      const root = crumbs[0] ?? unit;
      const { start } = periodOf(period, date);
      const starts = periodsBack(period, date, TREND_PERIODS + 1); // one more: the change of the oldest shown
      const shown = starts.slice(1);
      const prevStart = starts[starts.length - 2]!;

      const children = await em.execute<Array<{ code: string; name: string; children: string }>>(
        `select u.code, u.name, (select count(*) from units c where c.parent_code = u.code and c.kind = 'region') as children
         from units u where u.parent_code = ? and u.kind = 'region'`,
        [unit.code],
      );
      const picked = area && area.code !== unit.code && area.parentCode !== unit.code ? [area.code] : [];
      const codes = [unit.code, ...children.map((c) => c.code), ...picked];
      const snaps = await em.execute<Snapshot[]>(
        `select unit_code, period_start, score, rank, metrics, computed_at from safety_index_snapshots
         where period_kind = ? and period_start in (${starts.map(() => '?').join(', ')})
           and unit_code in (${codes.map(() => '?').join(', ')})`,
        [period, ...starts, ...codes],
      );
      const snap = (code: string, at = start) => snaps.find((s) => s.unit_code === code && s.period_start === at);
      const settings = await em.find(Setting, { key: { $in: [WEIGHTS_SETTING, ISSUER_SETTING] } });
      const setting = (key: string) => settings.find((x) => x.key === key)?.value;

      const now = snaps.filter((s) => s.period_start === start);
      const computedAt = now.reduce<Date | undefined>(
        (latest, s) => (!latest || new Date(s.computed_at) > latest ? new Date(s.computed_at) : latest),
        undefined,
      );
      const label = (s: string) => periodLabel(period, s, true);

      // The ranking: the children with a figure this period, ranked first, then those without data.
      const ranked = children
        .filter((c) => snap(c.code))
        .map((c) => ({ ...c, s: snap(c.code)! }))
        .sort(
          (a, b) =>
            (a.s.rank ?? Number.MAX_SAFE_INTEGER) - (b.s.rank ?? Number.MAX_SAFE_INTEGER) ||
            a.name.localeCompare(b.name, 'zh-CN'),
        );
      const withData = ranked.filter((r) => r.s.score !== null).length;
      const rows = ranked.map(({ code, name, children: sub, s }) => {
        const ch = change(s.score, snap(code, prevStart)?.score);
        const m = s.metrics;
        return {
          unitCode: code,
          name,
          picked: area?.code === code,
          noData: s.score === null,
          score: s.score ?? '暂无数据',
          band: bandOf(s.score).band,
          bandLabel: bandOf(s.score).label,
          rank: s.rank ?? '—',
          hasChildren: Number(sub) > 0,
          trendText: ch.text,
          trendClass: ch.cls,
          received: num(m.received),
          onTimeAcceptance: pct(m.onTimeAcceptance),
          onTimeResolution: pct(m.onTimeResolution),
          successRate: pct(m.successRate),
          retention: pct(m.retention),
          reopenRate: pct(m.reopenRate),
          incidence: num(m.incidencePer10k),
          satisfaction: ofFive(m.satisfaction),
          staffSatisfaction: ofFive(m.staffSatisfaction),
        };
      });

      /** A region's own figure: its score, band, change and rank among its siblings, in words. */
      const standing = async (u: Unit) => {
        const s = snap(u.code);
        const parent = u.parentCode ? await em.findOne(Unit, { code: u.parentCode }) : null;
        const siblings = parent
          ? Number(
              (
                await em.execute<Array<{ n: string }>>(
                  `select count(*) as n from safety_index_snapshots s join units u on u.code = s.unit_code
                   where s.period_kind = ? and s.period_start = ? and u.parent_code = ? and s.score is not null`,
                  [period, start, parent.code],
                )
              )[0]?.n ?? 0,
            )
          : 0;
        const score = s?.score ?? null;
        const ch = change(
          score,
          s ? snaps.find((x) => x.unit_code === u.code && x.period_start === prevStart)?.score : null,
        );
        return {
          code: u.code,
          name: u.name,
          score: score ?? '暂无数据',
          noData: score === null,
          band: bandOf(score).band,
          bandLabel: bandOf(score).label,
          trendText: ch.text,
          trendClass: ch.cls,
          rankText:
            score === null
              ? '本期暂无数据，不参与排名'
              : !parent
                ? '最高一级地区，不参与排名'
                : `在${parent.name}下辖${siblings}个有数据的地区中排第${s!.rank}名`,
          parentLink: parent ? `/board?unit=${parent.code}&period=${period}&date=${date}&area=${u.code}` : null,
        };
      };

      const trend = lineChart({
        title: `${unit.name}下辖各地区得分走势（近${TREND_PERIODS}${period === 'month' ? '个月' : '日'}）`,
        unit: '分',
        valueLabel: '得分',
        labelAxis: period === 'month' ? '月份' : '日期',
        labels: shown.map(label),
        series: ranked.map((r) => ({
          name: r.name,
          values: shown.map((p) => snap(r.code, p)?.score ?? null),
        })),
        min: 0,
        max: 100,
        bands: TREND_BANDS,
        width: 640,
        height: 340,
      });

      const places = await em.execute<
        Array<{ code: string; name: string; latitude: number; longitude: number; score: number | null; has: boolean }>
      >(
        `select u.code, u.name, u.latitude, u.longitude, s.score, s.unit_code is not null as has
         from units u left join safety_index_snapshots s on s.unit_code = u.code and s.period_kind = ? and s.period_start = ?
         where u.latitude is not null and u.longitude is not null and u.kind = 'region' and u.path like ?
         order by u.path`,
        [period, start, `${unit.path}%`],
      );
      const map = unitMap({
        title: `${unit.name}各地区分布（目录中有坐标的${places.length}个单位，${periodLabel(period, start)}）`,
        points: places.map((p) => ({
          name: p.name,
          lat: Number(p.latitude),
          lon: Number(p.longitude),
          category: bandOf(p.score).band,
          value: p.score === null ? '暂无数据' : String(p.score),
          href: `/board?area=${p.code}&period=${period}&date=${date}`,
        })),
        categories: BAND_CATEGORIES,
        heads: { name: '单位', category: '等级', value: '得分' },
        width: 640,
        height: 440,
      });

      const options = await em.find(
        Unit,
        { path: { $like: `${root.path}%` }, kind: 'region' },
        { orderBy: { path: 'asc' }, fields: ['code', 'name', 'path'] },
      );
      const depth0 = root.path.split('/').filter(Boolean).length;
      const view = {
        issuer: issuerOf(setting(ISSUER_SETTING), root.name, root.committeeName),
        dataDate: computedAt ? chineseDateTime(computedAt.toISOString()) : null,
        method: boardMethod(weightsFrom(setting(WEIGHTS_SETTING))),
        bandText: BAND_TEXT,
        unit: { code: unit.code, name: unit.name },
        standings: [
          { ...(await standing(unit)), picked: false },
          ...(area && area.code !== unit.code ? [{ ...(await standing(area)), picked: true }] : []),
        ],
        areaOptions: options.map((o) => ({
          code: o.code,
          label: `${'　'.repeat(o.path.split('/').filter(Boolean).length - depth0)}${o.name}`,
          selected: o.code === (area?.code ?? unit.code),
        })),
        crumbs: crumbs.map((c) => ({ code: c.code, name: c.name })),
        period,
        date,
        periodLabel: periodLabel(period, start),
        rows,
        hasChildren: children.length > 0,
        withData,
        charts: [
          ...(rows.length ? [{ id: 'trend', heading: '得分走势', chart: trend }] : []),
          {
            id: 'map',
            heading: '地区分布图',
            chart: places.length ? map : null,
            note: '按目录中登记的经纬度绘制，不使用外部地图服务；形状与颜色均表示等级，点击标记可查看该地区的得分与排名。',
            empty: '目录中本地区各单位尚未登记坐标。',
          },
        ],
      };
      return reply.header('content-security-policy', BOARD_CSP).view('board.hbs', view);
    },
  );
};

export default board;
