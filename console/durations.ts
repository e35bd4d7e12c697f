/**
 * Durations as people in the offices say them: a deadline that counts working days reads
 * "2个工作日4小时" ("2 working days 4 h"), one on the wall clock "3天4小时" ("3 days 4 h"), and a
 * count of calendar days "3天" ("3 days").
 *
 * A working day is the calendar's own (domain/calendar.ts `workingDaySeconds`): with the default
 * office hours 08:30–12:00 and 14:30–17:30 that is 6.5 h, so 23,400 s read "1个工作日" and
 * 30,600 s "1个工作日2小时". The wall clock's day is 24 h.
 *
 * Stable signatures (other parts of the console call them): `workingDuration`, `calendarDays`,
 * `durationParts`, `secondsOfParts`.
 */
import { workingDaySeconds, type CalendarKind, type CalendarSpec } from '../domain/calendar';
import type { ConsoleLang } from './i18n';

/** A calendar by its kind as SLA policies store it ('cn-workdays' | 'wall-clock'), or a full spec. */
export type DurationCalendar = CalendarKind | CalendarSpec | string;

export interface DurationParts {
  /** Whole days of the calendar: working days for `cn-workdays`, 24-hour days on the wall clock. */
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  /** Whether `days` counts working days. */
  working: boolean;
}

const WORDS = {
  'zh-CN': {
    workingDay: (n: number) => `${n}个工作日`,
    day: (n: number) => `${n}天`,
    hour: (n: number) => `${n}小时`,
    minute: (n: number) => `${n}分钟`,
    second: (n: number) => `${n}秒`,
    join: '',
  },
  en: {
    workingDay: (n: number) => `${n} working day${n === 1 ? '' : 's'}`,
    day: (n: number) => `${n} day${n === 1 ? '' : 's'}`,
    hour: (n: number) => `${n} h`,
    minute: (n: number) => `${n} min`,
    second: (n: number) => `${n} s`,
    join: ' ',
  },
} as const;

const wordsOf = (lang: ConsoleLang | string) => (lang === 'en' ? WORDS.en : WORDS['zh-CN']);

function specOf(calendar: DurationCalendar): CalendarSpec {
  if (typeof calendar === 'object' && calendar) return calendar;
  return calendar === 'cn-workdays' ? { kind: 'cn-workdays' } : { kind: 'wall-clock' };
}

/** Seconds split into the calendar's days, hours, minutes and seconds (of a non-negative amount). */
export function durationParts(seconds: number, calendar: DurationCalendar): DurationParts {
  const spec = specOf(calendar);
  const dayS = workingDaySeconds(spec);
  let rest = Math.max(0, Math.round(Math.abs(seconds)));
  const days = Math.floor(rest / dayS);
  rest -= days * dayS;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  return { days, hours, minutes, seconds: rest - minutes * 60, working: spec.kind === 'cn-workdays' };
}

/** The inverse of `durationParts`: days of the calendar plus hours, minutes, seconds, in seconds. */
export function secondsOfParts(
  parts: Partial<Pick<DurationParts, 'days' | 'hours' | 'minutes' | 'seconds'>>,
  calendar: DurationCalendar,
): number {
  const n = (v: number | undefined) => (Number.isFinite(v) ? Number(v) : 0);
  return Math.round(
    n(parts.days) * workingDaySeconds(specOf(calendar)) +
      n(parts.hours) * 3600 +
      n(parts.minutes) * 60 +
      n(parts.seconds),
  );
}

/**
 * A duration in the calendar's terms: `cn-workdays` → "2个工作日4小时" / "2 working days 4 h",
 * `wall-clock` → "2天4小时" / "2 days 4 h". Zero units are left out ("1个工作日30分钟"); zero reads
 * "0小时" / "0 h"; a negative amount gets a leading "-".
 */
export function workingDuration(seconds: number, calendar: DurationCalendar, lang: ConsoleLang | string): string {
  if (!Number.isFinite(seconds)) return '—';
  const w = wordsOf(lang);
  const p = durationParts(seconds, calendar);
  const out: string[] = [];
  if (p.days) out.push(p.working ? w.workingDay(p.days) : w.day(p.days));
  if (p.hours) out.push(w.hour(p.hours));
  if (p.minutes) out.push(w.minute(p.minutes));
  if (p.seconds) out.push(w.second(p.seconds));
  if (!out.length) return w.hour(0);
  return (seconds < 0 ? '-' : '') + out.join(w.join);
}

/** A count of calendar days: "3天" / "3 days". */
export function calendarDays(days: number, lang: ConsoleLang | string): string {
  return wordsOf(lang).day(days);
}
