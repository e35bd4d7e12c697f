import { PassThrough } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import ExcelJS from 'exceljs';
import { zh as STATS_WORDS } from '../../console/i18n/stats';
import { Unit } from '../../db/entities';
import { HolidayStore } from '../../db/holidays';
import { DEFAULT_OFFICE_HOURS, workingDaySeconds, type OfficePeriod } from '../../domain/calendar';
import { mediationStatistics, statisticsTable, toCsv } from '../../domain/mediation-statistics';
import { chinaDate } from '../../domain/safety-index';
import { staffStatistics, type BreachRecord } from '../../domain/staff-statistics';
import { cnDate, staffTables, type Cell, type ReportTable } from '../../domain/staff-statistics-report';
import type { DisputeView } from '../../domain/types';
import { VOLUNTARINESS_LABELS } from '../../domain/voluntariness';
import { LABELS } from '../../templates/labels';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { standardErrors, stringEnum } from '../schemas/common';

const ChinaDate = (description: string) =>
  Type.String({ format: 'date', pattern: '^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$', description });

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);

/** Both statistics take a unit and a period, and answer JSON, CSV or a spreadsheet. */
const StatisticsQuery = Type.Object({
  unit: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,64}$', description: "Default: the caller's unit" })),
  from: Type.Optional(ChinaDate('First day of the period (default: the first of this month)')),
  to: Type.Optional(ChinaDate('Last day of the period, included (default: today)')),
  format: Type.Optional(stringEnum(['json', 'csv', 'xlsx'] as const)),
});
type Query = { unit?: string; from?: string; to?: string; format?: 'json' | 'csv' | 'xlsx' };

const FILE_CONTENT = {
  'text/csv': { schema: Type.String() },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: Type.String({ format: 'binary' }) },
};
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Who may read statistics and of which unit (supervisors: their own area; admins: any unit; anyone
 * else: 403), and the period (China dates, both included, as instants [fromAt, toAt)).
 */
async function scopeOf(app: FastifyInstance, request: FastifyRequest, query: Query) {
  const p = principalOf(request);
  if (p.kind !== 'staff' || (p.role !== 'supervisor' && p.role !== 'admin'))
    throw new AppError(
      'forbidden',
      '人民调解工作统计由主任（本辖区）和管理员查阅 / supervisors (their own area) and admins read the statistics',
    );
  const em = app.orm.em.fork();
  const code = query.unit ?? (p.role === 'admin' ? undefined : p.unitCode);
  const unit = code ? await em.findOne(Unit, { code }) : await em.findOne(Unit, { parentCode: null });
  if (!unit) throw new AppError('not_found', `no unit ${code ?? ''}`);
  if (p.role !== 'admin' && !(p.unitPath && unit.path.startsWith(p.unitPath)))
    throw new AppError('forbidden', '只能查阅本辖区的统计 / a supervisor reads the statistics of their own area');
  const today = chinaDate(new Date());
  const from = query.from ?? `${today.slice(0, 8)}01`;
  const to = query.to ?? today;
  if (to < from)
    throw new AppError('validation_failed', '统计期间的截止日早于起始日 / the period ends before it starts');
  const fromAt = `${from}T00:00:00+08:00`;
  const toAt = `${nextDay(to)}T00:00:00+08:00`;
  // The units the caller may choose: their area (supervisors) or the whole directory (admins).
  const areaPath = p.role === 'admin' ? '' : (p.unitPath ?? unit.path);
  return { p, em, unit, from, to, fromAt, toAt, areaPath };
}

const AREA_AND_PERIOD = (d: string) =>
  `(${d}.unit_path like ? or ${d}.origin_path like ?) and ${d}.created_at < ? and (${d}.closed_at is null or ${d}.closed_at >= ?)`;
const areaAndPeriod = (unitPath: string, fromAt: string, toAt: string) => [
  `${unitPath}%`,
  `${unitPath}%`,
  toAt,
  fromAt,
];

/** Every case registered in the subtree or handled by one of its committees, open at some point of the period. */
async function casesOf(em: EntityManager, unitPath: string, fromAt: string, toAt: string): Promise<DisputeView[]> {
  const found = await em.execute<Array<{ state: DisputeView }>>(
    `select state from disputes d where ${AREA_AND_PERIOD('d')}`,
    areaAndPeriod(unitPath, fromAt, toAt),
  );
  return found.map((r) => r.state);
}

/** Content-Disposition with an ASCII name and the Chinese one (RFC 6266, RFC 5987 `filename*`). */
export function attachment(ascii: string, chinese: string): string {
  const safe = ascii.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${safe}"; filename*=UTF-8''${encodeURIComponent(chinese).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Tables as CSV (one after another, the title first) or a spreadsheet (a sheet each, the title in its first row). */
function sendTables(
  reply: FastifyReply,
  format: 'csv' | 'xlsx',
  title: (table: ReportTable) => string,
  tables: ReportTable[],
  names: { ascii: string; chinese: string },
) {
  if (format === 'csv') {
    const lines: Cell[][] = [];
    for (const table of tables) lines.push([title(table)], table.heads, ...table.rows, []);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachment(`${names.ascii}.csv`, `${names.chinese}.csv`))
      .send(toCsv(lines.slice(0, -1)));
  }
  const stream = new PassThrough();
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true });
  for (const table of tables) {
    const sheet = book.addWorksheet(table.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31));
    sheet.addRow([title(table)]).commit();
    const head = sheet.addRow(table.heads);
    head.font = { bold: true };
    head.commit();
    for (const cells of table.rows) sheet.addRow(cells).commit();
    sheet.commit();
  }
  void book.commit().catch((err: unknown) => stream.destroy(err as Error));
  return reply
    .type(XLSX_TYPE)
    .header('content-disposition', attachment(`${names.ascii}.xlsx`, `${names.chinese}.xlsx`))
    .send(stream);
}

const holidays = new HolidayStore();

const TimeFigure = Type.Object({
  count: Type.Integer(),
  median: Type.Union([Type.Number(), Type.Null()]),
  medianSeconds: Type.Union([Type.Number(), Type.Null()]),
  within: Type.Integer(),
  share: Type.Union([Type.Number(), Type.Null()]),
});
const Share = Type.Union([Type.Number(), Type.Null()]);
const Counts = (key: string) =>
  Type.Array(Type.Object({ [key]: Type.String(), label: Type.String(), count: Type.Integer() }));

/**
 * 人民调解工作统计 (the Ministry of Justice's periodic people's-mediation statistics) and the staff's
 * figures (统计分析) for a unit's subtree and a period: supervisors for their own area, admins for any
 * unit. JSON, CSV (UTF-8 with a BOM, for Excel) or a spreadsheet (streamed).
 */
const statistics: FastifyPluginAsyncTypebox<{ officeHours?: OfficePeriod[] }> = async (app, opts) => {
  app.get(
    '/statistics/mediation',
    {
      schema: {
        tags: ['statistics'],
        summary: '人民调解工作统计: cases by type and source, success, agreements, judicial confirmations, performance',
        description:
          'For the cases registered in a unit and the units below it or handled by their committees, counted by what happened in the period (from and to, China dates, both included): ' +
          'registered, accepted (by source), mediation succeeded (an agreement took effect), failed (never an effective agreement; non-performance is not a failure), ' +
          'withdrawn, not accepted (不予受理), written and oral agreements and the money they involve, judicial confirmations applied for and confirmed, ' +
          'agreements found performed or not at a follow-up visit. Supervisors: their own area; admins: any unit. format=csv (UTF-8 with BOM) or xlsx.',
        querystring: StatisticsQuery,
        response: {
          200: {
            description: 'The table',
            content: {
              'application/json': {
                schema: Type.Object({
                  unit: Type.Object({ code: Type.String(), name: Type.String() }),
                  from: Type.String(),
                  to: Type.String(),
                  heads: Type.Array(Type.String()),
                  rows: Type.Array(Type.Array(Type.Union([Type.String(), Type.Number()]))),
                }),
              },
              ...FILE_CONTENT,
            },
          },
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const { em, unit, from, to, fromAt, toAt } = await scopeOf(app, request, request.query);
      const found = await casesOf(em, unit.path, fromAt, toAt);
      const rows = mediationStatistics(found, new Date(fromAt).toISOString(), new Date(toAt).toISOString());
      const table = statisticsTable(rows, (c) => LABELS['zh-CN'].category[c] ?? c);
      const title = `${unit.name}人民调解工作统计（${cnDate(from)}至${cnDate(to)}）`;
      const format = request.query.format ?? 'json';
      if (format !== 'json')
        return sendTables(
          reply,
          format,
          () => title,
          [{ key: 'mediation', name: '人民调解工作统计', heads: table.heads, rows: table.cells }],
          { ascii: `mediation-statistics-${unit.code}-${from}-${to}`, chinese: title },
        );
      return { unit: { code: unit.code, name: unit.name }, from, to, heads: table.heads, rows: table.cells };
    },
  );

  app.get(
    '/statistics/staff',
    {
      schema: {
        tags: ['statistics'],
        summary:
          '统计分析: intake, acceptance and handling times against the SLA, success, escalations, report-in, satisfaction',
        description:
          'For the cases of a unit and the units below it, in the period (China dates, both included): intake by category, source and month; ' +
          'acceptance time (working hours, from the arrival at the unit that accepted) and handling time (working days, from acceptance to the effective agreement or the closing) ' +
          'with their medians and the share within the deadline (no deadline breach recorded); the success rate; escalations and their share of the active cases; ' +
          'the report-in of agencies summoned to joint mediations (报到率); satisfaction at follow-up visits (1–5, satisfied at 4 or 5). ' +
          'Shares are 0..1 in JSON and percentages in the files. Supervisors: their own area; admins: any unit. format=csv (UTF-8 with BOM, the tables one after another) or xlsx (a sheet per table). ' +
          '`units`: the units the caller may choose.',
        querystring: StatisticsQuery,
        response: {
          200: {
            description: 'The figures',
            content: {
              'application/json': {
                schema: Type.Object({
                  unit: Type.Object({ code: Type.String(), name: Type.String() }),
                  from: Type.String(),
                  to: Type.String(),
                  units: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() })),
                  intake: Type.Object({
                    total: Type.Integer(),
                    byCategory: Counts('category'),
                    bySource: Counts('source'),
                    byMonth: Counts('month'),
                  }),
                  acceptance: TimeFigure,
                  handling: TimeFigure,
                  success: Type.Object({ succeeded: Type.Integer(), failed: Type.Integer(), rate: Share }),
                  escalations: Type.Object({
                    count: Type.Integer(),
                    cases: Type.Integer(),
                    active: Type.Integer(),
                    share: Share,
                  }),
                  reportIn: Type.Object({
                    meetings: Type.Integer(),
                    summoned: Type.Integer(),
                    confirmed: Type.Integer(),
                    declined: Type.Integer(),
                    unanswered: Type.Integer(),
                    rate: Share,
                  }),
                  satisfaction: Type.Object({
                    visits: Type.Integer(),
                    satisfied: Type.Integer(),
                    average: Share,
                    share: Share,
                    partyRatings: Type.Integer(),
                    partyAverage: Share,
                  }),
                }),
              },
              ...FILE_CONTENT,
            },
          },
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const { em, unit, from, to, fromAt, toAt, areaPath } = await scopeOf(app, request, request.query);
      const found = await casesOf(em, unit.path, fromAt, toAt);
      // The breaches of the same cases (one query, however many cases: no list of ids).
      const breaches = await em.execute<Array<{ dispute_id: string; kind: string; at: Date }>>(
        `select e.dispute_id, e.payload->>'kind' as kind, e.at from dispute_events e join disputes d on d.id = e.dispute_id
         where e.type = 'deadline_breached' and ${AREA_AND_PERIOD('d')}`,
        areaAndPeriod(unit.path, fromAt, toAt),
      );
      const calendar = {
        kind: 'cn-workdays' as const,
        // The deployment's office hours (OFFICE_HOURS), as the deadlines are counted.
        officeHours: opts.officeHours ?? DEFAULT_OFFICE_HOURS,
        holidays: await holidays.tableFor(em, unit.path),
      };
      const figures = staffStatistics(found, new Date(fromAt).toISOString(), new Date(toAt).toISOString(), {
        breaches: breaches.map((b): BreachRecord => ({
          disputeId: b.dispute_id,
          kind: b.kind,
          at: new Date(b.at).toISOString(),
        })),
        calendar,
        workingDaySeconds: workingDaySeconds(calendar),
      });
      const category = (c: string) => LABELS['zh-CN'].category[c] ?? c;
      const source = (s: string) => (VOLUNTARINESS_LABELS['zh-CN'].source as Record<string, string>)[s] ?? s;
      const month = (m: string) => `${Number(m.slice(0, 4))}年${Number(m.slice(5, 7))}月`;
      const format = request.query.format ?? 'json';
      if (format !== 'json') {
        const w = STATS_WORDS.stats;
        const period = { unit: unit.name, from: cnDate(from), to: cnDate(to) };
        const fill = (s: string, v: Record<string, string>) => s.replace(/\{(\w+)\}/g, (x, k: string) => v[k] ?? x);
        return sendTables(
          reply,
          format,
          (table) => fill(w.sheetTitle, { ...period, sheet: table.name }),
          staffTables(figures, w, { category, source, month }),
          { ascii: `staff-statistics-${unit.code}-${from}-${to}`, chinese: fill(w.file, period) },
        );
      }
      const units = await em.find(Unit, { path: { $like: `${areaPath}%` } }, { orderBy: { path: 'asc' } });
      return {
        unit: { code: unit.code, name: unit.name },
        from,
        to,
        units: units.map((u) => ({ code: u.code, name: u.name, level: u.level })),
        ...figures,
        intake: {
          total: figures.intake.total,
          byCategory: figures.intake.byCategory.map((x) => ({ ...x, label: category(x.category) })),
          bySource: figures.intake.bySource.map((x) => ({ ...x, label: source(x.source) })),
          byMonth: figures.intake.byMonth.map((x) => ({ ...x, label: month(x.month) })),
        },
      };
    },
  );
};

export default statistics;
