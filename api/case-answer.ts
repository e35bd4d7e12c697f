import type { FastifyInstance } from 'fastify';
import type { DisputeView } from '../domain/types';
import { stateQuery, workflowIdFor, type CaseReceipt } from '../workflows/dispute.messages';

/**
 * The case after an action, from the workflow's receipt: the action's projection has already written
 * the case to the read model (it is part of the action), so it is read there. Should the read model
 * ever be behind the receipt, the workflow is asked for its state instead.
 */
export async function caseAfter(app: FastifyInstance, answer: CaseReceipt): Promise<DisputeView> {
  const [row] = await app.orm.em
    .getConnection()
    .execute<{ seq: number; state: DisputeView }[]>('select seq, state from disputes where id = ?', [answer.disputeId]);
  if (row && row.seq >= answer.seq) return row.state;
  return app.temporal.workflow.getHandle(workflowIdFor(answer.disputeId)).query(stateQuery);
}
