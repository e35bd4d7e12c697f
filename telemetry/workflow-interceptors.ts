/**
 * Workflow interceptors (they run in the workflow sandbox: deterministic, no Node built-ins, no I/O):
 * the request id that started the workflow or sent the update or signal being handled goes on, in
 * the same Temporal header, to the activities, local activities and child workflows it schedules,
 * and on each line the workflow logs. They add no command and change no command's order (replay:
 * test/telemetry/replay-with-interceptors.test.ts). Bundled with the workflows through
 * `workflowInterceptorModules` (telemetry/workflow-modules.ts).
 */
import {
  defaultPayloadConverter,
  type Headers,
  type Next,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { REQUEST_ID_HEADER } from './headers';

interface Store<T> {
  run<R>(value: T, fn: () => R): R;
  getStore(): T | undefined;
}

// The sandbox gives each workflow AsyncLocalStorage on globalThis (Temporal's own OpenTelemetry interceptors use it).
const requestIds: Store<string> = new (
  globalThis as unknown as { AsyncLocalStorage: new () => Store<string> }
).AsyncLocalStorage();

function requestIdIn(headers: Headers): string | undefined {
  const payload = headers[REQUEST_ID_HEADER];
  if (!payload) return undefined;
  try {
    const id: unknown = defaultPayloadConverter.fromPayload(payload);
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function withRequestId(headers: Headers): Headers {
  const id = requestIds.getStore();
  return id ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(id) } : headers;
}

function within<R>(headers: Headers, fn: () => R): R {
  const id = requestIdIn(headers);
  return id ? requestIds.run(id, fn) : fn();
}

class RequestIdInbound implements WorkflowInboundCallsInterceptor {
  execute(
    input: Parameters<NonNullable<WorkflowInboundCallsInterceptor['execute']>>[0],
    next: Next<WorkflowInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    return within(input.headers, () => next(input));
  }
  handleUpdate(
    input: Parameters<NonNullable<WorkflowInboundCallsInterceptor['handleUpdate']>>[0],
    next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>,
  ): Promise<unknown> {
    return within(input.headers, () => next(input));
  }
  validateUpdate(
    input: Parameters<NonNullable<WorkflowInboundCallsInterceptor['validateUpdate']>>[0],
    next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>,
  ): void {
    within(input.headers, () => next(input));
  }
  handleSignal(
    input: Parameters<NonNullable<WorkflowInboundCallsInterceptor['handleSignal']>>[0],
    next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>,
  ): Promise<void> {
    return within(input.headers, () => next(input));
  }
}

class RequestIdOutbound implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(
    input: Parameters<NonNullable<WorkflowOutboundCallsInterceptor['scheduleActivity']>>[0],
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>,
  ): Promise<unknown> {
    return next({ ...input, headers: withRequestId(input.headers) });
  }
  scheduleLocalActivity(
    input: Parameters<NonNullable<WorkflowOutboundCallsInterceptor['scheduleLocalActivity']>>[0],
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ): Promise<unknown> {
    return next({ ...input, headers: withRequestId(input.headers) });
  }
  startChildWorkflowExecution(
    input: Parameters<NonNullable<WorkflowOutboundCallsInterceptor['startChildWorkflowExecution']>>[0],
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ): Promise<[Promise<string>, Promise<unknown>]> {
    return next({ ...input, headers: withRequestId(input.headers) });
  }
  getLogAttributes(
    input: Parameters<NonNullable<WorkflowOutboundCallsInterceptor['getLogAttributes']>>[0],
    next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>,
  ): Record<string, unknown> {
    const id = requestIds.getStore();
    return next(id ? { requestId: id, ...input } : input);
  }
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new RequestIdInbound()],
  outbound: [new RequestIdOutbound()],
});
