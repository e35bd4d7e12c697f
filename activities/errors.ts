import { ApplicationFailure } from '@temporalio/common';
import { databaseError, describeDatabaseError } from '../db/errors';
import { ACTION_INVALID } from '../domain/action-failures';

/** Failures no retry can fix: the workflow sees them at once (listed in its nonRetryableErrorTypes). */
export const unknownUnit = (code: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(`no unit with code ${code}`, 'UnknownUnit');

export const noSlaPolicy = (what: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(`no SLA policy matches ${what}`, 'NoSlaPolicy');

/** The request names something that does not fit (the API answers 422 with this message). */
export const invalidRequest = (message: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(message, ACTION_INVALID);

/**
 * An activity's error as the failure Temporal stores (and the worker logs): a database error says
 * which activity failed, its class and SQLSTATE and the table, never the statement with the case's
 * data that the driver puts in its message (db/errors.ts). Its type stays the error's class, as the
 * SDK would have named it, and it stays retryable, so retry policies see what they saw before. Our
 * own ApplicationFailures and other errors pass unchanged.
 */
export function withoutData(err: unknown, activity: string): unknown {
  if (err instanceof ApplicationFailure) return err;
  const db = databaseError(err);
  if (!db) return err;
  const { zh, en } = describeDatabaseError(db);
  return ApplicationFailure.create({
    type: db.type,
    message: `${activity} 的数据库操作失败（${zh}）/ ${activity}: database operation failed (${en})`,
    details: [{ activity, ...(db.sqlState ? { sqlState: db.sqlState } : {}) }],
  });
}
