/**
 * One notice delivery (notifications/service.ts; started by notifications/activities.ts): waits until quiet hours end when the notice is
 * not urgent, then attempts with exponential backoff (Temporal retries the activity), and if every
 * attempt failed, marks it failed in the delivery log. Like webhook.workflow.ts.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface NoticeDeliveryInput {
  deliveryId: string;
  /** Epoch ms before which nothing is sent (end of quiet hours); absent: now. */
  notBefore?: number;
  initialRetryMs: number;
  maxAttempts: number;
}

export async function noticeDeliveryWorkflow(input: NoticeDeliveryInput): Promise<'sent' | 'failed'> {
  const { deliverNotice } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: input.initialRetryMs,
      backoffCoefficient: 2,
      maximumInterval: '30 minutes',
      maximumAttempts: input.maxAttempts,
    },
  });
  const { markNoticeFailed } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds' });
  if (input.notBefore !== undefined && input.notBefore > Date.now()) await sleep(input.notBefore - Date.now());
  try {
    await deliverNotice(input.deliveryId);
    return 'sent';
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const message = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
    await markNoticeFailed({ deliveryId: input.deliveryId, error: message });
    return 'failed';
  }
}
