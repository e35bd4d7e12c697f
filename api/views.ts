import { judicialRecordable } from '../domain/agreement-law';
import { allowedActions, signalledActions, type Action } from '../domain/lifecycle';
import { mayAct, type CaseScope } from '../domain/permissions';
import { performanceView } from '../domain/performance';
import { isOverdue, nextDeadline } from '../domain/sla';
import type { Actor, DisputeView } from '../domain/types';
import { checkMayActOn, type CaseOwnership } from './case-access';
import { actorOf, type Principal } from './plugins/auth';

/**
 * Who is asking, for `allowedActions`: the actor the workflow's guard judges (api/plugins/auth.ts
 * `actorOf`) and whether the API lets this caller act on this case at all (api/case-access.ts
 * `checkMayActOn`: an integrator's read-only area grant).
 */
export interface Caller {
  actor: Actor;
  mayActOnCase: (action: Action) => boolean;
}

/** `p` as a caller of the case `c`: what the signals route would check before the workflow's guard. */
export function callerOf(p: Principal, c: Pick<CaseOwnership, 'createdById'>): Caller {
  return {
    actor: actorOf(p),
    mayActOnCase: (action) => {
      try {
        checkMayActOn(p, c, action);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** The case as the workflow's guard sees it (workflows/dispute/case.ts `guard`), from the full view. */
export function scopeOf(view: DisputeView): CaseScope {
  return {
    unitCode: view.unit?.code,
    unitPath: view.unit?.path,
    summoned: view.meeting?.agencies.map((a) => a.code) ?? [],
    committeeName: view.unit?.committeeName,
  };
}

/**
 * The actions the case allows now (its stage) that this caller may take (role, area, the holding
 * committee, the summoned agencies: domain/permissions.ts `mayAct`, the rule the workflow enforces),
 * so that every action listed is one the signals route would not refuse with 403. Without a caller,
 * the stage's list alone. The internal actions (evidence, a party's rating) have their own routes.
 */
export function allowedActionsFor(view: DisputeView, caller?: Caller, scope: CaseScope = scopeOf(view)): Action[] {
  const now = signalledActions(
    allowedActions(view.stage, {
      suspended: !!view.suspended,
      performed: view.followUp?.performed,
      judicial: judicialRecordable(view),
      perTerm: !!view.performance,
    }),
  );
  if (!caller) return now;
  return now.filter((a) => caller.mayActOnCase(a) && mayAct(caller.actor, a, scope));
}

/**
 * A case as the API returns it: the workflow's view, keyed by `id`, with what it allows now and what
 * the caller may do of that (`allowedActions`). `scope` is the unmasked case's (the view may be a
 * reader's masked copy; the unit and the summoned agencies are never masked, but the guard's are the
 * case's own).
 */
export function caseResponse(view: DisputeView, caller?: Caller, scope?: CaseScope) {
  const { disputeId, stageEntry: _entry, deadlines, ...rest } = view;
  return {
    id: disputeId,
    ...rest,
    deadlines: deadlines ?? {},
    nextDeadlineAt: nextDeadline(view),
    overdue: isOverdue(view),
    pastMeetings: view.pastMeetings ?? [],
    pastAgreements: view.pastAgreements ?? [],
    // 人民调解法 Art. 31: each term's performance now (未到期 follows from its deadline).
    performance: performanceView(view, Date.now()),
    allowedActions: allowedActionsFor(view, caller, scope),
  };
}
