/**
 * The staff statistics as people read them: the period chosen on the page (a month, a quarter, a year
 * or custom China dates) and the figures laid out as tables — the same tables on the page (behind each
 * chart), in the CSV and in the spreadsheet (a sheet each). Pure.
 */
import type { StaffStatistics } from './staff-statistics';

export const PERIOD_KINDS = ['month', 'quarter', 'year', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface PeriodChoice {
  period?: string;
  year?: string | number;
  month?: string | number;
  quarter?: string | number;
  from?: string;
  to?: string;
}

export interface Period {
  kind: PeriodKind;
  year: number;
  month: number;
  quarter: number;
  /** China dates, both included. */
  from: string;
  to: string;
}

const DATE = /^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const pad = (n: number): string => String(n).padStart(2, '0');
const lastDay = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
const int = (v: unknown, lo: number, hi: number, dflt: number): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,4}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= lo && n <= hi ? n : dflt;
};
/** A real calendar date (2026-02-30 is not). */
export const isChinaDate = (s: unknown): s is string =>
  typeof s === 'string' && DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/**
 * The period of a choice, as of `today` (a China date): month (default: this month), quarter, year,
 * or custom from–to. A period that includes today ends today. Undefined when a custom period is not
 * two valid dates in order.
 */
export function periodOf(choice: PeriodChoice, today: string): Period | undefined {
  const kind = (PERIOD_KINDS as readonly string[]).includes(choice.period ?? '')
    ? (choice.period as PeriodKind)
    : 'month';
  const [ty, tm] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const year = int(choice.year, 1900, 2999, ty);
  const month = int(choice.month, 1, 12, tm);
  const quarter = int(choice.quarter, 1, 4, Math.ceil(tm / 3));
  let from: string;
  let to: string;
  if (kind === 'custom') {
    if (!isChinaDate(choice.from) || !isChinaDate(choice.to) || choice.to < choice.from) return undefined;
    ({ from, to } = choice as { from: string; to: string });
  } else {
    const [m1, m2] = kind === 'month' ? [month, month] : kind === 'quarter' ? [quarter * 3 - 2, quarter * 3] : [1, 12];
    from = `${year}-${pad(m1)}-01`;
    to = `${year}-${pad(m2)}-${pad(lastDay(year, m2))}`;
    if (from <= today && today < to) to = today;
  }
  return { kind, year, month, quarter, from, to };
}

/** 2026-12-06 → 2026年12月6日 */
export const cnDate = (date: string): string =>
  `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

export type Cell = string | number;
export interface ReportTable {
  /** The sheet's name (≤ 31 characters, no []:*?/\). */
  key: string;
  name: string;
  heads: string[];
  rows: Cell[][];
}

/** The words the tables use (console/i18n/stats.ts `stats.table` and `stats.sheets`). */
export interface ReportWords {
  table: Record<
    | 'total'
    | 'category'
    | 'source'
    | 'month'
    | 'registered'
    | 'figure'
    | 'count'
    | 'median'
    | 'within'
    | 'withinShare'
    | 'acceptance'
    | 'handling'
    | 'succeeded'
    | 'failed'
    | 'successRate'
    | 'escalations'
    | 'escalatedCases'
    | 'activeCases'
    | 'escalationShare'
    | 'meetings'
    | 'summoned'
    | 'confirmed'
    | 'declined'
    | 'unanswered'
    | 'reportInRate'
    | 'visits'
    | 'satisfied'
    | 'average'
    | 'satisfiedShare'
    | 'partyRatings'
    | 'partyAverage',
    string
  >;
  sheets: Record<'byCategory' | 'bySource' | 'byMonth' | 'times' | 'outcomes' | 'reportIn' | 'satisfaction', string>;
}

/** A share 0..1 as a percentage with one decimal; a dash without data. */
export const percent = (x: number | null): Cell => (x === null ? '—' : Math.round(x * 1000) / 10);
const orDash = (x: number | null): Cell => (x === null ? '—' : x);

/** The figures as tables, in the words given; categories, sources and months by the labels given. */
export function staffTables(
  s: StaffStatistics,
  w: ReportWords,
  label: { category: (c: string) => string; source: (s: string) => string; month: (m: string) => string },
): ReportTable[] {
  const t = w.table;
  const sum = (xs: Array<{ count: number }>) => xs.reduce((n, x) => n + x.count, 0);
  return [
    {
      key: 'byCategory',
      name: w.sheets.byCategory,
      heads: [t.category, t.registered],
      rows: [
        ...s.intake.byCategory.map((x) => [label.category(x.category), x.count]),
        [t.total, sum(s.intake.byCategory)],
      ],
    },
    {
      key: 'bySource',
      name: w.sheets.bySource,
      heads: [t.source, t.registered],
      rows: [...s.intake.bySource.map((x) => [label.source(x.source), x.count]), [t.total, sum(s.intake.bySource)]],
    },
    {
      key: 'byMonth',
      name: w.sheets.byMonth,
      heads: [t.month, t.registered],
      rows: [...s.intake.byMonth.map((x) => [label.month(x.month), x.count]), [t.total, sum(s.intake.byMonth)]],
    },
    {
      key: 'times',
      name: w.sheets.times,
      heads: [t.figure, t.count, t.median, t.within, t.withinShare],
      rows: (
        [
          [t.acceptance, s.acceptance],
          [t.handling, s.handling],
        ] as const
      ).map(([name, x]) => [name, x.count, orDash(x.median), x.within, percent(x.share)]),
    },
    {
      key: 'outcomes',
      name: w.sheets.outcomes,
      heads: [t.succeeded, t.failed, t.successRate, t.escalations, t.escalatedCases, t.activeCases, t.escalationShare],
      rows: [
        [
          s.success.succeeded,
          s.success.failed,
          percent(s.success.rate),
          s.escalations.count,
          s.escalations.cases,
          s.escalations.active,
          percent(s.escalations.share),
        ],
      ],
    },
    {
      key: 'reportIn',
      name: w.sheets.reportIn,
      heads: [t.meetings, t.summoned, t.confirmed, t.declined, t.unanswered, t.reportInRate],
      rows: [
        [
          s.reportIn.meetings,
          s.reportIn.summoned,
          s.reportIn.confirmed,
          s.reportIn.declined,
          s.reportIn.unanswered,
          percent(s.reportIn.rate),
        ],
      ],
    },
    {
      key: 'satisfaction',
      name: w.sheets.satisfaction,
      heads: [t.visits, t.satisfied, t.average, t.satisfiedShare, t.partyRatings, t.partyAverage],
      rows: [
        [
          s.satisfaction.visits,
          s.satisfaction.satisfied,
          orDash(s.satisfaction.average),
          percent(s.satisfaction.share),
          s.satisfaction.partyRatings,
          orDash(s.satisfaction.partyAverage),
        ],
      ],
    },
  ];
}
