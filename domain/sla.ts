import {
  addWorkingTime,
  extendForSuspension,
  isChineseWorkday,
  replanInstant,
  type CalendarSpec,
  type OfficePeriod,
} from './calendar';
import { SEED_HOLIDAYS, missingYears, type HolidayTable } from './holidays';
import type { Deadline, DeadlineKind, DisputeView } from './types';

export interface SlaRule {
  category: string;
  priority: string;
  level: string;
  acceptSeconds: number;
  handlingSeconds: number;
  reportInSeconds: number;
  signatureSeconds: number;
  followUpDays: number;
  warningShare: number;
  autoEscalate: boolean;
  calendar: string;
}

/** The most specific rule for (category, priority, level); `*` matches anything. */
export function pickRule<R extends Pick<SlaRule, 'category' | 'priority' | 'level'>>(
  rules: R[],
  want: { category: string; priority: string; level: string },
): R | undefined {
  const score = (r: R): number =>
    (r.category === want.category ? 4 : r.category === '*' ? 0 : -99) +
    (r.priority === want.priority ? 2 : r.priority === '*' ? 0 : -99) +
    (r.level === want.level ? 1 : r.level === '*' ? 0 : -99);
  let best: R | undefined;
  for (const r of rules) if (score(r) >= 0 && (!best || score(r) > score(best))) best = r;
  return best;
}

export function calendarOf(
  rule: Pick<SlaRule, 'calendar'>,
  officeHours?: OfficePeriod[],
  holidays?: HolidayTable,
): CalendarSpec {
  return rule.calendar === 'cn-workdays' ? { kind: 'cn-workdays', officeHours, holidays } : { kind: 'wall-clock' };
}

/** The calendar a recorded deadline runs on, with the holiday table given (the seed if none). */
export function calendarOfDeadline(
  d: Pick<Deadline, 'calendar'>,
  officeHours?: OfficePeriod[],
  holidays?: HolidayTable,
): CalendarSpec {
  return d.calendar === 'cn-workdays' ? { kind: 'cn-workdays', officeHours, holidays } : { kind: 'wall-clock' };
}

/** What a `cn-workdays` deadline records of the holiday data it was computed with: the revision, and the years it lacked. */
function provenance(
  cal: CalendarSpec,
  startedAt: string,
  dueAt: string,
): Pick<Deadline, 'calendarRevision' | 'provisionalYears'> {
  if (cal.kind !== 'cn-workdays') return {};
  const table = cal.holidays ?? SEED_HOLIDAYS;
  const missing = missingYears(table, Date.parse(startedAt), Date.parse(dueAt));
  return { calendarRevision: table.revision, ...(missing.length ? { provisionalYears: missing } : {}) };
}

/** A deadline `seconds` of the calendar's time after `from`, warned at `warningShare` of it. */
export function deadlineAfter(
  kind: DeadlineKind,
  from: Date,
  seconds: number,
  opts: { warningShare: number; autoEscalate: boolean; calendar: CalendarSpec },
): Deadline {
  const due = addWorkingTime(from, seconds, opts.calendar);
  // At least one second of working time: a warning at 0 would sit at `from`, which may be off-hours.
  const warn = addWorkingTime(from, Math.max(1, Math.round(seconds * opts.warningShare)), opts.calendar);
  return {
    kind,
    startedAt: from.toISOString(),
    warnAt: warn.toISOString(),
    dueAt: due.toISOString(),
    warned: false,
    breached: false,
    autoEscalate: opts.autoEscalate,
    calendar: opts.calendar.kind,
    ...provenance(opts.calendar, from.toISOString(), due.toISOString()),
  };
}

/** The deadline after a suspension: later by exactly the working time the clock was stopped. */
export function resumeDeadline(
  d: Deadline,
  resumedAt: Date,
  officeHours?: OfficePeriod[],
  holidays?: HolidayTable,
): Deadline {
  if (!d.pausedAt) return d;
  const cal = calendarOfDeadline(d, officeHours, holidays);
  const pausedAt = new Date(d.pausedAt);
  const { pausedAt: _p, provisionalYears: _y, ...rest } = d;
  const dueAt = extendForSuspension(new Date(d.dueAt), pausedAt, resumedAt, cal).toISOString();
  return {
    ...rest,
    dueAt,
    warnAt: extendForSuspension(new Date(d.warnAt), pausedAt, resumedAt, cal).toISOString(),
    ...provenance(cal, d.startedAt, dueAt),
  };
}

/**
 * A running `cn-workdays` deadline re-planned for changed holiday arrangements: from `at` (or from
 * where its clock stopped, if suspended) the same working time remains as under the table it was
 * computed with, now counted on the new table. An instant already passed, a warning already given
 * and a wall-clock deadline stay as they are. Returns the deadline unchanged (the same object) when
 * nothing moves and its provenance is the same.
 */
export function replanDeadline(
  d: Deadline,
  at: Date,
  before: HolidayTable,
  next: HolidayTable,
  officeHours?: OfficePeriod[],
): Deadline {
  if (d.calendar !== 'cn-workdays' || d.breached) return d;
  const from = d.pausedAt ? new Date(d.pausedAt) : at;
  const oldCal = calendarOfDeadline(d, officeHours, before);
  const newCal = calendarOfDeadline(d, officeHours, next);
  const dueAt = replanInstant(new Date(d.dueAt), from, oldCal, newCal).toISOString();
  const warnAt = d.warned ? d.warnAt : replanInstant(new Date(d.warnAt), from, oldCal, newCal).toISOString();
  const { provisionalYears: _y, calendarRevision: _r, ...rest } = d;
  const moved: Deadline = { ...rest, warnAt, dueAt, ...provenance(newCal, d.startedAt, dueAt) };
  const same =
    moved.dueAt === d.dueAt &&
    moved.warnAt === d.warnAt &&
    moved.calendarRevision === d.calendarRevision &&
    JSON.stringify(moved.provisionalYears ?? []) === JSON.stringify(d.provisionalYears ?? []);
  return same ? d : moved;
}

/** Art. 33: the parties may jointly apply for judicial confirmation within 30 days of effectiveness. */
export const JUDICIAL_CONFIRMATION_DAYS = 30;
export const JUDICIAL_REMINDER_DAYS_BEFORE = 7;

const DAY_MS = 24 * 3600 * 1000;

/**
 * The follow-up visit: at the earliest performance date of the terms (end of the office day in
 * China, 17:30 +08:00), else `followUpDays` after effectiveness.
 */
export function followUpDeadline(effectiveAt: Date, dueDates: string[], followUpDays: number): Deadline {
  const dates = dueDates.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  const earliest = dates[0] ? new Date(`${dates[0]}T17:30:00+08:00`) : undefined;
  const due = earliest && earliest > effectiveAt ? earliest : new Date(effectiveAt.getTime() + followUpDays * DAY_MS);
  return {
    kind: 'follow_up',
    startedAt: effectiveAt.toISOString(),
    warnAt: due.toISOString(),
    dueAt: due.toISOString(),
    warned: true, // no separate warning: the due alert is the reminder to visit
    breached: false,
    autoEscalate: false,
    calendar: 'wall-clock',
  };
}

/**
 * Art. 33: the window for the joint application, counted as the Civil Code counts a period in days:
 * the day of effectiveness is not counted, the period starts the next day (民法典 Art. 201); its
 * last day, the 30th, ends at 24:00 (Art. 203(2)); if that day is a statutory day off (法定休假日: a
 * holiday or a weekend not worked, per the holiday arrangements `holidays` — the seed if none), the
 * last day is the first working day after it (Art. 203(1)). All in Beijing time: the window ends at
 * 16:00Z of its last day. The reminder is 7 days before.
 */
export function judicialConfirmationWindow(effectiveAt: Date, holidays: HolidayTable = SEED_HOLIDAYS): Deadline {
  const effectiveDay = Math.floor((effectiveAt.getTime() + 8 * 3_600_000) / DAY_MS); // Beijing day number
  let last = effectiveDay + JUDICIAL_CONFIRMATION_DAYS;
  for (let i = 0; i < 60 && !isChineseWorkday(new Date(last * DAY_MS).toISOString().slice(0, 10), holidays); i++)
    last += 1;
  const due = new Date((last + 1) * DAY_MS - 8 * 3_600_000); // 24:00 Beijing time of the last day
  return {
    kind: 'judicial_confirmation',
    startedAt: effectiveAt.toISOString(),
    warnAt: new Date(due.getTime() - JUDICIAL_REMINDER_DAYS_BEFORE * DAY_MS).toISOString(),
    dueAt: due.toISOString(),
    warned: false,
    breached: false,
    autoEscalate: false,
    calendar: 'wall-clock',
  };
}

/** Deadlines whose breach makes a case overdue (reminders and the confirmation window do not). */
export const SLA_KINDS: readonly DeadlineKind[] = ['accept', 'handling', 'report_in', 'signatures', 'follow_up'];

/** The next pending SLA deadline of a case, for the inbox, the overdue filter and search attributes. */
export function nextDeadline(view: Pick<DisputeView, 'stage' | 'deadlines'>): string | undefined {
  if (view.stage === 'closed') return undefined;
  const all = Object.values(view.deadlines ?? {});
  return all
    .filter((d): d is Deadline => !!d && !d.breached && !d.pausedAt && SLA_KINDS.includes(d.kind))
    .map((d) => d.dueAt)
    .sort()[0];
}

export function isOverdue(view: Pick<DisputeView, 'stage' | 'deadlines'>): boolean {
  if (view.stage === 'closed') return false;
  return Object.values(view.deadlines ?? {}).some((d) => !!d && d.breached && SLA_KINDS.includes(d.kind));
}
