import type { MikroORM } from '@mikro-orm/postgresql';
import type { DocumentRenderer } from '../templates/render';
import type { DisputeEvent, DisputeView, StartDisputeInput } from '../domain/types';
import { sealAgreement } from './agreements';
import { raiseAlert, type RaiseAlertRequest } from './alerts';
import { escalateCase, intakeDispute, type EscalateRequest } from './intake';
import { recordEvent } from './projection';

export interface ActivityDeps {
  orm: MikroORM;
  renderer: DocumentRenderer;
}

/** The activities with their dependencies injected; each call works on its own forked EntityManager. */
export function createActivities({ orm, renderer }: ActivityDeps) {
  const em = () => orm.em.fork();
  return {
    intakeDispute: (input: StartDisputeInput & { from: string }) => intakeDispute(em(), input),
    escalateCase: (req: EscalateRequest) => escalateCase(em(), req),
    recordEvent: (req: { event: DisputeEvent; view: DisputeView }) => recordEvent(em(), req),
    raiseAlert: (req: RaiseAlertRequest) => raiseAlert(em(), req),
    sealAgreement: (req: { view: DisputeView; effectiveAt: string }) => sealAgreement(em(), renderer, req),
  };
}

export type Activities = ReturnType<typeof createActivities>;
