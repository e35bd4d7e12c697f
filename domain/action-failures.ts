/**
 * How the workflow refuses an action, as the type of its ApplicationFailure: the API maps each to
 * an HTTP status (api/errors.ts), activities use the same types for what no retry can fix.
 */
import type { Action, Stage } from './lifecycle';

/** Error type of an action the stage does not allow now (the API answers 409). */
export const ACTION_REFUSED = 'ActionRefused';
export interface ActionRefusedDetails {
  stage: Stage;
  action: Action;
  allowed: Action[];
  /** Refused only because another action (or a deadline's consequences) was being applied: retry. */
  busy?: boolean;
}
/** Error type of an action the caller's role or area does not allow (the API answers 403). */
export const ACTION_FORBIDDEN = 'ActionForbidden';
/** Error type of an action whose content the workflow finds invalid (the API answers 422). */
export const ACTION_INVALID = 'ActionInvalid';
/** Error type of a step whose data the database refuses: retrying the same data cannot help (activities/db-failures.ts). */
export const DATA_REJECTED = 'DataRejected';
