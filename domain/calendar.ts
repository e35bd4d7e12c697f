/**
 * Deadline arithmetic for SLA clocks: how much *working time* lies between two instants, and
 * when a given amount of it will have elapsed.
 *
 * Two calendars:
 * - `cn-workdays`: China's official working days (weekdays, plus the 调休 make-up weekend
 *   workdays, minus statutory holidays, from a {@link HolidayTable}: the arrangements entered in
 *   PostgreSQL, see `holidays.ts`; the built-in seed by default), and within those only the office
 *   hours, read in Beijing time. Default hours 08:30–12:00 and 14:30–17:30.
 * - `wall-clock`: every second counts.
 *
 * Pure and deterministic (safe in workflow code): no I/O, and no use of the machine's time zone.
 * Asia/Shanghai has been UTC+8 all year round since 1991, so Beijing wall time is simply
 * UTC + 8 h: every calendar computation below shifts by 8 h and counts whole days from the epoch.
 *
 * Internally everything is in integer milliseconds, so instants keep their millisecond part and
 * the arithmetic is exact.
 */
import { SEED_HOLIDAYS, SEED_YEARS, dayNumberOf, weekdayOf, type HolidayTable } from './holidays';

export type CalendarKind = 'cn-workdays' | 'wall-clock';

/** A daily office period in Beijing time, 'HH:MM'-'HH:MM' (the end may be '24:00'). */
export interface OfficePeriod {
  start: string;
  end: string;
}

export interface CalendarSpec {
  kind: CalendarKind;
  /** Only for `cn-workdays`: sorted, non-overlapping periods. Defaults to DEFAULT_OFFICE_HOURS. */
  officeHours?: OfficePeriod[];
  /** Only for `cn-workdays`: the holiday arrangements that apply. Defaults to the built-in seed (2004–2026). */
  holidays?: HolidayTable;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

// Frozen so that no caller can change everybody's default hours by mutating the shared array.
export const DEFAULT_OFFICE_HOURS: OfficePeriod[] = Object.freeze([
  Object.freeze({ start: '08:30', end: '12:00' }),
  Object.freeze({ start: '14:30', end: '17:30' }),
]) as OfficePeriod[];

/** A period as [start, end) in milliseconds after Beijing midnight. */
type Span = readonly [number, number];

const CLOCK = /^(\d{2}):(\d{2})$/;

function parseClock(value: unknown, what: string): number {
  const m = typeof value === 'string' ? CLOCK.exec(value) : null;
  const hours = Number(m?.[1]);
  const minutes = Number(m?.[2]);
  if (!m || minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) {
    throw new Error(
      `Invalid office hours: ${what} is ${JSON.stringify(value)}, expected a time "HH:MM" from 00:00 to 24:00`,
    );
  }
  return (hours * 60 + minutes) * MINUTE_MS;
}

/**
 * Validates office hours and turns them into millisecond spans. Throws an Error naming the
 * offending period if one is malformed, empty or reversed, or if the list is empty, unsorted
 * or overlapping. (Periods may touch: 12:00–13:00 then 13:00–14:00 is fine.)
 */
export function parseOfficeHours(periods: readonly OfficePeriod[]): Span[] {
  if (!Array.isArray(periods) || periods.length === 0) {
    throw new Error('Invalid office hours: at least one period is required');
  }
  const spans: Span[] = [];
  let previousEnd = 0;
  periods.forEach((p: Partial<OfficePeriod> | null | undefined, i) => {
    const name = `period ${i + 1}`;
    const start = parseClock(p?.start, `${name} start`);
    const end = parseClock(p?.end, `${name} end`);
    if (end <= start) throw new Error(`Invalid office hours: ${name} (${p?.start}-${p?.end}) must end after it starts`);
    if (start < previousEnd) {
      throw new Error(
        `Invalid office hours: ${name} (${p?.start}-${p?.end}) overlaps or precedes the period before it; periods must be sorted and non-overlapping`,
      );
    }
    previousEnd = end;
    spans.push([start, end]);
  });
  return spans;
}

const spanTotal = (spans: readonly Span[]): number => spans.reduce((sum, [s, e]) => sum + e - s, 0);

/** Working seconds in one full working day with the default office hours: 6.5 h = 23,400. */
export const WORKING_DAY_SECONDS: number = spanTotal(parseOfficeHours(DEFAULT_OFFICE_HOURS)) / 1000;

// ---- China's working days ------------------------------------------------------------------

/**
 * The calendar years the built-in seed covers (2004–2026 in chinese-days 1.5.7). Deadlines are
 * computed from the arrangements in PostgreSQL, which start from this seed; a year without a
 * national arrangement falls back to plain Monday–Friday and makes a deadline provisional.
 */
export const HOLIDAY_DATA_YEARS: { first: number; last: number } = SEED_YEARS;

/** Days since 1970-01-01 in Beijing time; day `d` starts at UTC ms `d * DAY_MS - 8 h`. */
const beijingDay = (ms: number): number => Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
const dayStartMs = (day: number): number => day * DAY_MS - BEIJING_OFFSET_MS;

function isWorkdayNumber(day: number, table: HolidayTable): boolean {
  const weekday = weekdayOf(day);
  return table.exceptions.get(day) ?? (weekday >= 1 && weekday <= 5);
}

/** Whether a Beijing calendar date 'YYYY-MM-DD' is an official working day in `table` (the seed by default). */
export function isChineseWorkday(date: string, table: HolidayTable = SEED_HOLIDAYS): boolean {
  const day = dayNumberOf(date);
  if (Number.isNaN(day)) throw new RangeError(`Not a calendar date "YYYY-MM-DD": ${JSON.stringify(date)}`);
  return isWorkdayNumber(day, table);
}

// ---- Calendars ------------------------------------------------------------------------------

type Resolved = { kind: 'wall-clock' } | { kind: 'cn-workdays'; spans: Span[]; dayMs: number; table: HolidayTable };

function resolve(cal: CalendarSpec): Resolved {
  // Office hours are validated even for wall-clock: a bad configuration should fail loudly.
  const spans = parseOfficeHours(cal.officeHours ?? DEFAULT_OFFICE_HOURS);
  if (cal.kind === 'wall-clock') return { kind: 'wall-clock' };
  if (cal.kind === 'cn-workdays')
    return { kind: 'cn-workdays', spans, dayMs: spanTotal(spans), table: cal.holidays ?? SEED_HOLIDAYS };
  throw new Error(`Unknown calendar kind ${JSON.stringify((cal as { kind: unknown }).kind)}`);
}

/** Working seconds in one full working day of this calendar (86,400 for wall-clock). */
export function workingDaySeconds(cal: CalendarSpec): number {
  const r = resolve(cal);
  return r.kind === 'wall-clock' ? DAY_MS / 1000 : r.dayMs / 1000;
}

function instant(t: Date, name: string): number {
  const ms = t?.getTime?.();
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new RangeError(`${name} is not a valid Date`);
  return ms;
}

/**
 * The first instant u >= fromMs with `amount` ms of working time in [fromMs, u). For amount > 0
 * that is inside a working period or exactly at a period's end (12:00:00, not 14:30), and a
 * start off-hours effectively starts at the next period's start. Taking the *first* such instant
 * is what makes add(add(t, a), b) === add(t, a + b).
 */
function addMs(fromMs: number, amount: number, r: Resolved): number {
  if (amount === 0 || r.kind === 'wall-clock') return fromMs + amount;
  let remaining = amount;
  let day = beijingDay(fromMs);
  let offset = fromMs - dayStartMs(day);
  for (;;) {
    if (isWorkdayNumber(day, r.table)) {
      if (offset === 0 && remaining > r.dayMs) {
        remaining -= r.dayMs; // the whole day fits: skip it without looking at its periods
      } else {
        for (const [s, e] of r.spans) {
          if (offset >= e) continue;
          const start = Math.max(offset, s);
          if (remaining <= e - start) return dayStartMs(day) + start + remaining;
          remaining -= e - start;
        }
      }
    }
    day += 1;
    offset = 0;
  }
}

/** Working ms in [aMs, bMs); one step per calendar day in between. */
function betweenMs(aMs: number, bMs: number, r: Resolved): number {
  if (bMs <= aMs) return 0;
  if (r.kind === 'wall-clock') return bMs - aMs;
  const firstDay = beijingDay(aMs);
  const lastDay = beijingDay(bMs);
  let total = 0;
  for (let day = firstDay; day <= lastDay; day++) {
    if (!isWorkdayNumber(day, r.table)) continue;
    const lo = day === firstDay ? aMs - dayStartMs(day) : 0;
    const hi = day === lastDay ? bMs - dayStartMs(day) : DAY_MS;
    for (const [s, e] of r.spans) total += Math.max(0, Math.min(e, hi) - Math.max(s, lo));
  }
  return total;
}

// ---- Public API -----------------------------------------------------------------------------

/**
 * The instant at which `seconds` (>= 0, integer) of working time have elapsed since `from`.
 * seconds = 0 returns `from` unchanged (as a new Date). With seconds > 0 the result is never
 * off-hours or on a non-working day: it is inside a working period or exactly at a period's end.
 * Wall-clock: from + seconds.
 */
export function addWorkingTime(from: Date, seconds: number, cal: CalendarSpec): Date {
  const fromMs = instant(from, 'from');
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new RangeError(`seconds must be a non-negative integer, got ${seconds}`);
  }
  return new Date(addMs(fromMs, seconds * 1000, resolve(cal)));
}

/**
 * Working seconds in [a, b); 0 if b <= a. Wall-clock: (b - a) in seconds.
 * The result is exact to the millisecond, so it has a fractional part when a and b differ in
 * their milliseconds (e.g. 1.5). We do not round: rounding would break
 * workingSecondsBetween(t, addWorkingTime(t, s)) === s and the sum of adjacent intervals.
 * It is a whole number whenever a and b have the same milliseconds.
 */
export function workingSecondsBetween(a: Date, b: Date, cal: CalendarSpec): number {
  return betweenMs(instant(a, 'a'), instant(b, 'b'), resolve(cal)) / 1000;
}

/** True if `t` lies inside a working period of a working day (start inclusive, end exclusive). Always true for wall-clock. */
export function isWorkingInstant(t: Date, cal: CalendarSpec): boolean {
  const ms = instant(t, 't');
  const r = resolve(cal);
  if (r.kind === 'wall-clock') return true;
  const day = beijingDay(ms);
  const offset = ms - dayStartMs(day);
  return isWorkdayNumber(day, r.table) && r.spans.some(([s, e]) => s <= offset && offset < e);
}

/**
 * A deadline `due` that was running when the clock was suspended at `suspendedAt` and resumed at
 * `resumedAt`: the new due instant, later by exactly the working time in [suspendedAt, resumedAt).
 * If suspendedAt >= due, due is returned unchanged (it had already passed); so is it when no
 * working time was suspended (e.g. suspended overnight), or resumedAt <= suspendedAt.
 */
export function extendForSuspension(due: Date, suspendedAt: Date, resumedAt: Date, cal: CalendarSpec): Date {
  const dueMs = instant(due, 'due');
  const sMs = instant(suspendedAt, 'suspendedAt');
  const rMs = instant(resumedAt, 'resumedAt');
  const r = resolve(cal);
  if (sMs >= dueMs) return new Date(dueMs);
  return new Date(addMs(dueMs, betweenMs(sMs, rMs, r), r));
}

/**
 * Re-planning an instant for a changed calendar: the instant after `from` that leaves the same
 * working time in [from, result) under `next` as [from, t) held under `before`. What has elapsed
 * before `from` is not recounted; an instant at or before `from` is returned unchanged.
 * When both calendars agree on every day in between, the result is `t` itself.
 */
export function replanInstant(t: Date, from: Date, before: CalendarSpec, next: CalendarSpec): Date {
  const tMs = instant(t, 't');
  const fromMs = instant(from, 'from');
  if (tMs <= fromMs) return new Date(tMs);
  const remaining = betweenMs(fromMs, tMs, resolve(before));
  return new Date(addMs(fromMs, remaining, resolve(next)));
}
