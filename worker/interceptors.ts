/**
 * The worker's activity interceptors, outermost first. Each is a small class of its own; this list
 * is the one place that says which run.
 */
import { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { dataRejected, isDataError } from '../activities/db-failures';
import { withoutData } from '../activities/errors';

/** A database error that retrying cannot fix fails the activity at once, as `DataRejected` (activities/db-failures.ts). */
class DataErrorsAreFinal implements ActivityInboundCallsInterceptor {
  async execute(
    input: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0],
    next: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[1],
  ): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      if (isDataError(err)) throw dataRejected(err, Context.current().info.activityType);
      throw err;
    }
  }
}

/**
 * No activity failure carries the case's data: a database error that is not final fails the attempt
 * with its class and SQLSTATE only (activities/errors.ts `withoutData`), not the driver's message
 * with the statement and its values, which Temporal would keep as the attempt's failure and the
 * worker would log.
 */
class FailuresCarryNoData implements ActivityInboundCallsInterceptor {
  async execute(
    input: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0],
    next: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[1],
  ): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      throw withoutData(err, Context.current().info.activityType);
    }
  }
}

/**
 * Heartbeats every activity scheduled with a `heartbeatTimeout` four times per timeout while it runs,
 * whatever it does: a killed worker's activity is then retried elsewhere within that timeout (instead
 * of its 30 s start-to-close), while one that is slow but alive (waiting on the database, a browser
 * rendering a PDF, a webhook receiver) keeps heartbeating and is not cut. Local activities have no
 * heartbeat timeout (a dead worker's local activity is retried with its workflow task).
 */
class HeartbeatWhileRunning implements ActivityInboundCallsInterceptor {
  async execute(
    input: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0],
    next: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[1],
  ): Promise<unknown> {
    const context = Context.current();
    const timeoutMs = context.info.heartbeatTimeoutMs;
    if (!timeoutMs) return next(input);
    const beat = setInterval(() => context.heartbeat(), Math.max(100, timeoutMs / 4));
    try {
      return await next(input);
    } finally {
      clearInterval(beat);
    }
  }
}

export const activityInterceptors: ActivityInterceptorsFactory[] = [
  () => ({ inbound: new HeartbeatWhileRunning() }),
  () => ({ inbound: new FailuresCarryNoData() }),
  () => ({ inbound: new DataErrorsAreFinal() }),
];
