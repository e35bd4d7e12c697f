import { addWorkingTime, extendForSuspension, type CalendarSpec, type OfficePeriod } from './calendar';
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

export function calendarOf(rule: Pick<SlaRule, 'calendar'>, officeHours?: OfficePeriod[]): CalendarSpec {
  return rule.calendar === 'cn-workdays' ? { kind: 'cn-workdays', officeHours } : { kind: 'wall-clock' };
}

/** A deadline `seconds` of the calendar's time after `from`, warned at `warningShare` of it. */
export function deadlineAfter(
  kind: DeadlineKind,
  from: Date,
  seconds: number,
  opts: { warningShare: number; autoEscalate: boolean; calendar: CalendarSpec },
): Deadline {
  const due = addWorkingTime(from, seconds, opts.calendar);
  const warn = addWorkingTime(from, Math.round(seconds * opts.warningShare), opts.calendar);
  return {
    kind,
    startedAt: from.toISOString(),
    warnAt: warn.toISOString(),
    dueAt: due.toISOString(),
    warned: false,
    breached: false,
    autoEscalate: opts.autoEscalate,
    calendar: opts.calendar.kind,
  };
}

/** The skeleton's wall-clock deadline (kept for the cases started on it). */
export function wallClockDeadline(kind: DeadlineKind, from: Date, seconds: number, warningShare: number, autoEscalate: boolean): Deadline {
  const { calendar: _calendar, ...rest } = deadlineAfter(kind, from, seconds, { warningShare, autoEscalate, calendar: { kind: 'wall-clock' } });
  return rest;
}

/** The deadline after a suspension: later by exactly the working time the clock was stopped. */
export function resumeDeadline(d: Deadline, resumedAt: Date, officeHours?: OfficePeriod[]): Deadline {
  if (!d.pausedAt) return d;
  const cal: CalendarSpec = d.calendar === 'cn-workdays' ? { kind: 'cn-workdays', officeHours } : { kind: 'wall-clock' };
  const pausedAt = new Date(d.pausedAt);
  const { pausedAt: _p, ...rest } = d;
  return {
    ...rest,
    dueAt: extendForSuspension(new Date(d.dueAt), pausedAt, resumedAt, cal).toISOString(),
    warnAt: extendForSuspension(new Date(d.warnAt), pausedAt, resumedAt, cal).toISOString(),
  };
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

export function judicialConfirmationWindow(effectiveAt: Date): Deadline {
  const due = new Date(effectiveAt.getTime() + JUDICIAL_CONFIRMATION_DAYS * DAY_MS);
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
export function nextDeadline(view: Pick<DisputeView, 'stage' | 'deadline' | 'deadlines'>): string | undefined {
  if (view.stage === 'closed') return undefined;
  const all = view.deadlines ? Object.values(view.deadlines) : view.deadline ? [view.deadline] : [];
  return all
    .filter((d): d is Deadline => !!d && !d.breached && !d.pausedAt && SLA_KINDS.includes(d.kind))
    .map((d) => d.dueAt)
    .sort()[0];
}

export function isOverdue(view: Pick<DisputeView, 'stage' | 'deadlines'>): boolean {
  if (view.stage === 'closed') return false;
  return Object.values(view.deadlines ?? {}).some((d) => !!d && d.breached && SLA_KINDS.includes(d.kind));
}
