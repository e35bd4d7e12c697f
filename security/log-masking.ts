/**
 * The masking every Fengqiao log goes through, the API's (api/logging.ts) and the worker's
 * (worker/logger.ts): phone numbers, identity numbers and parties' names masked in messages and in
 * logged objects (security/pii.ts), and errors serialized with their messages and stacks masked too,
 * or, for the errors `describe` knows (the database's), only what it says about them.
 */
import { stdSerializers, type LoggerOptions } from 'pino';
import { maskText, maskValue } from './pii';

export type ErrorDescriber = (err: unknown) => Record<string, unknown> | undefined;

export function maskingLogOptions(
  describe: ErrorDescriber = () => undefined,
): Required<Pick<LoggerOptions, 'formatters' | 'hooks' | 'serializers'>> {
  const error = (err: unknown): unknown => {
    if (!(err instanceof Error)) return maskValue(err);
    return describe(err) ?? maskValue({ ...stdSerializers.err(err) });
  };
  return {
    formatters: { log: (obj: Record<string, unknown>) => maskValue(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskText(a) : a)),
        );
      },
    },
    serializers: { err: error, error },
  };
}
