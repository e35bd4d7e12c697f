/**
 * Unit test of one piece: which failures the API answers with 503 (retry with the same
 * Idempotency-Key) rather than 500. The errors are shaped as pg, knex and gRPC raise them.
 */
import vm from 'node:vm';
import { AppError, fromUnavailable } from '../../api/errors';

const withCode = (message: string, code: string | number, cause?: unknown): Error =>
  Object.assign(new Error(message, { cause }), { code });

it.each([
  ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
  ['server shutting down', withCode('terminating connection due to administrator command', '57P01')],
  ['connection exception class', withCode('connection failure', '08006')],
  ['too many connections', withCode('sorry, too many clients already', '53300')],
  ['pool exhausted', new Error('Timeout acquiring a connection. The pool is probably full.')],
  ['connection dropped mid-query', new Error('Connection terminated unexpectedly')],
  ['connection reset mid-query', withCode('read ECONNRESET', 'ECONNRESET')],
  // Node's socket errors come from its own realm: not `instanceof` the Error of a sandboxed API (jest's VM).
  [
    'connection reset, an Error of another realm',
    vm.runInNewContext(`Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })`) as Error,
  ],
  [
    'Temporal unreachable, wrapped',
    new Error('Failed to query workflow', { cause: withCode('14 UNAVAILABLE: No connection established', 14) }),
  ],
  ['Temporal deadline exceeded', withCode('4 DEADLINE_EXCEEDED: Deadline exceeded', 4)],
  ['Temporal restarting mid-call', withCode('1 CANCELLED: Call cancelled', 1)],
  [
    "the case's workflow task failing for now",
    new Error('Workflow Update failed', {
      cause: withCode(
        '9 FAILED_PRECONDITION: Unable to perform workflow execution update due to Workflow Task in failed state.',
        9,
      ),
    }),
  ],
])('%s → 503, transient (not stored under the Idempotency-Key)', (_name, err) => {
  const mapped = fromUnavailable(err);
  expect(mapped).toBeInstanceOf(AppError);
  expect(mapped?.status).toBe(503);
  expect(mapped?.transient).toBe(true);
  expect(mapped?.message).not.toContain('5432');
});

it.each([
  ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
  ['a constraint violation', withCode('duplicate key value violates unique constraint "disputes_pkey"', '23505')],
  ['a syntax error in SQL', withCode('syntax error at or near "selec"', '42601')],
  ['gRPC not found', withCode('5 NOT_FOUND: workflow not found', 5)],
  ['another failed precondition', withCode('9 FAILED_PRECONDITION: namespace is not active', 9)],
])('%s stays a 500', (_name, err) => {
  expect(fromUnavailable(err)).toBeUndefined();
});
