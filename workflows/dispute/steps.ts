/**
 * How the dispute workflow reaches the world: three proxies, named by what their steps do, and
 * `persevering`, which turns a step that has used up its retries into a stuck case (an alert, a
 * metric, a wait for the operator's repair) instead of a failed workflow.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { RetryState, type RetryPolicy } from '@temporalio/common';
import type { Activities } from '../../activities';
import { ACTION_INVALID, DATA_REJECTED } from '../../domain/action-failures';

/**
 * A finite budget: 1 s doubling to 1 min, 9 attempts, about 3 minutes — longer than a database
 * restart or fail-over, shorter than anyone should wait without an alert. A data error the
 * database refuses (`DataRejected`, worker/interceptors.ts) is not retried at all.
 */
const DB_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 9,
  nonRetryableErrorTypes: ['UnknownUnit', 'NoSlaPolicy', ACTION_INVALID, DATA_REJECTED],
};

/**
 * Effects others see: the events and the read model, alerts, the sealed agreement. Activities,
 * scheduled through the server: a lost workflow task cannot have half-applied one.
 */
export const effects = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A killed worker's attempt is retried after 2 s, not 30 (worker/interceptors.ts heartbeats while it runs).
  heartbeatTimeout: '2 seconds',
  retry: DB_RETRY,
});

/**
 * Steps keyed by the case alone (routing and numbering at intake, the parent unit, agencies,
 * deadlines from the calendar; their writes are idempotent by the case or by the year) as local
 * activities: they run in the worker inside the workflow task instead of a round trip each through
 * the server. Steps that write what depends on the case's path stay `effects`: a local activity of
 * a workflow task that is lost (a worker killed) has already happened, and the retried task may take
 * another path (an action delivered with a deadline's timer is handled first); a seq-keyed event
 * written by the lost attempt would then stand for a different event (the chaos suite caught this).
 */
export const caseSteps = proxyLocalActivities<Activities>({
  // Reads and keyed writes of milliseconds: an attempt that hangs in a live worker is retried after 10 s.
  startToCloseTimeout: '10 seconds',
  retry: DB_RETRY,
  // Retries that back off longer than this wait on a workflow timer instead of inside the task: the
  // task completes, so an action arriving meanwhile is answered at once ("busy, try again") instead of
  // waiting for the database to come back (the default, 1 minute, held one for over 2 minutes).
  localRetryThreshold: '2 seconds',
});

/** Notices (summonses, reminders, referrals) retry for about an hour, on the side of the case. */
export const notices = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '2 seconds', // a killed worker's notice is retried after 2 s
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 12 },
});

/** What a stuck case writes about itself: a short budget, never wrapped (a database that is down cannot take them either). */
export const stuckReports = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '2 seconds', // a killed worker's attempt is retried after 2 s
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

/** Why a step has stopped: its failure's type, and for a refused write the SQLSTATE (never the data). */
export interface StepFailure {
  activity: string;
  failure: string;
  retryState: string;
}

/** A step that used up its budget, or whose data the database refuses; the other failures are the case's answers. */
export function stepFailure(activity: string, err: unknown): StepFailure | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  const type = cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : (cause?.name ?? 'Error');
  const exhausted = err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED || err.retryState === RetryState.TIMEOUT;
  if (type !== DATA_REJECTED && !exhausted) return undefined;
  const detail =
    cause instanceof ApplicationFailure ? (cause.details?.[0] as { sqlState?: string } | undefined) : undefined;
  return {
    activity,
    failure: detail?.sqlState ? `${type} ${detail.sqlState}` : type,
    retryState: String(err.retryState),
  };
}

/**
 * `steps` whose every call, when it fails as `stepFailure` says, waits in `stuck` (which alerts and
 * waits for a repair or the next automatic try) and then runs again with the same arguments — the
 * same objects, so a repair that cleans them in place is what the next try writes.
 */
export function persevering<T extends object>(
  steps: T,
  stuck: (failure: StepFailure, args: unknown[]) => Promise<void>,
  recovered: () => Promise<void>,
): T {
  return new Proxy(steps, {
    get(target, name) {
      const step = Reflect.get(target, name) as unknown;
      if (typeof step !== 'function') return step;
      return async (...args: unknown[]) => {
        for (let round = 0; ; round++) {
          try {
            const result = (await (step as (...a: unknown[]) => Promise<unknown>)(...args)) as unknown;
            if (round > 0) await recovered();
            return result;
          } catch (err) {
            const failure = stepFailure(String(name), err);
            if (!failure) throw err;
            await stuck(failure, args);
          }
        }
      };
    },
  });
}
