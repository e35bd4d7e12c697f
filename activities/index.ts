import type { MikroORM } from '@mikro-orm/postgresql';
import type { OfficePeriod } from '../domain/calendar';
import type { DisputeEvent, DisputeView, StartDisputeInput } from '../domain/types';
import type { DocumentRenderer } from '../templates/render';
import { sealAgreement } from './agreements';
import { raiseAlert, type RaiseAlertRequest } from './alerts';
import { resolveAgencies, resolveUnit } from './directory';
import { escalateCase, intakeDispute, type EscalateRequest } from './intake';
import { LogNotifier, sendNotice, type Notice, type Notifier } from './notifier';
import { recordEvent } from './projection';
import { afterEffective, computeDeadline, extendDeadline, type SlaKey } from './sla';
import type { Deadline, Term } from '../domain/types';

export interface ActivityDeps {
  orm: MikroORM;
  renderer: DocumentRenderer;
  notifier?: Notifier;
  /** Office hours of the `cn-workdays` calendar; default 08:30–12:00 and 14:30–17:30. */
  officeHours?: OfficePeriod[];
}

/** The activities with their dependencies injected; each call works on its own forked EntityManager. */
export function createActivities({ orm, renderer, notifier = new LogNotifier(), officeHours }: ActivityDeps) {
  const em = () => orm.em.fork();
  return {
    intakeDispute: (input: StartDisputeInput & { from: string }) => intakeDispute(em(), officeHours, input),
    escalateCase: (req: EscalateRequest) => escalateCase(em(), officeHours, req),
    resolveUnit: (code: string) => resolveUnit(em(), code),
    resolveAgencies: (codes: string[]) => resolveAgencies(em(), codes),
    computeDeadline: (req: SlaKey & { kind: 'accept' | 'handling' | 'report_in' | 'signatures'; from: string }) =>
      computeDeadline(em(), officeHours, req),
    extendDeadline: async (req: { deadline: Deadline; resumedAt: string }) => extendDeadline(officeHours, req),
    afterEffective: (req: SlaKey & { effectiveAt: string; terms: Term[] }) => afterEffective(em(), req),
    recordEvent: (req: { event: DisputeEvent; view: DisputeView }) => recordEvent(em(), req),
    raiseAlert: (req: RaiseAlertRequest) => raiseAlert(em(), req),
    sendNotice: (notice: Notice) => sendNotice(em(), notifier, notice),
    sealAgreement: (req: { view: DisputeView; effectiveAt: string }) => sealAgreement(em(), renderer, req),
  };
}

export type Activities = ReturnType<typeof createActivities>;
