/**
 * What ties a log line to the request and the trace it belongs to, API and worker alike:
 * - the request id (the caller's X-Request-Id, else the one the API made: api/plugins/edge.ts),
 *   kept for the time of a request in the API, carried to the workflow and its activities in a
 *   Temporal header (telemetry/temporal.ts, telemetry/workflow-interceptors.ts), and kept for
 *   the time of an activity in the worker;
 * - the trace and span ids of the active span, when tracing is on (telemetry/tracing.ts).
 * `logCorrelation` is the pino mixin of both processes' logs (api/logging.ts, worker/logger.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isSpanContextValid, trace } from '@opentelemetry/api';

export interface Correlation {
  requestId?: string;
  workflowId?: string;
  activityType?: string;
}

// Hand-written rather than @fastify/request-context: the same store serves the API's requests and the
// worker's activities, and the Temporal client interceptor reads it outside any Fastify request object.
const store = new AsyncLocalStorage<Correlation>();

/** Runs `fn` with `correlation` as the current one (an API request, an activity). */
export function runCorrelated<T>(correlation: Correlation, fn: () => T): T {
  return store.run(correlation, fn);
}

export function currentCorrelation(): Correlation | undefined {
  return store.getStore();
}

/** The active span's ids, as `trace_id` and `span_id` (the names Temporal's interceptors log them under). */
export function traceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  const ctx = span?.spanContext();
  return ctx && isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
}

/** pino's `mixin`: the current request id, workflow and activity (worker) and trace ids, on every line. */
export function logCorrelation(): Record<string, string> {
  const c = store.getStore();
  const out: Record<string, string> = {};
  if (c?.requestId) out.requestId = c.requestId;
  if (c?.workflowId) out.workflowId = c.workflowId;
  if (c?.activityType) out.activityType = c.activityType;
  return Object.assign(out, traceIds());
}
