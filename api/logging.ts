import type { FastifyServerOptions } from 'fastify';
import { databaseErrorForLog } from '../db/errors';
import { maskingLogOptions } from '../security/log-masking';
import { safeRequestUrl } from '../security/safe-url';
import { logCorrelation } from '../telemetry/correlation';

/**
 * pino options for the API: credentials redacted, and phone numbers, ID numbers and parties' names
 * masked in whatever is logged (messages, objects, URLs). Request ids come from Fastify; routes on
 * a case add its id (see app.ts); every line also carries `requestId` and, with tracing on, `trace_id`
 * and `span_id` (telemetry/correlation.ts), as the worker's lines do.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  // The worker's logs are masked the same way (worker/logger.ts); errors from the database log no SQL.
  const masking = maskingLogOptions(databaseErrorForLog);
  return {
    level,
    mixin: logCorrelation,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
      censor: '[redacted]',
    },
    serializers: {
      ...masking.serializers,
      // The parties' link tokens, query values (an Open311 `api_key`, a search by phone) never logged.
      req: (req: { method?: string; url?: string; ip?: string }) => ({
        method: req.method,
        url: safeRequestUrl(String(req.url ?? '')),
        ip: req.ip,
      }),
    },
    formatters: masking.formatters,
    hooks: masking.hooks,
  };
}
