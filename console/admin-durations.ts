/**
 * SLA durations as people write them: working days and hours (or calendar days and hours), and the
 * API's representation, seconds of the policy's calendar. A working day is WORKING_DAY_SECONDS of
 * working time (the default office hours, 08:30–12:00 and 14:30–17:30: 6.5 h = 23,400 s), as the
 * demo's default policies count it (demo/seed.ts); an hour is 3,600 s of working time. A calendar
 * ("wall-clock") day is 86,400 s. Said in words by console/durations.ts.
 */
import { WORKING_DAY_SECONDS } from '../domain/calendar';
import { workingDuration } from './durations';
import type { ConsoleLang } from './i18n';

export type SlaCalendar = 'cn-workdays' | 'wall-clock';

/** Seconds in one day of the calendar. */
export const dayLength = (calendar: string): number => (calendar === 'wall-clock' ? 86_400 : WORKING_DAY_SECONDS);

/** Hours in one day of the calendar, for people: 6.5 or 24. */
export const dayHours = (calendar: string): number => dayLength(calendar) / 3600;

/** Seconds → whole days and the remaining hours (up to two decimals: 1.5 h). */
export function splitDuration(seconds: number, calendar: string): { days: number; hours: number } {
  const day = dayLength(calendar);
  const days = Math.floor(seconds / day);
  return { days, hours: Math.round(((seconds - days * day) / 3600) * 100) / 100 };
}

/** Days and hours → seconds of the calendar. */
export const joinDuration = (days: number, hours: number, calendar: string): number =>
  Math.round(days * dayLength(calendar) + hours * 3600);

/** "2个工作日4小时", "3天", "4小时", "1小时30分钟": console/durations.ts, the console's one way to say it. */
export const formatDuration = (seconds: number, calendar: string, lang: ConsoleLang): string =>
  workingDuration(seconds, calendar, lang);
