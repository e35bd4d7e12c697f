/**
 * 统计分析 (/console/statistics): the staff's figures for a unit and a period — supervisors their own
 * area, admins any unit — from GET /api/v1/statistics/staff (every rule is the API's), with charts
 * drawn on the server (domain/charts: SVG, readable without JavaScript), each with its data table, and
 * the export (CSV, spreadsheet) of the same figures.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../api/errors';
import { barChart, lineChart, type Chart, type ChartLang } from '../domain/charts';
import { chinaDate } from '../domain/safety-index';
import type { StaffStatistics } from '../domain/staff-statistics';
import { PERIOD_KINDS, cnDate, percent, periodOf, staffTables, type Period } from '../domain/staff-statistics-report';
import { VOLUNTARINESS_LABELS } from '../domain/voluntariness';
import { LABELS } from '../templates/labels';
import { callApi, chrome, ok, signedIn, type ConsoleContext } from './context';
import { workingDuration } from './durations';
import { fill } from './i18n';

type Figures = StaffStatistics & {
  unit: { code: string; name: string };
  from: string;
  to: string;
  units: Array<{ code: string; name: string; level: string }>;
};

const UNIT = /^[a-z0-9-]{1,64}$/;

/** The unit and period asked for in the query (a bad period: this month, and a message). */
function choiceOf(query: Record<string, unknown>, today: string): { unit?: string; period: Period; bad: boolean } {
  const str = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).slice(0, 20) : undefined);
  const unit = str('unit');
  const period = periodOf(
    {
      period: str('period'),
      year: str('year'),
      month: str('month'),
      quarter: str('quarter'),
      from: str('from'),
      to: str('to'),
    },
    today,
  );
  return {
    unit: unit && UNIT.test(unit) ? unit : undefined,
    period: period ?? periodOf({ period: 'month' }, today)!,
    bad: !period,
  };
}

const apiQuery = (unit: string | undefined, period: Period, format?: string) =>
  new URLSearchParams({
    ...(unit ? { unit } : {}),
    from: period.from,
    to: period.to,
    ...(format ? { format } : {}),
  }).toString();

/** A chart and the table behind it, as the view shows them. */
const shown = (chart: Chart, heading: string) => ({ heading, svg: chart.svg, table: chart.table });

function pageOf(ctx: ConsoleContext, f: Figures, choice: { unit?: string; period: Period }) {
  const { t, lang } = ctx;
  const w = t.stats;
  const chartLang: ChartLang = lang === 'en' ? 'en' : 'zh';
  const labels = lang === 'en' ? LABELS.en : LABELS['zh-CN'];
  const sources = (lang === 'en' ? VOLUNTARINESS_LABELS.en : VOLUNTARINESS_LABELS['zh-CN']).source as Record<
    string,
    string
  >;
  const category = (c: string) => labels.category[c] ?? c;
  const source = (s: string) => sources[s] ?? s;
  const month = (m: string) => (lang === 'en' ? m : `${Number(m.slice(0, 4))}年${Number(m.slice(5, 7))}月`);
  const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
  const byCategory = barChart({
    title: w.charts.byCategory,
    unit: w.unitCases,
    categories: f.intake.byCategory.map((x) => category(x.category)),
    series: [{ name: w.table.registered.replace(/（.*）$/, ''), values: f.intake.byCategory.map((x) => x.count) }],
    categoryLabel: w.table.category,
    lang: chartLang,
  });
  const bySource = barChart({
    title: w.charts.bySource,
    unit: w.unitCases,
    categories: f.intake.bySource.map((x) => source(x.source)),
    series: [{ name: w.table.registered.replace(/（.*）$/, ''), values: f.intake.bySource.map((x) => x.count) }],
    categoryLabel: w.table.source,
    lang: chartLang,
  });
  const monthInput = {
    title: w.charts.byMonth,
    unit: w.unitCases,
    series: [{ name: w.table.registered.replace(/（.*）$/, ''), values: f.intake.byMonth.map((x) => x.count) }],
    lang: chartLang,
  };
  // On the axis: 5月 within one year, 26年5月 across years (the table says the whole month).
  const oneYear = new Set(f.intake.byMonth.map((x) => x.month.slice(0, 4))).size === 1;
  const short = (m: string) =>
    lang === 'en' ? m : oneYear ? `${Number(m.slice(5, 7))}月` : `${m.slice(2, 4)}年${Number(m.slice(5, 7))}月`;
  const byMonth =
    f.intake.byMonth.length > 1
      ? lineChart({
          ...monthInput,
          labels: f.intake.byMonth.map((x) => short(x.month)),
          labelAxis: w.table.month,
          min: 0,
        })
      : barChart({
          ...monthInput,
          categories: f.intake.byMonth.map((x) => month(x.month)),
          categoryLabel: w.table.month,
        });
  const within = barChart({
    title: w.charts.withinShare,
    unit: w.unitPercent,
    categories: [w.charts.acceptance, w.charts.handling],
    series: [
      { name: w.table.withinShare.replace(/（.*）$/, ''), values: [pct(f.acceptance.share), pct(f.handling.share)] },
    ],
    lang: chartLang,
  });
  const rates = barChart({
    title: w.charts.rates,
    unit: w.unitPercent,
    categories: [w.charts.successRate, w.charts.escalationShare, w.charts.reportInRate, w.charts.satisfiedShare],
    series: [
      {
        name: w.table.value,
        values: [pct(f.success.rate), pct(f.escalations.share), pct(f.reportIn.rate), pct(f.satisfaction.share)],
      },
    ],
    lang: chartLang,
  });
  const tables = staffTables(f, w, { category, source, month }).filter((x) =>
    ['times', 'outcomes', 'reportIn', 'satisfaction'].includes(x.key),
  );
  // Acceptance to the minute, handling to the hour: a median is no stopwatch.
  const time = (s: number | null, step: number) =>
    s === null ? w.noData : workingDuration(Math.round(s / step) * step, 'cn-workdays', lang);
  const share = (x: number | null) => (x === null ? w.noData : `${percent(x)}${w.unitPercent}`);
  const T = w.table;
  const dates = lang === 'en' ? { from: f.from, to: f.to } : { from: cnDate(f.from), to: cnDate(f.to) };
  return {
    heading: fill(w.heading, { unit: f.unit.name, ...dates }),
    empty: f.intake.total === 0 && f.acceptance.count === 0 && f.handling.count === 0 && f.success.succeeded === 0,
    summary: [
      { label: T.registered, value: `${f.intake.total}` },
      { label: T.acceptance.replace(/（.*）$/, ''), value: time(f.acceptance.medianSeconds, 60) },
      { label: `${w.charts.acceptance} · ${T.withinShare.replace(/（.*）$/, '')}`, value: share(f.acceptance.share) },
      { label: T.handling.replace(/（.*）$/, ''), value: time(f.handling.medianSeconds, 3600) },
      { label: `${w.charts.handling} · ${T.withinShare.replace(/（.*）$/, '')}`, value: share(f.handling.share) },
      { label: w.charts.successRate, value: share(f.success.rate) },
      { label: T.escalations.replace(/（.*）$/, ''), value: `${f.escalations.count}${w.unitTimes}` },
      { label: w.charts.reportInRate, value: share(f.reportIn.rate) },
      { label: w.charts.satisfiedShare, value: share(f.satisfaction.share) },
    ],
    charts: [
      shown(byCategory, w.charts.byCategory),
      shown(bySource, w.charts.bySource),
      shown(byMonth, w.charts.byMonth),
      shown(within, w.charts.withinShare),
      shown(rates, w.charts.rates),
    ],
    tables: tables.map((x) => ({
      caption: x.name,
      heads: x.heads,
      // The times table names its rows (受理用时, 调处用时); the others are one row of figures.
      rows: x.rows.map((r) =>
        x.key === 'times'
          ? { head: String(r[0]), cells: r.slice(1).map(String) }
          : { head: null, cells: r.map(String) },
      ),
    })),
    form: formOf(ctx, f, choice),
  };
}

function formOf(ctx: ConsoleContext, f: Figures, choice: { unit?: string; period: Period }) {
  const w = ctx.t.stats;
  const p = choice.period;
  const thisYear = Number(chinaDate(new Date()).slice(0, 4));
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  return {
    units: f.units.map((u) => ({ code: u.code, name: u.name, selected: u.code === f.unit.code })),
    kinds: PERIOD_KINDS.map((k) => ({ value: k, label: w.periodKinds[k], selected: k === p.kind })),
    years: range(Math.min(p.year, thisYear - 5), thisYear).map((y) => ({
      value: y,
      label: fill(w.yearName, { y }),
      selected: y === p.year,
    })),
    months: range(1, 12).map((m) => ({ value: m, label: fill(w.monthName, { m }), selected: m === p.month })),
    quarters: range(1, 4).map((q) => ({ value: q, label: fill(w.quarterName, { q }), selected: q === p.quarter })),
    from: p.from,
    to: p.to,
  };
}

export default async function statisticsPages(app: FastifyInstance): Promise<void> {
  app.get('/console/statistics', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const choice = choiceOf(request.query as Record<string, unknown>, chinaDate(new Date()));
    const figures = ok(
      await callApi<Figures>(
        app,
        request,
        ctx,
        'GET',
        `/api/v1/statistics/staff?${apiQuery(choice.unit, choice.period)}`,
      ),
    );
    const exportQuery = apiQuery(figures.unit.code, choice.period);
    return reply.view('statistics.hbs', {
      ...chrome(ctx, 'statistics', request),
      ...pageOf(ctx, figures, choice),
      error: choice.bad ? ctx.t.stats.badPeriod : null,
      csvHref: `/console/statistics/export?${exportQuery}&format=csv`,
      xlsxHref: `/console/statistics/export?${exportQuery}&format=xlsx`,
    });
  });

  // The files, as the API makes them (the console's session stands in for the bearer token).
  app.get('/console/statistics/export', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const q = request.query as Record<string, unknown>;
    const format = q.format === 'xlsx' ? 'xlsx' : 'csv';
    const choice = choiceOf({ ...q, period: 'custom' }, chinaDate(new Date()));
    if (choice.bad) throw new AppError('validation_failed', ctx.t.stats.badPeriod);
    return forward(
      app,
      request,
      ctx,
      reply,
      `/api/v1/statistics/staff?${apiQuery(choice.unit, choice.period, format)}`,
    );
  });
}

async function forward(
  app: FastifyInstance,
  request: FastifyRequest,
  ctx: ConsoleContext,
  reply: import('fastify').FastifyReply,
  url: string,
) {
  const res = await app.inject({
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${ctx.token}` },
    remoteAddress: request.ip,
  });
  if (res.statusCode !== 200) ok({ status: res.statusCode, body: res.json() as unknown });
  return reply
    .type(String(res.headers['content-type']))
    .header('content-disposition', String(res.headers['content-disposition']))
    .send(res.rawPayload);
}
