import { ApplicationFailure } from '@temporalio/common';
import { ACTION_INVALID } from '../domain/action-failures';

/** Failures no retry can fix: the workflow sees them at once (listed in its nonRetryableErrorTypes). */
export const unknownUnit = (code: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(`no unit with code ${code}`, 'UnknownUnit');

export const noSlaPolicy = (what: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(`no SLA policy matches ${what}`, 'NoSlaPolicy');

/** The request names something that does not fit (the API answers 422 with this message). */
export const invalidRequest = (message: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(message, ACTION_INVALID);
