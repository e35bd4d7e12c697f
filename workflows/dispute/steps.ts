/**
 * How the dispute workflow reaches the world: three proxies, named by what their steps do.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../../activities';
import { ACTION_INVALID } from '../dispute.messages';

const DB_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: ['UnknownUnit', 'NoSlaPolicy', ACTION_INVALID],
};

/**
 * Effects others see: the events and the read model, alerts, the sealed agreement. Activities,
 * scheduled through the server: a lost workflow task cannot have half-applied one.
 */
export const effects = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: DB_RETRY });

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
  startToCloseTimeout: '30 seconds',
  retry: DB_RETRY,
  // Retries that back off longer than this wait on a workflow timer instead of inside the task: the
  // task completes, so an action arriving meanwhile is answered at once ("busy, try again") instead of
  // waiting for the database to come back (the default, 1 minute, held one for over 2 minutes).
  localRetryThreshold: '2 seconds',
});

/** Notices (summonses, reminders, referrals) retry for about an hour, on the side of the case. */
export const notices = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 12 },
});
