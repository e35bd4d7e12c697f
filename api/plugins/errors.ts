import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { findUnsafeText } from '../../domain/text';
import { AppError, fromTemporal, fromUnavailable, problemFor } from '../errors';
import { edgeHeaders } from './edge';

/**
 * Fastify's `frameworkErrors` option: what its router refuses before any route runs — a path that is
 * not valid percent-encoding (FST_ERR_BAD_URL) or a path parameter over 100 characters
 * (FST_ERR_MAX_PARAM_LENGTH, else a bare 414 in Fastify's own JSON) — answered like every other
 * invalid request: 400 problem+json. (Every path parameter of the API is at most 64 characters.)
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long' : 'the URL is not valid';
  // No hook runs for these: the request id and cache policy every answer has (plugins/edge.ts).
  edgeHeaders(request, reply);
  void reply
    .status(400)
    .type('application/problem+json')
    .send({
      ...problemFor(
        new AppError('validation_failed', message, { errors: [{ field: 'params', message }] }),
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
          errors: (fe.validation ?? []).map((v) => {
            const missing = (v.params as { missingProperty?: string }).missingProperty;
            const extra = (v.params as { additionalProperty?: string }).additionalProperty;
            const base = `${fe.validationContext ?? 'body'}${v.instancePath}`;
            const field = missing ? `${base}/${missing}` : extra ? `${base}/${extra}` : base;
            const allowed =
              v.keyword === 'enum' ? (v.params as { allowedValues?: unknown[] }).allowedValues : undefined;
            const message = extra
              ? 'is not a known field'
              : allowed
                ? `must be one of: ${allowed.join(', ')}`
                : (v.message ?? 'is invalid');
            return { field, message };
          }),
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
      return reply.status(appError.status).type('application/problem+json').send(problemFor(appError, request.url));
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
      if (unsafe) throw new AppError('validation_failed', `${unsafe.field} ${unsafe.message}`, { errors: [unsafe] });
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
