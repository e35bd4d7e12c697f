import type { EntityManager } from '@mikro-orm/postgresql';
import { SlaPolicy, Unit } from '../db/entities';
import { basicCourtName } from '../domain/agreement-law';
import { unitPathOf, type HolidayStore } from '../db/holidays';
import type { OfficePeriod } from '../domain/calendar';
import {
  calendarOf,
  deadlineAfter,
  followUpDeadline,
  judicialConfirmationWindow,
  pickRule,
  resumeDeadline,
  type SlaRule,
} from '../domain/sla';
import type { Deadline, Term } from '../domain/types';
import { noSlaPolicy } from './errors';
import { alertIfProvisional } from './holidays';

export interface SlaKey {
  category: string;
  priority: string;
  level: string;
}

export async function findRule(em: EntityManager, want: SlaKey): Promise<SlaRule> {
  const rule = pickRule(await em.find(SlaPolicy, {}), want);
  if (!rule) throw noSlaPolicy(`${want.category}/${want.priority}/${want.level}`);
  return rule;
}

const SECONDS: Record<'accept' | 'handling' | 'report_in' | 'signatures', (r: SlaRule) => number> = {
  accept: (r) => r.acceptSeconds,
  handling: (r) => r.handlingSeconds,
  report_in: (r) => r.reportInSeconds,
  signatures: (r) => r.signatureSeconds,
};

/** The calendar settings activities share: office hours, and the holiday arrangements in PostgreSQL. */
export interface CalendarDeps {
  officeHours?: OfficePeriod[];
  holidays: HolidayStore;
}

/**
 * A stage deadline from the SLA policy and its calendar, on the holiday arrangements that apply to
 * the unit holding the case (`unitPath`, or the unit `unitCode`; national only without either).
 * Computed here, in an activity, and recorded in the workflow's history with the arrangements'
 * revision: a calendar or policy change never alters a running case's replay. A deadline that runs
 * into a year without a national arrangement is provisional and raises that year's alert.
 */
export async function computeDeadline(
  em: EntityManager,
  cal: CalendarDeps,
  req: SlaKey & { kind: keyof typeof SECONDS; from: string; unitCode?: string; unitPath?: string | null },
): Promise<Deadline> {
  const rule = await findRule(em, req);
  const unitPath = req.unitPath ?? (await unitPathOf(em, req.unitCode));
  const holidays = rule.calendar === 'cn-workdays' ? await cal.holidays.tableFor(em, unitPath) : undefined;
  const deadline = deadlineAfter(req.kind, new Date(req.from), SECONDS[req.kind](rule), {
    warningShare: rule.warningShare,
    autoEscalate: req.kind === 'accept' && rule.autoEscalate,
    calendar: calendarOf(rule, cal.officeHours, holidays),
  });
  await alertIfProvisional(em, deadline, unitPath, req.from);
  return deadline;
}

/** The deadline after a suspension, later by exactly the working time it was stopped. */
export async function extendDeadline(
  em: EntityManager,
  cal: CalendarDeps,
  req: { deadline: Deadline; resumedAt: string; unitCode?: string },
): Promise<Deadline> {
  const unitPath = await unitPathOf(em, req.unitCode);
  const holidays = req.deadline.calendar === 'cn-workdays' ? await cal.holidays.tableFor(em, unitPath) : undefined;
  const deadline = resumeDeadline(req.deadline, new Date(req.resumedAt), cal.officeHours, holidays);
  await alertIfProvisional(em, deadline, unitPath, req.resumedAt);
  return deadline;
}

/**
 * At effectiveness: the follow-up visit; the judicial-confirmation window (Art. 33), whose last day
 * moves past a statutory holiday on the holiday arrangements of the committee's unit (民法典 Art. 203);
 * and the basic court where the committee is located, proposed for the application (民事诉讼法 Art. 205).
 * A local activity: its answer is recorded, so how it is computed may change without touching replay.
 */
export async function afterEffective(
  em: EntityManager,
  cal: CalendarDeps | undefined,
  req: SlaKey & { effectiveAt: string; terms: Term[]; unitPath?: string | null },
): Promise<{ followUp: Deadline; judicial: Deadline; court?: string }> {
  const rule = await findRule(em, req);
  const effectiveAt = new Date(req.effectiveAt);
  const holidays = cal ? await cal.holidays.tableFor(em, req.unitPath ?? null) : undefined;
  const codes = (req.unitPath ?? '').split('/').filter(Boolean);
  const chain = codes.length ? await em.find(Unit, { code: { $in: codes } }) : [];
  const court = basicCourtName(chain);
  return {
    ...(court ? { court } : {}),
    followUp: followUpDeadline(
      effectiveAt,
      req.terms.map((t) => t.dueDate ?? ''),
      rule.followUpDays,
    ),
    judicial: judicialConfirmationWindow(effectiveAt, holidays),
  };
}
