import { ACTIONS, type Action } from './lifecycle';
import type { Actor } from './types';

/** What the case looks like to a permission check. */
export interface CaseScope {
  unitCode?: string;
  unitPath?: string;
  /** Agencies summoned to the current meeting. */
  summoned: string[];
}

/** What the unit's mediators and supervisors do; reassigning and answering summonses are for others. */
const MEDIATION_ACTIONS: readonly Action[] = ACTIONS.filter(
  (a) => a !== 'reassign' && a !== 'confirm-attendance' && a !== 'decline-attendance',
);

/**
 * Who may ask for what (the stage decides separately whether it is allowed now):
 * - the responsible unit's mediators and supervisors run the mediation; accepting or declining the
 *   ticket is for the unit it is addressed to; staff of a unit above may help with the rest;
 * - supervisors reassign within their area; admins may do anything but answer for an agency;
 * - agency representatives answer summonses of their own agency;
 * - integrators and grid workers add information; integrators also record a party's withdrawal.
 *   An integrator does so on the cases it reported, or on those of an area granted to it with
 *   actions; an area grant alone is read-only (the API checks that: api/case-access.ts).
 */
export function mayAct(actor: Actor, action: Action, scope: CaseScope): boolean {
  switch (actor.role) {
    case 'system':
      return true;
    case 'admin':
      // Answering a summons is the summoned agency's own word.
      return action !== 'confirm-attendance' && action !== 'decline-attendance';
    case 'integrator':
      return action === 'add-note' || action === 'withdraw';
    case 'grid_worker':
      return action === 'add-note';
    case 'agency_rep':
      return (
        (action === 'confirm-attendance' || action === 'decline-attendance' || action === 'add-note') &&
        !!actor.agencyCode &&
        scope.summoned.includes(actor.agencyCode)
      );
    case 'mediator':
    case 'supervisor': {
      const inArea = !!actor.unitPath && !!scope.unitPath && scope.unitPath.startsWith(actor.unitPath);
      if (!inArea) return false;
      if (action === 'reassign') return actor.role === 'supervisor';
      if (action === 'accept' || action === 'decline') return actor.unitCode === scope.unitCode;
      return MEDIATION_ACTIONS.includes(action);
    }
    default:
      return false;
  }
}
