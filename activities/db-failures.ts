import { ApplicationFailure } from '@temporalio/common';
import { DATA_REJECTED } from '../domain/action-failures';

export { DATA_REJECTED };

/**
 * SQLSTATE classes that describe the data or the statement, not the connection: 22 data exception
 * (an unpaired surrogate in jsonb, a date out of range, a value too long), 23 integrity constraint
 * violation (less 23505 and 23P01, which a concurrent writer can cause and a retry resolves), 42
 * syntax or access rule, 54 program limit exceeded. Connection failures (08), lock timeouts and
 * serialization failures (40) and an unavailable server (57P) stay retryable.
 * https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
export function isDataError(err: unknown): boolean {
  const code = sqlState(err);
  if (!code) return false;
  if (code === '23505' || code === '23P01') return false;
  return ['22', '23', '42', '54'].includes(code.slice(0, 2));
}

function sqlState(err: unknown): string | undefined {
  for (
    let e = err as { code?: unknown; sqlState?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    depth++
  ) {
    for (const c of [e.sqlState, e.code]) if (typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c)) return c;
    e = e.cause as typeof e;
  }
  return undefined;
}

/**
 * A non-retryable failure for a data error, naming the SQLSTATE but none of the statement's values
 * (the driver's message carries the SQL with the case's state: it must not reach Temporal's history).
 */
export function dataRejected(err: unknown, activity: string): ApplicationFailure {
  const code = sqlState(err) ?? 'unknown';
  return ApplicationFailure.create({
    type: DATA_REJECTED,
    nonRetryable: true,
    message: `数据库拒绝了 ${activity} 写入的数据（SQLSTATE ${code}），重试无法解决 / the database refused the data of ${activity} (SQLSTATE ${code}); retrying cannot fix it`,
    details: [{ sqlState: code, activity }],
  });
}
