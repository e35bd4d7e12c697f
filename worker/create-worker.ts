import type { MikroORM } from '@mikro-orm/postgresql';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type WebhookSettings } from '../activities';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { LogNotifier, WebhookNotifier, type Notifier } from '../activities/notifier';
import type { AppConfig } from '../config/env';
import type { OfficePeriod } from '../domain/calendar';
import type { DocumentRenderer } from '../templates/render';
import type { NotificationService } from '../notifications/service';
import { TASK_QUEUE } from '../workflows/dispute.messages';
import { activityInterceptors } from './interceptors';
import { telemetryActivityInterceptors, telemetrySinks, workflowInterceptorModules } from '../telemetry/temporal';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  /** The payload codec's (temporal/codec.ts), the same as every client's: required, so no worker writes payloads in clear. */
  dataConverter: DataConverter;
  orm: MikroORM;
  renderer: DocumentRenderer;
  notifier?: Notifier;
  officeHours?: OfficePeriod[];
  /** A client to start webhook deliveries with (they run on this worker's task queue). */
  client?: Client;
  webhooks?: WebhookSettings;
  /** Notices to people (SMS, e-mail), planned on the side of the case's steps (notifications/). */
  notifications?: NotificationService;
  taskQueue?: string;
  /** Sticky-cache size (WORKER_MAX_CACHED_WORKFLOWS); the SDK's heap-based default otherwise. */
  maxCachedWorkflows?: number;
  /** A prebuilt bundle (tests build it once per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Slots and pollers, where they should differ from the SDK's defaults (the bench's knob sweep, bench/knobs.ts). */
  tuning?: WorkerTuning;
}

export type WorkerTuning = Pick<
  WorkerOptions,
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentLocalActivityExecutions'
  // Pollers: SDK 1.24 reads these, not its maxConcurrentWorkflowTaskPolls / maxConcurrentActivityTaskPolls.
  | 'workflowTaskPollerBehavior'
  | 'activityTaskPollerBehavior'
>;

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    dataConverter: deps.dataConverter,
    taskQueue: deps.taskQueue ?? TASK_QUEUE,
    ...(deps.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: deps.maxCachedWorkflows } : {}),
    // Fail-over: a case's task waits ≤ 0.5 s for the worker caching it (SDK default 10 s), then any worker takes it.
    stickyQueueScheduleToStartTimeout: '500 ms',
    // Heartbeats reach the server every 0.5 s (default 0.8 × heartbeatTimeout): 1.5 s of slack on a 2 s timeout.
    maxHeartbeatThrottleInterval: '500 ms',
    ...deps.tuning,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    // Tracing and log correlation first (outermost: telemetry/temporal.ts). A prebuilt bundle carries its own
    // workflow interceptor modules (built with telemetry/workflow-modules.ts WORKFLOW_INTERCEPTOR_MODULES).
    interceptors: {
      activity: [...telemetryActivityInterceptors(), ...activityInterceptors],
      workflowModules: workflowInterceptorModules(),
    },
    sinks: telemetrySinks(),
    activities: createActivities({
      orm: deps.orm,
      renderer: deps.renderer,
      notifier: deps.notifier,
      officeHours: deps.officeHours,
      temporal: deps.client ? { client: deps.client, taskQueue: deps.taskQueue ?? TASK_QUEUE } : undefined,
      webhooks: deps.webhooks,
      notifications: deps.notifications,
    }),
  });
}

/** The notifier the configuration asks for: a signed webhook, else the log. */
export function notifierFor(config: Pick<AppConfig, 'noticeWebhook'>, log?: (line: string) => void): Notifier {
  return config.noticeWebhook
    ? new WebhookNotifier(config.noticeWebhook.url, config.noticeWebhook.secret)
    : new LogNotifier(log);
}
