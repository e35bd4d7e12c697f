import type { EntityManager } from '@mikro-orm/postgresql';
import { SlaPolicy } from '../db/entities';
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

/**
 * A stage deadline from the SLA policy and its calendar. Computed here, in an activity, and
 * recorded in the workflow's history: a calendar or policy change never alters a running case's
 * replay.
 */
export async function computeDeadline(
  em: EntityManager,
  officeHours: OfficePeriod[] | undefined,
  req: SlaKey & { kind: keyof typeof SECONDS; from: string },
): Promise<Deadline> {
  const rule = await findRule(em, req);
  return deadlineAfter(req.kind, new Date(req.from), SECONDS[req.kind](rule), {
    warningShare: rule.warningShare,
    autoEscalate: req.kind === 'accept' && rule.autoEscalate,
    calendar: calendarOf(rule, officeHours),
  });
}

/** The deadline after a suspension, later by exactly the working time it was stopped. */
export function extendDeadline(officeHours: OfficePeriod[] | undefined, req: { deadline: Deadline; resumedAt: string }): Deadline {
  return resumeDeadline(req.deadline, new Date(req.resumedAt), officeHours);
}

/** At effectiveness: the follow-up visit and the judicial-confirmation window (Art. 33). */
export async function afterEffective(
  em: EntityManager,
  req: SlaKey & { effectiveAt: string; terms: Term[] },
): Promise<{ followUp: Deadline; judicial: Deadline }> {
  const rule = await findRule(em, req);
  const effectiveAt = new Date(req.effectiveAt);
  return {
    followUp: followUpDeadline(effectiveAt, req.terms.map((t) => t.dueDate ?? ''), rule.followUpDays),
    judicial: judicialConfirmationWindow(effectiveAt),
  };
}
