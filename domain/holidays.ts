/**
 * Holiday arrangements (节假日安排) as data: for each year, the days off and the make-up working
 * days (调休上班日) that the State Council's notice (国务院办公厅关于某年部分节假日安排的通知) sets
 * nationally, and the additions a region (a unit of the directory and its subtree) makes for itself,
 * e.g. an autonomous area's own festival.
 *
 * This module is pure: it validates an arrangement as entered, and folds the arrangements that
 * apply to one unit into a {@link HolidayTable} that the deadline arithmetic in `calendar.ts` reads.
 * Where they come from (PostgreSQL, revisions, who entered them) is `db/holidays.ts`.
 *
 * The seed is the `chinese-days` package's table (2004–2026, checked against the State Council
 * notices for 2025 and 2026): migrations copy it into PostgreSQL, and it stays here as the table of
 * pure unit tests and of deadlines computed before arrangements were data (no revision recorded).
 */
// The package's prebuilt table, not its functions: `isWorkday()` & co. build their tables with the
// machine's local time zone at load time and are a day off west of UTC. The JSON is keyed by
// plain 'YYYY-MM-DD' dates, independent of the time zone.
import chineseDays from 'chinese-days/dist/chinese-days.json';

export type HolidayDayKind = 'off' | 'work';

/** One day that differs from Monday–Friday: a day off (放假), or a weekend day worked (调休上班). */
export interface HolidayDay {
  date: string;
  kind: HolidayDayKind;
  /** The holiday it belongs to, as the notice names it: 元旦, 春节, 国庆节, … */
  name?: string;
}

/** The arrangement of one year for the whole country (`region` null) or for one unit's subtree. */
export interface Arrangement {
  region: string | null;
  /** The region's materialised path (`/changde/…/`), for matching a unit's subtree. */
  regionPath?: string | null;
  year: number;
  /** The revision (a number that only grows, across all arrangements) that last set it. */
  revision: number;
  days: HolidayDay[];
}

/** The working-day exceptions that apply to one place, and where they came from. */
export interface HolidayTable {
  /** The highest revision among the arrangements folded in; 0 for the built-in seed. */
  revision: number;
  /** Day number (days since 1970-01-01) → true: a make-up working day, false: a day off. */
  exceptions: ReadonlyMap<number, boolean>;
  /** The years that have a national arrangement; a deadline running into any other is provisional. */
  years: ReadonlySet<number>;
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a valid 'YYYY-MM-DD' date; NaN otherwise. */
export function dayNumberOf(date: string): number {
  const m = DATE.exec(date);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === date ? ms / DAY_MS : NaN;
}

/** 0 = Sunday … 6 = Saturday, of a day number (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

const WEEKDAY_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** The arrangements that apply to a unit at `unitPath`: the national ones, then each region above it, outermost first. */
export function applicable(arrangements: readonly Arrangement[], unitPath?: string | null): Arrangement[] {
  const national = arrangements.filter((a) => a.region === null);
  const regional = arrangements
    .filter((a) => a.region !== null && !!a.regionPath && !!unitPath && unitPath.startsWith(a.regionPath))
    .sort((a, b) => a.regionPath!.length - b.regionPath!.length || a.year - b.year);
  return [...national.sort((a, b) => a.year - b.year), ...regional];
}

/**
 * The table for a unit: national days first, then each enclosing region's, the nearer region last
 * (so a region may declare a day off, or a make-up day, on top of the national arrangement).
 */
export function buildHolidayTable(arrangements: readonly Arrangement[], unitPath?: string | null): HolidayTable {
  const exceptions = new Map<number, boolean>();
  const years = new Set<number>();
  let revision = 0;
  for (const a of applicable(arrangements, unitPath)) {
    if (a.region === null) years.add(a.year);
    revision = Math.max(revision, a.revision);
    for (const d of a.days) exceptions.set(dayNumberOf(d.date), d.kind === 'work');
  }
  return { revision, exceptions, years };
}

/** The seed: chinese-days 1.5.7's table (2004–2026), as national arrangements of revision 0. */
export function seedArrangements(): Arrangement[] {
  const byYear = new Map<number, HolidayDay[]>();
  const add = (entries: Record<string, string>, kind: HolidayDayKind) => {
    for (const [date, label] of Object.entries(entries)) {
      const year = Number(date.slice(0, 4));
      // The package's value is "English name,中文名,days".
      const name = label.split(',')[1];
      (byYear.get(year) ?? byYear.set(year, []).get(year)!).push({ date, kind, ...(name ? { name } : {}) });
    }
  };
  add(chineseDays.holidays as Record<string, string>, 'off');
  add(chineseDays.workdays as Record<string, string>, 'work');
  return [...byYear.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, days]) => ({
      region: null,
      year,
      revision: 0,
      days: days.sort((a, b) => a.date.localeCompare(b.date)),
    }));
}

/** The built-in seed table (national, chinese-days), for pure tests and for deadlines with no revision. */
export const SEED_HOLIDAYS: HolidayTable = buildHolidayTable(seedArrangements());

/** The first and last year of the seed (2004–2026 in chinese-days 1.5.7). */
export const SEED_YEARS: { first: number; last: number } = {
  first: Math.min(...SEED_HOLIDAYS.years),
  last: Math.max(...SEED_HOLIDAYS.years),
};

/** Beijing calendar year of an instant (UTC+8, no daylight saving since 1991). */
export const beijingYear = (ms: number): number => new Date(ms + 8 * 3_600_000).getUTCFullYear();

/** The years in [fromMs, toMs] (Beijing time) for which the table has no national arrangement. */
export function missingYears(table: HolidayTable, fromMs: number, toMs: number): number[] {
  const missing: number[] = [];
  for (let y = beijingYear(fromMs); y <= beijingYear(Math.max(fromMs, toMs)); y++)
    if (!table.years.has(y)) missing.push(y);
  return missing;
}

/** A problem with an arrangement as entered, in Chinese first, then English. */
export interface ArrangementProblem {
  /** Where: `days[3].date`, `year`, … */
  at: string;
  message: string;
}

export const MAX_DAYS_PER_YEAR = 120;

/**
 * Checks an arrangement before it is stored: every date is a real date in `year`, listed once; a
 * make-up working day is a Saturday or Sunday (a weekday is a working day already); nothing more
 * than {@link MAX_DAYS_PER_YEAR} days. Returns every problem found (empty when it is sound).
 */
export function checkArrangement(year: number, days: readonly HolidayDay[]): ArrangementProblem[] {
  const problems: ArrangementProblem[] = [];
  if (!Number.isInteger(year) || year < 1990 || year > 2200) {
    problems.push({
      at: 'year',
      message: `年份 ${year} 不在 1990–2200 之内 / year ${year} is not between 1990 and 2200`,
    });
    return problems;
  }
  if (days.length > MAX_DAYS_PER_YEAR) {
    problems.push({
      at: 'days',
      message: `一年最多 ${MAX_DAYS_PER_YEAR} 天 / at most ${MAX_DAYS_PER_YEAR} days a year, got ${days.length}`,
    });
  }
  const seen = new Map<string, number>();
  days.forEach((d, i) => {
    const at = `days[${i}]`;
    const day = dayNumberOf(d.date);
    if (Number.isNaN(day)) {
      problems.push({
        at: `${at}.date`,
        message: `“${d.date}”不是有效日期（YYYY-MM-DD）/ not a calendar date "YYYY-MM-DD"`,
      });
      return;
    }
    if (Number(d.date.slice(0, 4)) !== year) {
      problems.push({ at: `${at}.date`, message: `${d.date} 不属于 ${year} 年 / ${d.date} is not in ${year}` });
    }
    const first = seen.get(d.date);
    if (first !== undefined) {
      problems.push({
        at: `${at}.date`,
        message: `${d.date} 重复（又见 days[${first}]）/ listed twice (see days[${first}])`,
      });
    }
    seen.set(d.date, i);
    const weekday = weekdayOf(day);
    if (d.kind === 'work' && weekday !== 0 && weekday !== 6) {
      problems.push({
        at: `${at}.kind`,
        message: `${d.date} 是${WEEKDAY_ZH[weekday]}，本就是工作日，不是调休上班日 / ${d.date} is a weekday, a working day already: only a Saturday or Sunday can be a make-up working day`,
      });
    }
  });
  return problems;
}

/** Days in an arrangement that differ from another one's (added, removed or changed), sorted. */
export function changedDates(before: readonly HolidayDay[], after: readonly HolidayDay[]): string[] {
  const a = new Map(before.map((d) => [d.date, d.kind]));
  const b = new Map(after.map((d) => [d.date, d.kind]));
  const dates = new Set<string>();
  for (const [date, kind] of a) if (b.get(date) !== kind) dates.add(date);
  for (const [date, kind] of b) if (a.get(date) !== kind) dates.add(date);
  return [...dates].sort();
}
