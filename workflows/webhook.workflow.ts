/**
 * One webhook delivery: attempts with exponential backoff (Temporal retries the activity), then,
 * if every attempt failed, the delivery is marked failed in its log.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface WebhookDeliveryInput {
  deliveryId: string;
  /** First retry delay; doubles up to ten minutes (tests use a short one). */
  initialRetryMs: number;
  maxAttempts: number;
}

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<'delivered' | 'failed'> {
  const { deliverWebhook } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    heartbeatTimeout: '2 seconds', // a killed worker's delivery is retried after 2 s (worker/interceptors.ts)
    retry: {
      initialInterval: input.initialRetryMs,
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
      maximumAttempts: input.maxAttempts,
      nonRetryableErrorTypes: ['WebhookRefused'],
    },
  });
  const { markDeliveryFailed } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    heartbeatTimeout: '2 seconds',
  });
  try {
    await deliverWebhook(input.deliveryId);
    return 'delivered';
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const message = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
    await markDeliveryFailed({ deliveryId: input.deliveryId, error: message });
    return 'failed';
  }
}
