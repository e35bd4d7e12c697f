import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { findUnsafeText } from '../../domain/text';
import { AppError, explainRefusal, fromTemporal, fromUnavailable, problemFor, type FieldError } from '../errors';
import { edgeHeaders } from './edge';

/**
 * Fastify's `frameworkErrors` option: what its router refuses before any route runs — a path that is
 * not valid percent-encoding (FST_ERR_BAD_URL) or a path parameter over 100 characters
 * (FST_ERR_MAX_PARAM_LENGTH, else a bare 414 in Fastify's own JSON) — answered like every other
 * invalid request: 400 problem+json. (Every path parameter of the API is at most 64 characters.)
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const message = tooLong ? 'a path parameter is too long' : 'the URL is not valid';
  const code = tooLong ? 'max_length' : 'bad_url';
  const reason = tooLong ? 'param_too_long' : 'bad_url';
  // No hook runs for these: the request id and cache policy every answer has (plugins/edge.ts).
  edgeHeaders(request, reply);
  void reply
    .status(400)
    .type('application/problem+json')
    .send({
      ...problemFor(
        new AppError('validation_failed', message, { reason, errors: [{ field: 'params', message, code }] }),
        request.url,
      ),
      requestId: request.id,
    });
}

const BAD_BODY = new Set([
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_JSON_BODY',
]);

/** The multipart parser's (busboy's) refusals of a body that is not a well-formed form: the client's error. */
const MULTIPART_REFUSAL = /^(Multipart: Boundary not found|Unexpected end of form|Malformed part header)/;

/**
 * Where a request carries U+0000, if anywhere: PostgreSQL text and jsonb cannot hold it (the
 * statement fails: a 500, or an activity that retries forever), so no request may bring one in.
 */
function nulCharacterAt(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 32 || Buffer.isBuffer(value)) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return path;
    const found = nulCharacterAt(item, `${path}/${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** One error handler: everything leaves as RFC 9457 problem+json; 5xx bodies never carry internals. */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
      let appError: AppError;
      if (error instanceof AppError) appError = error;
      else if ((error as FastifyError).validation) {
        const fe = error as FastifyError;
        appError = new AppError('validation_failed', 'The request is not valid: see errors', {
          errors: (fe.validation ?? []).map((v) => validationError(fe.validationContext ?? 'body', v)),
        });
      } else if ((error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        appError = new AppError('payload_too_large');
      else if (
        BAD_BODY.has((error as FastifyError).code) ||
        error instanceof SyntaxError ||
        isClientError(error) ||
        MULTIPART_REFUSAL.test(error.message)
      ) {
        // Fastify's own refusals of a request (a body it cannot parse, a missing Content-Type, …).
        appError = new AppError('validation_failed', error.message);
      } else {
        appError = fromTemporal(error) ?? fromUnavailable(error) ?? new AppError('internal');
      }
      if (appError.code === 'unavailable') void reply.header('retry-after', String(appError.retryAfterSeconds ?? 1));
      if (appError.status >= 500)
        request.log.error({ err: error, status: appError.status, code: appError.code }, 'request failed');
      appError = explainRefusal(appError, request.body);
      // Serialized here, not by the route's response schema, so that the machine codes a client
      // translates (`reason`, `params`, `errors[].code/params`) are not dropped by it; a string skips
      // preSerialization, so the request id (plugins/edge.ts) is added here.
      return reply
        .status(appError.status)
        .type('application/problem+json')
        .send(JSON.stringify({ ...problemFor(appError, request.url), requestId: request.id }));
    });

    app.addHook('preValidation', async (request) => {
      const field =
        nulCharacterAt(request.params, 'params') ??
        nulCharacterAt(request.query, 'querystring') ??
        nulCharacterAt(request.body, 'body');
      if (field)
        throw new AppError('validation_failed', 'The request is not valid: see errors', {
          errors: [{ field, message: 'must not contain U+0000' }],
        });
      // Nor an unpaired surrogate (jsonb refuses it: a case whose projection held one froze), another
      // control character or a bidirectional override (domain/text.ts): a 400 naming the field.
      const unsafe =
        findUnsafeText(request.params, 'params') ??
        findUnsafeText(request.query, 'querystring') ??
        findUnsafeText(request.body, 'body');
      if (unsafe)
        throw new AppError('validation_failed', `${unsafe.field} ${unsafe.message}`, {
          errors: [{ ...unsafe, code: unsafeCode(unsafe.message) }],
        });
    });

    app.setNotFoundHandler((request, reply) =>
      reply
        .status(404)
        .type('application/problem+json')
        .send(
          problemFor(new AppError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`), request.url),
        ),
    );
  },
  { name: 'errors' },
);

/** AJV's keywords as the problem's field codes (snake_case), with the parameters a client needs to say them. */
export const KEYWORD_CODES: Record<string, string> = {
  required: 'required',
  additionalProperties: 'unknown_field',
  enum: 'enum',
  const: 'enum',
  type: 'type',
  format: 'format',
  pattern: 'pattern',
  minLength: 'min_length',
  maxLength: 'max_length',
  minimum: 'minimum',
  maximum: 'maximum',
  exclusiveMinimum: 'exclusive_minimum',
  exclusiveMaximum: 'exclusive_maximum',
  minItems: 'min_items',
  maxItems: 'max_items',
  uniqueItems: 'unique_items',
  minProperties: 'min_properties',
  maxProperties: 'max_properties',
  multipleOf: 'multiple_of',
  anyOf: 'any_of',
  oneOf: 'any_of',
};

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** One AJV error as the problem's field entry: the field, AJV's English message, its code and parameters. */
export function validationError(context: string, v: AjvError): FieldError {
  const params = v.params ?? {};
  const missing = params.missingProperty as string | undefined;
  const extra = params.additionalProperty as string | undefined;
  const base = `${context}${v.instancePath}`;
  const field = missing ? `${base}/${missing}` : extra ? `${base}/${extra}` : base;
  const allowed = v.keyword === 'enum' ? (params.allowedValues as unknown[] | undefined) : undefined;
  const message = extra
    ? 'is not a known field'
    : allowed
      ? `must be one of: ${allowed.join(', ')}`
      : (v.message ?? 'is invalid');
  const code = KEYWORD_CODES[v.keyword] ?? 'invalid';
  const out: FieldError['params'] = {};
  if (typeof params.limit === 'number') out.limit = params.limit;
  if (typeof params.format === 'string') out.format = params.format;
  if (typeof params.type === 'string') out.type = params.type;
  if (allowed) out.allowed = allowed.map((a) => (typeof a === 'number' ? a : String(a)));
  if (v.keyword === 'const' && params.allowedValue !== undefined) out.allowed = [String(params.allowedValue)];
  return { field, message, code, ...(Object.keys(out).length ? { params: out } : {}) };
}

/** domain/text.ts's reasons as codes: a control character, an unpaired surrogate, a bidirectional override. */
function unsafeCode(message: string): string {
  if (/surrogate/.test(message)) return 'unpaired_surrogate';
  if (/bidirectional/.test(message)) return 'bidi_control';
  return 'control_character';
}

/** A Fastify error that refuses the request itself (its status is 4xx), as opposed to a failure of ours. */
export function isClientError(error: unknown): boolean {
  const status = (error as FastifyError).statusCode;
  return (
    typeof (error as FastifyError).code === 'string' &&
    (error as FastifyError).code.startsWith('FST_') &&
    typeof status === 'number' &&
    status >= 400 &&
    status < 500
  );
}
