import type { FastifyInstance } from 'fastify';
import type { DisputeView } from '../domain/types';
import { caseAtLeast } from './disputes-repository';
import { stateQuery, workflowIdFor, type CaseReceipt } from '../workflows/dispute.messages';

/**
 * The case after an action, from the workflow's receipt: the action's projection has already written
 * the case to the read model (it is part of the action), so it is read there. Should the read model
 * ever be behind the receipt, the workflow is asked for its state instead.
 */
export async function caseAfter(app: FastifyInstance, answer: CaseReceipt): Promise<DisputeView> {
  const projected = await caseAtLeast(app.orm.em.fork(), answer.disputeId, answer.seq);
  if (projected) return projected;
  return app.temporal.workflow.getHandle(workflowIdFor(answer.disputeId)).query(stateQuery);
}
