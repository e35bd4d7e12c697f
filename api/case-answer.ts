import type { FastifyInstance } from 'fastify';
import type { DisputeView } from '../domain/types';
import type { CaseOwnership } from './case-access';
import { caseAtLeast } from './disputes-repository';
import { stateQuery, workflowIdFor, type CaseReceipt } from '../workflows/dispute.messages';

/**
 * The case after an action, from the workflow's receipt: the action's projection has already written
 * the case to the read model (it is part of the action), so it is read there. Should the read model
 * ever be behind the receipt, the workflow is asked for its state instead. With who reported it and
 * where it is now, which decide what the caller sees of it (case-access.ts).
 */
export async function caseAfter(
  app: FastifyInstance,
  answer: CaseReceipt,
): Promise<CaseOwnership & { state: DisputeView }> {
  const projected = await caseAtLeast(app.orm.em.fork(), answer.disputeId, answer.seq);
  if (projected) return projected;
  const state = await app.temporal.workflow.getHandle(workflowIdFor(answer.disputeId)).query(stateQuery);
  return { state, createdById: state.reportedBy.id, unitPath: state.unit?.path };
}
