/**
 * The service wired into the activities: the delivery workflow's two activities, and the hooks that
 * activities/index.ts calls on the side (after recording events, after a workflow notice, after an
 * alert). A hook's failure is logged and never fails the step.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { DisputeEvent, DisputeView } from '../domain/types';
import { maskText } from '../security/pii';
import type { DeliveryStarter, NotificationService, WorkflowNotice } from './service';

export function createNotificationActivities(
  orm: MikroORM,
  service: NotificationService | undefined,
  temporal: { client: Client; taskQueue: string } | undefined,
) {
  const em = () => orm.em.fork();
  const start: DeliveryStarter = async (deliveryId, notBefore) => {
    if (!temporal || !service) return;
    await temporal.client.workflow
      .start('noticeDeliveryWorkflow', {
        workflowId: `notice-${deliveryId}`,
        taskQueue: temporal.taskQueue,
        args: [
          {
            deliveryId,
            notBefore: notBefore ? notBefore.getTime() : undefined,
            initialRetryMs: service.retry.initialRetryMs,
            maxAttempts: service.retry.maxAttempts,
          },
        ],
      })
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      });
  };
  const onSide = async (what: string, run: () => Promise<void>) => {
    if (!service) return;
    await run().catch((err: unknown) =>
      console.warn(`notices for ${what} not planned: ${maskText((err as Error).message)}`),
    );
  };
  return {
    activities: {
      deliverNotice: async (deliveryId: string) => {
        if (!service) return;
        await service.deliver(em(), deliveryId);
      },
      markNoticeFailed: async (req: { deliveryId: string; error: string }) => {
        await service?.markFailed(em(), req);
      },
    },
    hooks: {
      recorded: (req: { events: DisputeEvent[]; view: DisputeView }) =>
        onSide(req.view.disputeId, () => service!.onRecorded(em(), start, req)),
      notice: (notice: WorkflowNotice) => onSide(notice.key, () => service!.onNotice(em(), start, notice)),
      alert: (req: { disputeId: string; caseNumber?: string; kind: string; stageEntry: number; unitCode: string }) =>
        onSide(req.disputeId, () => service!.onAlert(em(), start, req)),
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>['activities'];
