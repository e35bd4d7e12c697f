import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { AppError, fromTemporal, problemFor } from '../errors';

const BAD_BODY = new Set(['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'FST_ERR_CTP_EMPTY_JSON_BODY', 'FST_ERR_CTP_INVALID_JSON_BODY']);

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
            return { field, message: extra ? 'is not a known field' : (v.message ?? 'is invalid') };
          }),
        });
      } else if ((error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') appError = new AppError('payload_too_large');
      else if (BAD_BODY.has((error as FastifyError).code) || error instanceof SyntaxError) {
        appError = new AppError('validation_failed', error.message);
      } else {
        appError = fromTemporal(error) ?? new AppError('internal');
      }
      if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
      return reply
        .status(appError.status)
        .type('application/problem+json')
        .send(problemFor(appError, request.url));
    });

    app.setNotFoundHandler((request, reply) =>
      reply
        .status(404)
        .type('application/problem+json')
        .send(problemFor(new AppError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`), request.url)),
    );
  },
  { name: 'errors' },
);
