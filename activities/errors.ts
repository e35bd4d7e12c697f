import { ApplicationFailure } from '@temporalio/common';

/** Failures no retry can fix: the workflow sees them at once (listed in its nonRetryableErrorTypes). */
export const unknownUnit = (code: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(`no unit with code ${code}`, 'UnknownUnit');

export const noSlaPolicy = (what: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(`no SLA policy matches ${what}`, 'NoSlaPolicy');
