/**
 * The Temporal header a request id travels in, from the API's client to the workflow and on to its
 * activities (a JSON payload of the id, as Temporal's own `_tracer-data` header is). No imports: the
 * workflow sandbox's interceptors (telemetry/workflow-interceptors.ts) share it.
 */
export const REQUEST_ID_HEADER = 'fengqiao-request-id';
