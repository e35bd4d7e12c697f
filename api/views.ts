import { judicialRecordable } from '../domain/agreement-law';
import { allowedActions, signalledActions } from '../domain/lifecycle';
import { performanceView } from '../domain/performance';
import { isOverdue, nextDeadline } from '../domain/sla';
import type { DisputeView } from '../domain/types';

/** A case as the API returns it: the workflow's view, keyed by `id`, with what it allows now. */
export function caseResponse(view: DisputeView) {
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
    // The internal actions (evidence, a party's rating) have their own routes, not the signals route.
    allowedActions: signalledActions(
      allowedActions(view.stage, {
        suspended: !!view.suspended,
        performed: view.followUp?.performed,
        judicial: judicialRecordable(view),
        perTerm: !!view.performance,
      }),
    ),
  };
}
