/**
 * One dispute traced end to end (issue 23, item 4): with tracing on, a case reported and accepted
 * through the API leaves, for each request, one trace that holds the API's request span, Temporal's
 * client span, the workflow's spans, the activities' spans and the PostgreSQL queries they made,
 * each linked to its parent. And the log lines of both sides name the request and the trace: the
 * caller's X-Request-Id reaches the worker's lines about the activities that request caused.
 * Real Temporal dev server, real PostgreSQL, the real workflow bundle (with the tracing interceptors).
 */
import { Writable } from 'node:stream';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loggerOptions } from '../../api/logging';
import { stopTracing } from '../../telemetry/tracing';
import { installWorkerRuntime } from '../../worker/runtime';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { taoliLiftNoise } from '../helpers/fixtures';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { bundleWithInterceptors, describeTrace, startTestTracing } from './tracing-harness';

type Line = Record<string, unknown>;
const capture = (into: Line[]) =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) into.push(JSON.parse(l) as Line);
      done();
    },
  });

const workerLines: Line[] = [];
const apiLines: Line[] = [];
let sys: TestSystem;
let spans: () => ReadableSpan[];

beforeAll(async () => {
  // The worker's runtime as worker/main.ts installs it, its pino lines captured, at debug: the SDK's per-activity lines.
  installWorkerRuntime({ workerLogLevel: 'debug' }, { sdkHandlesSignals: false, destination: capture(workerLines) });
  const { exporter } = startTestTracing();
  spans = () => exporter.getFinishedSpans();
  const workflowBundlePath = await bundleWithInterceptors();
  const logger = { ...(loggerOptions('info') as object), stream: capture(apiLines) };
  sys = await startSystem({ workflowBundlePath, logger });
}, 120_000);
afterAll(async () => {
  await sys?.close();
  await stopTracing();
});

const attr = (s: ReadableSpan, key: string) => s.attributes[key];
const isPg = (s: ReadableSpan) => s.name.startsWith('pg.query:');

/** The spans of the trace whose root is the API's span of the request `requestId`, once `done` holds of them. */
async function traceOf(requestId: string, done: (trace: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
  const all = () => describeTrace(spans());
  return eventually(
    async () => {
      const root = spans().find((s) => s.name === 'request' && attr(s, 'fengqiao.request_id') === requestId);
      if (!root) return undefined;
      const trace = spans().filter((s) => s.spanContext().traceId === root.spanContext().traceId);
      return done(trace) ? trace : undefined;
    },
    20_000,
    `the trace of request ${requestId}`,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; spans:\n${all()}`);
  });
}

/** Each span's ancestors' names, up to the root, or a break in the chain. */
function ancestry(trace: ReadableSpan[], span: ReadableSpan): string[] {
  const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
  const names: string[] = [];
  for (let s: ReadableSpan | undefined = span; s?.parentSpanId;) {
    s = byId.get(s.parentSpanId);
    names.push(s ? s.name : '(missing parent)');
  }
  return names;
}

it('traces a report and an acceptance from the API through the workflow and activities to PostgreSQL, and logs their ids', async () => {
  const created = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/disputes',
      headers: { authorization: `Bearer ${sys.apiKey}`, 'x-request-id': 'test-req-report' },
      payload: taoliLiftNoise(),
    }),
    201,
  );
  const id: string = created.id;
  const mediator = { authorization: `Bearer ${await sys.login('mediator@yufuci-community')}` };
  const accepted = await sys.app.inject({
    method: 'POST',
    url: `/api/v1/disputes/${id}/signals/accept`,
    headers: { ...mediator, 'x-request-id': 'test-req-123' },
    payload: {},
  });
  expectStatus(accepted, 200);
  expect(accepted.headers['x-request-id']).toBe('test-req-123');

  // The report: the request, the workflow started from it, and its first activity with its queries. (The
  // workflow's own RunWorkflow span, parent of what its main function schedules, ends with the case: it is
  // exported then, so here the chain from the intake activity stops at it.)
  const report = await traceOf('test-req-report', (t) =>
    t.some((s) => s.name === 'RunActivity:intakeDispute' && t.some((q) => isPg(q) && ancestry(t, q)[0] === s.name)),
  );
  const reportWhy = describeTrace(report);
  expect({
    chain: ancestry(
      report,
      report.find((s) => s.name === 'HandleUpdate:intake-done')!,
    ),
    reportWhy,
  }).toMatchObject({
    chain: ['UpdateWithStartWorkflow:intake-done', 'handler - disputes', 'request'],
  });
  expect(
    ancestry(
      report,
      report.find((s) => s.name === 'RunActivity:intakeDispute')!,
    ).slice(0, 2),
  ).toEqual(['StartActivity:intakeDispute', '(missing parent)']);

  // The acceptance: request → client's update → the workflow's handling → activity → queries, one trace.
  const trace = await traceOf('test-req-123', (t) =>
    t.some((s) => s.name === 'RunActivity:recordEvents' && t.some((q) => isPg(q) && ancestry(t, q)[0] === s.name)),
  );
  const why = describeTrace(trace);
  const root = trace.find((s) => s.name === 'request')!;
  expect(root.parentSpanId).toBeUndefined();
  expect(attr(root, 'http.route')).toBe('/api/v1/disputes/:id/signals/accept');
  const names = trace.map((s) => s.name);
  for (const name of ['StartWorkflowUpdate:accept', 'HandleUpdate:accept'])
    expect({ name, found: names.includes(name), why }).toMatchObject({ found: true });
  expect(names.filter((n) => n.startsWith('StartActivity:')).length).toBeGreaterThan(0);
  // Every span but the root has its parent in the same trace.
  for (const s of trace.filter((x) => x !== root))
    expect({ span: s.name, chain: ancestry(trace, s), why }).toMatchObject({
      chain: expect.arrayContaining(['request']),
    });
  // The worker's work hangs under the client's update span, itself under the API's request.
  const activity = trace.find((s) => s.name.startsWith('RunActivity:'))!;
  expect(ancestry(trace, activity)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^StartActivity:/),
      'HandleUpdate:accept',
      'StartWorkflowUpdate:accept',
      'request',
    ]),
  );
  // PostgreSQL queries in the trace: the worker's (under an activity) and the API's own (the request's reads).
  const queries = trace.filter(isPg);
  expect(queries.some((q) => ancestry(trace, q).some((n) => n.startsWith('RunActivity:')))).toBe(true);
  expect(queries.some((q) => !ancestry(trace, q).some((n) => n.startsWith('RunActivity:')))).toBe(true);
  // Statements only, no values: the case's text and the session's token hash are in no span; attributes are plain values.
  const attributes = JSON.stringify(trace.map((s) => s.attributes));
  expect(attributes).not.toContain('货梯');
  expect(attributes).not.toMatch(/token_hash = '/);
  expect(attributes).toContain('token_hash = ?');
  for (const s of trace)
    for (const [key, value] of Object.entries(s.attributes))
      expect({ span: s.name, key, type: Array.isArray(value) ? 'array' : typeof value }).toMatchObject({
        type: expect.stringMatching(/^(string|number|boolean|array)$/),
      });

  // Logs: the worker's lines about the acceptance's activities carry its request id and trace id.
  const traceId = root.spanContext().traceId;
  const workflowId = workflowIdFor(id);
  const activityLines = await eventually(
    async () => {
      const found = workerLines.filter((l) => l.msg === 'Activity completed' && l.requestId === 'test-req-123');
      return found.length > 0 ? found : undefined;
    },
    10_000,
    'worker lines of the acceptance',
  );
  for (const line of activityLines)
    expect(line).toMatchObject({
      component: 'worker',
      requestId: 'test-req-123',
      trace_id: traceId,
      workflowId,
      activityType: expect.any(String),
    });
  // … and the report's lines the report's id, never the acceptance's.
  expect(workerLines.some((l) => l.msg === 'Activity completed' && l.requestId === 'test-req-report')).toBe(true);
  // The API's line for the request: its id and the trace.
  const apiLine = apiLines.find((l) => l.msg === 'request completed' && l.reqId === 'test-req-123');
  expect(apiLine).toMatchObject({ requestId: 'test-req-123', trace_id: traceId });
});
