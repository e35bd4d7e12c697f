import { sealRefusal, signRefusal } from './committee';
import { ACTIONS, type Action } from './lifecycle';
import type { Actor } from './types';

/** What the case looks like to a permission check. */
export interface CaseScope {
  unitCode?: string;
  unitPath?: string;
  /** Agencies summoned to the current meeting. */
  summoned: string[];
  /** The holding committee's name, for the refusal's words (domain/committee.ts). */
  committeeName?: string;
}

/** What the unit's mediators and supervisors do; reassigning and answering summonses are for others. */
const MEDIATION_ACTIONS: readonly Action[] = ACTIONS.filter(
  (a) => a !== 'reassign' && a !== 'confirm-attendance' && a !== 'decline-attendance' && a !== 'rate-satisfaction',
);

/**
 * What a party (or its legal representative) may do on its own case from the parties' page; the
 * workflow checks that a party acts only for its own index (`partyIndex`) and signs only electronically.
 * The list grows with the party features of issue 22 (evidence, satisfaction, signing).
 */
export const PARTY_ACTIONS: Action[] = ['withdraw', 'reject-agreement', 'sign', 'attach-evidence', 'rate-satisfaction'];

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
  // 人民调解法 Art. 19, 29: the holding committee's own mediators sign; its 主任 or a member it authorises seals.
  if (actor.role === 'party') return PARTY_ACTIONS.includes(action);
  if (actor.role !== 'system' && (action === 'sign' || action === 'seal'))
    return !committeeRefusal(actor, action, scope);
  switch (actor.role) {
    case 'system':
      return true;
    case 'admin':
      // Answering a summons is the summoned agency's own word; a satisfaction rating is the party's own.
      return action !== 'confirm-attendance' && action !== 'decline-attendance' && action !== 'rate-satisfaction';
    case 'integrator':
      return action === 'add-note' || action === 'withdraw' || action === 'attach-evidence';
    case 'grid_worker':
      return action === 'add-note' || action === 'attach-evidence';
    case 'agency_rep':
      return (
        (action === 'confirm-attendance' ||
          action === 'decline-attendance' ||
          action === 'add-note' ||
          action === 'attach-evidence') &&
        !!actor.agencyCode &&
        scope.summoned.includes(actor.agencyCode)
      );
    case 'mediator':
    case 'supervisor': {
      const inArea = !!actor.unitPath && !!scope.unitPath && scope.unitPath.startsWith(actor.unitPath);
      if (!inArea) return false;
      if (action === 'reassign') return actor.role === 'supervisor';
      // Refusing to accept (不予受理, 2002 规定 Art. 22, 24) is the addressed unit's answer, like accepting.
      if (action === 'accept' || action === 'decline' || action === 'refuse') return actor.unitCode === scope.unitCode;
      return MEDIATION_ACTIONS.includes(action);
    }
    default:
      return false;
  }
}

/** The words of a 403 for signing or sealing for a committee that is not the actor's (domain/committee.ts). */
export function committeeRefusal(actor: Actor, action: Action, scope: CaseScope): string | undefined {
  if (action === 'sign') return signRefusal(actor, scope);
  if (action === 'seal') return sealRefusal(actor, scope);
  return undefined;
}
