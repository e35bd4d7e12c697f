import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  ACTION_FORBIDDEN,
  ACTION_INVALID,
  ACTION_REFUSED,
  type ActionRefusedDetails,
} from '../workflows/dispute.messages';
import type { Problem } from './schemas/common';

/** The one error type of the API; its code decides the HTTP status. */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  action_refused: 409,
  request_in_flight: 409,
  conflict: 409,
  idempotency_key_reused: 422,
  action_invalid: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  not_implemented: 501,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  action_refused: 'The case does not allow this action now',
  request_in_flight: 'A request with this Idempotency-Key is still in progress',
  conflict: 'Conflict',
  idempotency_key_reused: 'This Idempotency-Key was used with a different request',
  action_invalid: 'The action cannot be applied as given',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'This kind of file is not accepted',
  rate_limited: 'Too many requests',
  not_implemented: 'Not implemented yet',
  unavailable: 'A service this request needs is unavailable',
  internal: 'Internal error',
};

export class AppError extends Error {
  /** A refusal for the moment only ("in progress, try again"): not an answer to keep for an Idempotency-Key. */
  transient = false;
  /** Seconds for the Retry-After of a 503 (default 1): the PDF queue's guess (templates/pdf-queue.ts). */
  retryAfterSeconds?: number;
  constructor(
    public readonly code: ErrorCode,
    message?: string,
    public readonly extra: Partial<Pick<Problem, 'stage' | 'allowed' | 'errors'>> = {},
  ) {
    super(message ?? TITLES[code]);
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function problemFor(err: AppError, instance?: string): Problem {
  return {
    type: `/problems/${err.code.replace(/_/g, '-')}`,
    title: TITLES[err.code],
    status: err.status,
    detail: err.message,
    instance,
    code: err.code,
    ...err.extra,
  };
}

/** Temporal's answers, mapped into the same table. */
export function fromTemporal(err: unknown): AppError | undefined {
  if (err instanceof WorkflowNotFoundError) return new AppError('not_found', 'no such case');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return new AppError('conflict', 'the case already exists');
  if (err instanceof WorkflowUpdateFailedError) {
    // A refusal comes from the validator directly, or from an activity of the handler (wrapped in an ActivityFailure).
    for (let cause: unknown = err.cause; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
      if (!(cause instanceof ApplicationFailure)) continue;
      if (cause.type === ACTION_REFUSED) {
        const details = cause.details?.[0] as ActionRefusedDetails | undefined;
        const refused = new AppError('action_refused', cause.message, {
          stage: details?.stage,
          allowed: details?.allowed ?? [],
        });
        refused.transient = details?.busy === true;
        return refused;
      }
      if (cause.type === ACTION_INVALID || cause.type === 'UnknownUnit')
        return new AppError('action_invalid', cause.message);
      if (cause.type === ACTION_FORBIDDEN) return new AppError('forbidden', cause.message);
    }
    return fromUnavailable(err) ?? new AppError('internal');
  }
  return undefined;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|Timeout acquiring a connection|connection error|Client was closed|Connection refused/i;
/** gRPC statuses that mean "Temporal cannot be reached now", not "your request is wrong". */
const GRPC_UNAVAILABLE = new Set([
  1 /* CANCELLED (the server went away mid-call) */, 4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */,
]);
/** The case's workflow task is failing for now (its worker died mid-task, say): Temporal retries it. */
const WORKFLOW_TASK_FAILING = /Workflow Task in failed state/i;

/**
 * PostgreSQL or Temporal out of reach (refused, reset, timed out, shutting down, pool exhausted):
 * a 503 the client may retry, with the same Idempotency-Key, instead of a 500 that reads as a bug.
 */
export function fromUnavailable(err: unknown): AppError | undefined {
  // Any object with a message, not only `instanceof Error`: a socket error raised by Node's own code is
  // an Error of another realm where the API runs in a sandbox (jest's VM; the full chaos run answered
  // 51 requests 500 "read ECONNRESET" for that).
  for (
    let cause: unknown = err, depth = 0;
    typeof cause === 'object' && cause !== null && depth < 8;
    cause = (cause as { cause?: unknown }).cause, depth += 1
  ) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    const sqlState = typeof code === 'string' ? code : '';
    const database =
      NETWORK_CODES.has(sqlState) ||
      sqlState.startsWith('08') || // connection exception
      ['57P01', '57P02', '57P03', '53300'].includes(sqlState) || // shutting down, cannot connect now, too many connections
      CONNECTION_MESSAGES.test(String(message ?? ''));
    const temporal =
      (typeof code === 'number' && GRPC_UNAVAILABLE.has(code) && !(cause instanceof AppError)) ||
      WORKFLOW_TASK_FAILING.test(String(message ?? ''));
    if (database || temporal) {
      const unavailable = new AppError(
        'unavailable',
        database
          ? '数据库暂时不可用，请稍后重试 / the database is unavailable; try again shortly'
          : '工作流服务暂时不可用，请稍后重试 / the workflow service is unavailable; try again shortly',
      );
      unavailable.transient = true;
      return unavailable;
    }
  }
  return undefined;
}
