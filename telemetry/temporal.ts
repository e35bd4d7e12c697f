/**
 * Temporal's part of tracing and log correlation:
 * - client interceptors (temporal/connection.ts): the request id in a header on every start,
 *   update and signal; with tracing on, Temporal's OpenTelemetry client interceptor (StartWorkflow,
 *   StartWorkflowUpdate, … spans, their context in the `_tracer-data` header);
 * - worker interceptors (worker/create-worker.ts): with tracing on, RunActivity spans and Temporal's
 *   workflow interceptors (RunWorkflow, HandleUpdate, StartActivity spans, exported out of the
 *   sandbox through the `exporter` sink); always, the request id and trace ids on the activity's
 *   log lines and around its code (telemetry/correlation.ts);
 * - the workflow interceptor modules a workflow bundle must contain (telemetry/workflow-modules.ts).
 */
import type { Context as ActivityContext } from '@temporalio/activity';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type {
  ActivityInboundCallsInterceptor,
  ActivityInterceptorsFactory,
  ActivityOutboundCallsInterceptor,
  InjectedSinks,
  Next,
} from '@temporalio/worker';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { currentCorrelation, runCorrelated, traceIds } from './correlation';
import { REQUEST_ID_HEADER } from './headers';
import { activeTracing } from './tracing';
import { REQUEST_ID_WORKFLOW_INTERCEPTORS, WORKFLOW_INTERCEPTOR_MODULES } from './workflow-modules';

export { WORKFLOW_INTERCEPTOR_MODULES };

/** The modules a worker that bundles its workflows at start gives the bundler: Temporal's only while tracing is on. */
export function workflowInterceptorModules(): string[] {
  return activeTracing() ? WORKFLOW_INTERCEPTOR_MODULES : [REQUEST_ID_WORKFLOW_INTERCEPTORS];
}

function withRequestId(headers: Headers): Headers {
  const id = currentCorrelation()?.requestId;
  return id ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(id) } : headers;
}

/** The request id (of the API request being served) in a header of what the client sends to a workflow. */
class RequestIdClientInterceptor implements WorkflowClientInterceptor {
  start: WorkflowClientInterceptor['start'] = (input, next) =>
    next({ ...input, headers: withRequestId(input.headers) });
  startWithDetails: WorkflowClientInterceptor['startWithDetails'] = (input, next) =>
    next({ ...input, headers: withRequestId(input.headers) });
  signal: WorkflowClientInterceptor['signal'] = (input, next) =>
    next({ ...input, headers: withRequestId(input.headers) });
  signalWithStart: WorkflowClientInterceptor['signalWithStart'] = (input, next) =>
    next({ ...input, headers: withRequestId(input.headers) });
  startUpdate: WorkflowClientInterceptor['startUpdate'] = (input, next) =>
    next({ ...input, headers: withRequestId(input.headers) });
  startUpdateWithStart: WorkflowClientInterceptor['startUpdateWithStart'] = (input, next) =>
    next({
      ...input,
      workflowStartHeaders: withRequestId(input.workflowStartHeaders),
      updateHeaders: withRequestId(input.updateHeaders),
    });
}

/** A client's workflow interceptors: the request id's, and with tracing on, Temporal's OpenTelemetry one. */
export function workflowClientInterceptors(): WorkflowClientInterceptor[] {
  return [new RequestIdClientInterceptor(), ...(activeTracing() ? [new OpenTelemetryWorkflowClientInterceptor()] : [])];
}

type ExecuteInput = Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0];

/** What one activity's lines carry: filled when it starts running (the SDK's "Activity started" line comes before). */
interface ActivityLogState {
  requestId?: string;
  trace?: { trace_id?: string; span_id?: string };
}

class CorrelatedActivity implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: ActivityContext,
    private readonly state: ActivityLogState,
  ) {}

  execute(input: ExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const payload = input.headers[REQUEST_ID_HEADER];
    let requestId: string | undefined;
    try {
      const id: unknown = payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
      requestId = typeof id === 'string' ? id : undefined;
    } catch {
      requestId = undefined;
    }
    // Inside the RunActivity span when tracing is on (its interceptor is outside this one).
    this.state.requestId = requestId;
    this.state.trace = traceIds();
    const info = this.ctx.info;
    return runCorrelated(
      { requestId, workflowId: info.workflowExecution?.workflowId, activityType: info.activityType },
      () => next(input),
    );
  }
}

class CorrelatedActivityLog implements ActivityOutboundCallsInterceptor {
  constructor(private readonly state: ActivityLogState) {}

  getLogAttributes(
    input: Parameters<NonNullable<ActivityOutboundCallsInterceptor['getLogAttributes']>>[0],
    next: Next<ActivityOutboundCallsInterceptor, 'getLogAttributes'>,
  ): Record<string, unknown> {
    const requestId = this.state.requestId ?? currentCorrelation()?.requestId;
    return next({ ...(requestId ? { requestId } : {}), ...this.state.trace, ...input });
  }
}

/**
 * Activity interceptors of tracing and correlation, to go first (outermost) in the worker's list:
 * the RunActivity span then covers the others, and an error recorded on it is the one the
 * worker's own interceptors made of it (no data: worker/interceptors.ts).
 */
export function telemetryActivityInterceptors(): ActivityInterceptorsFactory[] {
  const tracing = activeTracing();
  return [
    ...(tracing
      ? [
          (ctx: ActivityContext) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ]
      : []),
    (ctx: ActivityContext) => {
      const state: ActivityLogState = {};
      return { inbound: new CorrelatedActivity(ctx, state), outbound: new CorrelatedActivityLog(state) };
    },
  ];
}

/**
 * The sink Temporal's workflow interceptors export their spans through: into this process's span
 * processor when tracing is on, nowhere otherwise (a bundle that contains them works either way).
 */
export function telemetrySinks(): InjectedSinks<OpenTelemetrySinks> {
  const tracing = activeTracing();
  if (tracing) return { exporter: makeWorkflowExporter(new PlainAttributes(tracing.processor), tracing.resource) };
  return { exporter: { export: { fn: () => undefined, callDuringReplay: false } } };
}

type AttributeValue = ReadableSpan['attributes'][string];

/**
 * Temporal's workflow sink copies the whole WorkflowInfo into each workflow span's attributes, objects
 * included (search attributes, memo, …), which OpenTelemetry attributes cannot hold: the spans go on
 * with the plain values only (ids, type, task queue, attempt, history length, …).
 */
class PlainAttributes implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(): void {
    // Workflow spans arrive ended.
  }
  onEnd(span: ReadableSpan): void {
    const plain = (v: unknown): boolean => ['string', 'number', 'boolean'].includes(typeof v);
    const attributes = Object.fromEntries(
      Object.entries(span.attributes).filter(([, v]) => plain(v) || (Array.isArray(v) && v.every(plain))),
    ) as Record<string, AttributeValue>;
    this.next.onEnd({ ...span, spanContext: () => span.spanContext(), attributes });
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    // The process's provider shuts the processor down (telemetry/tracing.ts stopTracing).
    return Promise.resolve();
  }
}
