import type { MikroORM } from '@mikro-orm/postgresql';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { OfficePeriod } from '../domain/calendar';
import type { DisputeEvent, DisputeView, StartDisputeInput } from '../domain/types';
import type { DocumentRenderer } from '../templates/render';
import { sealAgreement } from './agreements';
import { freezeCaseFile } from './case-file';
import { raiseAlert, type RaiseAlertRequest } from './alerts';
import { resolveAgencies, resolveUnit } from './directory';
import { escalateCase, intakeDispute, type EscalateRequest } from './intake';
import { registerCaseNumber, type RegisterNumberRequest } from './committee';
import { LogNotifier, sendNotice, type Notice, type Notifier } from './notifier';
import { recordEvent, recordEvents } from './projection';
import { computeSafetyIndex } from './safety-index';
import { afterEffective, computeDeadline, extendDeadline, type CalendarDeps, type SlaKey } from './sla';
import { HolidayStore } from '../db/holidays';
import { casesToReplan, replanCase } from './holidays';
import type { DeadlineKind } from '../domain/types';
import { deliverWebhook, markDeliveryFailed } from './webhooks';
import { clearStuck, markStuck, type StuckReport } from './stuck';
import type { Deadline, Term } from '../domain/types';
import { createNotificationActivities } from '../notifications/activities';
import type { NotificationService } from '../notifications/service';

export interface WebhookSettings {
  /** Let webhooks target private and loopback addresses (tests; never in production). */
  allowPrivate: boolean;
  initialRetryMs: number;
  maxAttempts: number;
}
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = { allowPrivate: false, initialRetryMs: 5000, maxAttempts: 10 };

export interface ActivityDeps {
  orm: MikroORM;
  renderer: DocumentRenderer;
  notifier?: Notifier;
  /** Office hours of the `cn-workdays` calendar; default 08:30–12:00 and 14:30–17:30. */
  officeHours?: OfficePeriod[];
  /** Starts webhook delivery workflows (on `taskQueue`); without it no webhook is sent. */
  temporal?: { client: Client; taskQueue: string };
  webhooks?: WebhookSettings;
  /** Notices to people (notifications/): planned on the side of recorded events, notices and alerts. */
  notifications?: NotificationService;
}

/** The activities with their dependencies injected; each call works on its own forked EntityManager. */
export function createActivities({
  orm,
  renderer,
  notifier = new LogNotifier(),
  officeHours,
  temporal,
  webhooks = DEFAULT_WEBHOOK_SETTINGS,
  notifications,
}: ActivityDeps) {
  const em = () => orm.em.fork();
  const notices = createNotificationActivities(orm, notifications, temporal);
  const cal: CalendarDeps = { officeHours, holidays: new HolidayStore() };

  /** One delivery workflow per delivery id: starting it again (an activity retry) is a no-op. */
  async function startDeliveries(deliveryIds: string[]): Promise<void> {
    if (!temporal) return;
    for (const deliveryId of deliveryIds) {
      await temporal.client.workflow
        .start('webhookDeliveryWorkflow', {
          workflowId: `webhook-${deliveryId}`,
          taskQueue: temporal.taskQueue,
          args: [{ deliveryId, initialRetryMs: webhooks.initialRetryMs, maxAttempts: webhooks.maxAttempts }],
        })
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        });
    }
  }

  /**
   * The closing step freezes the case file (卷宗) in the activity that records it: no new command in
   * the workflow. A failure here never holds up the closing: the file is then frozen on first request.
   */
  async function freezeIfClosed(view: DisputeView): Promise<void> {
    if (view.stage !== 'closed') return;
    await freezeCaseFile(em(), renderer, view).catch((err: unknown) =>
      console.warn(`case file of ${view.disputeId} not frozen yet: ${(err as Error).message}`),
    );
  }

  return {
    intakeDispute: (input: StartDisputeInput & { from: string }) => intakeDispute(em(), cal, input),
    escalateCase: (req: EscalateRequest) => escalateCase(em(), cal, req),
    registerCaseNumber: (req: RegisterNumberRequest) => registerCaseNumber(em(), req),
    resolveUnit: (code: string) => resolveUnit(em(), code),
    markStuck: (report: StuckReport) => markStuck(em(), report),
    clearStuck: (disputeId: string) => clearStuck(em(), disputeId),
    resolveAgencies: (codes: string[]) => resolveAgencies(em(), codes),
    computeDeadline: (
      req: SlaKey & {
        kind: 'accept' | 'handling' | 'report_in' | 'signatures';
        from: string;
        unitCode?: string;
        unitPath?: string;
      },
    ) => computeDeadline(em(), cal, req),
    extendDeadline: (req: { deadline: Deadline; resumedAt: string; unitCode?: string }) =>
      extendDeadline(em(), cal, req),
    replanCase: (req: { unitCode?: string; deadlines: Partial<Record<DeadlineKind, Deadline>>; at: string }) =>
      replanCase(em(), cal.holidays, officeHours, req),
    casesToReplan: (req: { year: number; region: string | null; afterId?: string; limit: number; at: string }) =>
      casesToReplan(em(), req),
    afterEffective: (req: SlaKey & { effectiveAt: string; terms: Term[]; unitPath?: string | null }) =>
      afterEffective(em(), cal, req),
    recordEvent: async (req: { event: DisputeEvent; view: DisputeView }) => {
      await startDeliveries(await recordEvent(em(), req));
      await freezeIfClosed(req.view);
      await notices.hooks.recorded({ events: [req.event], view: req.view });
    },
    recordEvents: async (req: { events: DisputeEvent[]; view: DisputeView }) => {
      await startDeliveries(await recordEvents(em(), req));
      await freezeIfClosed(req.view);
      await notices.hooks.recorded(req);
    },
    deliverWebhook: (deliveryId: string) => deliverWebhook(em(), webhooks.allowPrivate, deliveryId),
    markDeliveryFailed: (req: { deliveryId: string; error: string }) => markDeliveryFailed(em(), req),
    raiseAlert: async (req: RaiseAlertRequest) => {
      await raiseAlert(em(), req);
      await notices.hooks.alert(req);
    },
    sendNotice: async (notice: Notice) => {
      await notices.hooks.notice(notice); // on the side, first: a notice webhook that is down holds up no SMS
      await sendNotice(em(), notifier, notice);
    },
    ...notices.activities,
    sealAgreement: (req: { view: DisputeView; effectiveAt: string }) => sealAgreement(em(), renderer, req),
    computeSafetyIndex: (req: { periodKind: 'day' | 'month'; date: string }) => computeSafetyIndex(em(), req),
  };
}

export type Activities = ReturnType<typeof createActivities>;
