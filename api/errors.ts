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

/**
 * One invalid field, as a JSON pointer into the request (`body/at`), its English message, and — for
 * clients that say it in their own words (the console says it in Chinese) — a stable machine code
 * (`required`, `in_past`, `minimum`…) with the code's parameters (`{ limit: 1 }`).
 */
export interface FieldError {
  field: string;
  message: string;
  code?: string;
  params?: ProblemParams;
}
export type ProblemParams = Record<string, string | number | boolean | Array<string | number>>;

/** What a problem may carry beyond its code and detail: `reason` is the refusal's stable machine code. */
export interface ProblemExtra {
  stage?: string;
  allowed?: string[];
  errors?: FieldError[];
  reason?: string;
  params?: ProblemParams;
}

export class AppError extends Error {
  /** A refusal for the moment only ("in progress, try again"): not an answer to keep for an Idempotency-Key. */
  transient = false;
  /** Seconds for the Retry-After of a 503 (default 1): the PDF queue's guess (templates/pdf-queue.ts). */
  retryAfterSeconds?: number;
  constructor(
    public readonly code: ErrorCode,
    message?: string,
    public readonly extra: ProblemExtra = {},
  ) {
    super(message ?? TITLES[code]);
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function problemFor(err: AppError, instance?: string): Problem & ProblemExtra {
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

// ---- Refusals' machine codes ----------------------------------------------------------------

type Body = Record<string, unknown> | undefined;
const isBlank = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === 'string' && !v.trim()) || (Array.isArray(v) && v.length === 0);
const required = (field: string, message: string): FieldError => ({
  field: `body/${field}`,
  message,
  code: 'required',
});

interface Refusal {
  /** Matched against the English part of the message (after " / " in a bilingual one). */
  match: RegExp;
  reason: string;
  params?: (m: RegExpExecArray) => ProblemParams;
  /** The fields the refusal is about, from the request's body. */
  fields?: (body: Body, message: string, m: RegExpExecArray) => FieldError[];
}

/**
 * The workflow's and the routes' refusals that carry no code of their own, recognised by their stable
 * English message (tests pin these messages) and given a machine code (`reason`), its parameters and
 * the fields concerned, so a client can say them in its own words. The messages themselves stay as
 * they are (integrators read `detail`).
 */
const REFUSALS: Refusal[] = [
  {
    match: /^the meeting must be in the future$/,
    reason: 'meeting_in_past',
    fields: (_b, message) => [{ field: 'body/at', message, code: 'in_past' }],
  },
  {
    match: /^an agreed outcome needs matters, responsibilities and at least one term$/,
    reason: 'agreement_incomplete',
    fields: (body, message) =>
      (['matters', 'responsibilities', 'terms'] as const)
        .filter((f) => isBlank(body?.[f]))
        .map((f) => required(f, message)),
  },
  {
    match: /^an agreement needs at least one term/,
    reason: 'terms_missing',
    fields: (_b, message) => [required('terms', message)],
  },
  {
    match: /^an agency is listed twice$/,
    reason: 'agency_twice',
    fields: (_b, message) => [{ field: 'body/agencies', message, code: 'duplicate' }],
  },
  { match: /^no party (\d+)$/, reason: 'no_party', params: (m) => ({ party: Number(m[1]) + 1 }) },
  { match: /^there is no meeting to record$/, reason: 'no_meeting' },
  { match: /^only a representative of a summoned agency answers the summons$/, reason: 'not_summoned' },
  { match: /^(\S+) has already answered$/, reason: 'already_answered', params: (m) => ({ agency: m[1]! }) },
  {
    match: /^a reason is required to decline$/,
    reason: 'reason_required',
    fields: (_b, message) => [required('reason', message)],
  },
  {
    match: /^unknown signer /,
    reason: 'unknown_signer',
    fields: (_b, message) => [{ field: 'body/signer', message, code: 'unknown' }],
  },
  { match: /^(\S+) has already signed$/, reason: 'already_signed', params: (m) => ({ signer: m[1]! }) },
  {
    match: /^only a party signs through an agent/,
    reason: 'agent_for_party_only',
    fields: (_b, message) => [{ field: 'body/agent', message, code: 'not_allowed' }],
  },
  { match: /^the committee seal is already affixed$/, reason: 'already_sealed' },
  { match: /^an oral agreement is not signed$/, reason: 'oral_not_signed' },
  { match: /^there is no level above this unit$/, reason: 'no_level_above' },
  { match: /^the case is already at the highest level$/, reason: 'highest_level' },
  {
    match: /^the case is already with that unit$/,
    reason: 'same_unit',
    fields: (_b, message) => [{ field: 'body/transferTo', message, code: 'same_unit' }],
  },
  {
    match: /^name a unitCode, an assignee, or both$/,
    reason: 'assignee_missing',
    fields: (_b, message) => [required('unitCode', message)],
  },
  {
    match: /^(\S+) is outside (?:your area|.+'s neighbourhood)$/,
    reason: 'outside_area',
    params: (m) => ({ unit: m[1]! }),
  },
  { match: /^\S+ .+ may not (\S+) this case$/, reason: 'role_may_not', params: (m) => ({ action: m[1]! }) },
  { match: /^the case is still being registered/, reason: 'registering' },
  { match: /^another action on this case is in progress/, reason: 'busy' },
  {
    match: /^action (\S+) is not allowed in stage (\S+)( \(suspended\))?$/,
    reason: 'not_in_stage',
    params: (m) => ({ action: m[1]!, stage: m[2]!, suspended: !!m[3] }),
  },
  { match: /^no such case$/, reason: 'no_case' },
  // The administration's refusals (api/routes/admin*.ts).
  {
    match: /^at least one weight must be above 0$/,
    reason: 'weights_all_zero',
    fields: (_b, message) => [{ field: 'body', message, code: 'all_zero' }],
  },
  { match: /^the fallback policies cannot be removed$/, reason: 'fallback_policy' },
  {
    match: /^(?:a policy for (\S+) exists|policy \S+ already covers (\S+))/,
    reason: 'policy_exists',
    params: (m) => ({ rule: (m[1] ?? m[2])! }),
  },
  { match: /^unit (\S+) exists$/, reason: 'unit_exists', params: (m) => ({ unit: m[1]! }) },
  { match: /^username (\S+) is taken$/, reason: 'username_taken', params: (m) => ({ username: m[1]! }) },
  {
    match: /^a unit below the city needs an existing parentCode$/,
    reason: 'parent_required',
    fields: (_b, message) => [{ field: 'body/parentCode', message, code: 'required' }],
  },
  { match: /^the case already exists$/, reason: 'case_exists' },
];

/** Every refusal code REFUSALS gives, and the field codes it names (a client's dictionary must say each). */
export const REFUSAL_REASONS: readonly string[] = REFUSALS.map((r) => r.reason);

/** The English half of a bilingual message ("中文 / English"), or the whole message. */
export function englishPart(message: string): string {
  return BILINGUAL.exec(message)?.[2] ?? message;
}

/** "中文 / English" (also "中文/ English"): the Chinese half ends at the slash after its last Chinese character. */
export const BILINGUAL = /^(.*[\u4e00-\u9fff][^/]*?)\s*\/\s+([^\u4e00-\u9fff]+)$/s;

/**
 * The refusal with its machine code (`reason`, `params`) and the fields it concerns, when its message
 * is one of REFUSALS and it has no code yet; fields already named keep their own entries.
 */
export function explainRefusal(err: AppError, body?: unknown): AppError {
  if (err.extra.reason || err.status >= 500) return err;
  const message = englishPart(err.message);
  for (const r of REFUSALS) {
    const m = r.match.exec(message);
    if (!m) continue;
    const fields = r.fields?.(body as Body, err.message, m) ?? [];
    const named = new Set((err.extra.errors ?? []).map((e) => e.field));
    const errors = [...(err.extra.errors ?? []), ...fields.filter((f) => !named.has(f.field))];
    const explained = new AppError(err.code, err.message, {
      ...err.extra,
      reason: r.reason,
      ...(r.params ? { params: r.params(m) } : {}),
      ...(errors.length ? { errors } : {}),
    });
    explained.transient = err.transient;
    explained.retryAfterSeconds = err.retryAfterSeconds;
    return explained;
  }
  return err;
}
