/**
 * The workflow interceptor modules a workflow bundle must contain, for `bundleWorkflowCode({
 * workflowInterceptorModules })` (the worker image's prebuilt bundle: scripts/build-workflow-bundle.ts)
 * or a worker's `interceptors.workflowModules`: the request id's (telemetry/workflow-interceptors.ts)
 * and Temporal's OpenTelemetry ones. A prebuilt bundle should contain both: the OpenTelemetry ones
 * export through a sink every worker injects (a no-op while tracing is off), so one bundle serves
 * with tracing on or off; they add no command (test/telemetry/replay-with-interceptors.test.ts).
 * Paths only: importing this file loads nothing else.
 */
export const REQUEST_ID_WORKFLOW_INTERCEPTORS = require.resolve('./workflow-interceptors');
export const OPENTELEMETRY_WORKFLOW_INTERCEPTORS =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [
  REQUEST_ID_WORKFLOW_INTERCEPTORS,
  OPENTELEMETRY_WORKFLOW_INTERCEPTORS,
];
