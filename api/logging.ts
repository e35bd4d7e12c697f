import type { FastifyServerOptions } from 'fastify';
import { maskText, maskValue } from '../security/pii';

/**
 * pino options for the API: credentials redacted, and phone numbers, ID numbers and parties' names
 * masked in whatever is logged (messages, objects, URLs). Request ids come from Fastify; routes on
 * a case add its id (see app.ts).
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
      censor: '[redacted]',
    },
    serializers: {
      // Open311 clients may send their key as `api_key` in the query: never log it.
      req: (req: { method?: string; url?: string; ip?: string }) => ({
        method: req.method,
        url: maskText(String(req.url ?? '')).replace(/([?&]api_key=)[^&]*/gi, '$1[redacted]'),
        ip: req.ip,
      }),
    },
    formatters: { log: (obj: Record<string, unknown>) => maskValue(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskText(a) : a)),
        );
      },
    },
  };
}
