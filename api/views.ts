import { V1_ALLOWED_ACTIONS, allowedActions } from '../domain/lifecycle';
import { isOverdue, nextDeadline } from '../domain/sla';
import type { DisputeView } from '../domain/types';

/** A case as the API returns it: the workflow's view, keyed by `id`, with what it allows now. */
export function caseResponse(view: DisputeView) {
  const { disputeId, stageEntry: _entry, deadline, deadlines, version, ...rest } = view;
  const full = version === 2;
  // Cases started on the skeleton hold one accept deadline; show it in the same shape.
  const running = deadlines ?? (deadline && view.stage === 'awaiting_acceptance' ? { accept: deadline } : {});
  return {
    id: disputeId,
    ...rest,
    deadlines: running,
    nextDeadlineAt: nextDeadline(view),
    overdue: full ? isOverdue(view) : false,
    pastMeetings: view.pastMeetings ?? [],
    pastAgreements: view.pastAgreements ?? [],
    allowedActions: full
      ? allowedActions(view.stage, { suspended: !!view.suspended, performed: view.followUp?.performed })
      : [...V1_ALLOWED_ACTIONS[view.stage]],
  };
}
