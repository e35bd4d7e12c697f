import type { Action } from '../domain/lifecycle';
import type { Actor, DisputeView } from '../domain/types';
import { caseFor, eventActorFor, eventFor, type Audience } from '../security/visibility';
import { AppError } from './errors';
import type { Principal } from './plugins/auth';
import { callerOf, caseResponse, scopeOf } from './views';

/**
 * What a caller who may see a case may see of it and do to it, beyond the scope check of
 * disputes-repository.ts: which reader of security/visibility.ts's table they are, and whether an
 * integrator may act on a case it did not report.
 */

/** Who reported the case and where it is now: what decides the reader. */
export interface CaseOwnership {
  createdById: string;
  unitPath?: string | null;
}

/** Which reader of the field-visibility table `p` is for this case (the case is one it may see). */
export function audienceOf(p: Principal, c: CaseOwnership): Audience {
  if (p.kind === 'integrator') return c.createdById === p.id ? 'reporter' : 'area';
  if (p.role === 'admin') return 'holder';
  if (p.role === 'agency_rep') return 'agency';
  const holds = !!p.unitPath && !!c.unitPath && c.unitPath.startsWith(p.unitPath);
  if (holds && (p.role === 'mediator' || p.role === 'supervisor')) return 'holder';
  // Grid workers, and a unit the case came from but has left: what was reported, numbers masked.
  return 'reporter';
}

/** The case as the API answers it to `p`. */
export function caseAnswer(p: Principal, c: CaseOwnership & { state: DisputeView }) {
  return caseResponse(caseFor(audienceOf(p, c), c.state), callerOf(p, c), scopeOf(c.state));
}

/** A case's history as `p` may read it. */
export function eventsAnswer<E extends { type: string; payload: Record<string, unknown>; actor?: Actor }>(
  p: Principal,
  c: CaseOwnership & { state: DisputeView },
  events: E[],
): E[] {
  const audience = audienceOf(p, c);
  // The payload, and the actor when it is a party acting on its own page (its name masked as the party's).
  return events.map((e) => ({
    ...e,
    payload: eventFor(audience, c.state, e),
    ...(e.actor ? { actor: eventActorFor(audience, c.state, e.actor) } : {}),
  }));
}

/**
 * An integrator acts on the cases it reported. An area grant lets it see the cases of that area; it
 * may act on them too (add notes, record a withdrawal) only when the admin granted actions with the
 * area. Otherwise 403, like any action a caller's role or area does not allow on a case it can see.
 */
export function checkMayActOn(p: Principal, c: Pick<CaseOwnership, 'createdById'>, action: Action): void {
  if (p.kind !== 'integrator' || c.createdById === p.id || p.areaActions) return;
  throw new AppError(
    'forbidden',
    `该接入方对本辖区案件仅有查看权限，不能执行 ${action}（需管理员授予操作权限）/ ` +
      `this key's area grant is read-only: it may not ${action} a case it did not report (an admin can grant actions)`,
  );
}
