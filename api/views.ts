import { ALLOWED_ACTIONS } from '../domain/lifecycle';
import type { DisputeView } from '../domain/types';

/** A case as the API returns it: the workflow's view, keyed by `id`, with what it allows now. */
export function caseResponse(view: DisputeView) {
  const { disputeId, stageEntry: _entry, ...rest } = view;
  return { id: disputeId, ...rest, allowedActions: [...ALLOWED_ACTIONS[view.stage]] };
}
