/**
 * Tracing as an operator turns it on (docs/tracing.md): `npm run api`'s and `npm run worker`'s entry
 * points (api/server.ts, worker/main.ts) in processes of their own, with OTEL_EXPORTER_OTLP_ENDPOINT
 * pointing at an OTLP/HTTP receiver, the worker bundling its workflows at start. A real HTTP request
 * with a body and an X-Request-Id reaches the receiver as one trace across both services, from the
 * API's request span to the PostgreSQL queries the worker's activity made: so register-api.ts and
 * register-worker.ts hooked `pg` (no test patching here), the services are named fengqiao-api and
 * fengqiao-worker, the worker put the interceptors into its bundle, and the spans went out by OTLP.
 * The API's line for the request, and the worker's for the activities it caused, carry the request
 * id and the trace id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { TEST_API_KEY, TEST_PASSWORD } from '../helpers/run-state';
import { TEST_PAYLOAD_KEYS_ENV } from '../helpers/payload-keys';
import { taoliLiftNoise } from '../helpers/fixtures';
import { eventually } from '../helpers/system';

const ROOT = path.join(__dirname, '../..');

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: string } }>;
}
interface Received {
  service: string;
  span: OtlpSpan;
}

const received: Received[] = [];
const stdout: string[] = [];
const workerStdout: string[] = [];
let receiver: Server;
let api: ChildProcess | undefined;
let worker: ChildProcess | undefined;
let apiUrl: string;

/** A child's stdout, line by line, into `into`. */
function collect(child: ChildProcess, into: string[]): void {
  let partial = '';
  child.stdout!.on('data', (c: Buffer) => {
    const lines = (partial + c.toString('utf8')).split('\n');
    partial = lines.pop()!;
    into.push(...lines.filter(Boolean));
  });
}

const json = (lines: string[]) =>
  lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

beforeAll(async () => {
  // An OTLP/HTTP receiver (JSON), as a collector's port 4318 would be.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: Array<{
            resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
            scopeSpans: Array<{ spans: OtlpSpan[] }>;
          }>;
        };
        for (const rs of body.resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans) for (const span of ss.spans) received.push({ service, span });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Batches every 200 ms instead of 5 s.
    OTEL_BSP_SCHEDULE_DELAY: '200',
    // The tests' payload key (else each would make one in data/).
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS_ENV,
    // The worker bundles its workflows at start, with the interceptors tracing needs.
    WORKFLOW_BUNDLE_PATH: 'none',
    WORKER_LOG_LEVEL: 'debug',
  };
  delete env.OTEL_SERVICE_NAME;
  delete env.FENGQIAO_TRACING;
  const child = (file: string) =>
    spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, file)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  api = child('api/server.ts');
  worker = child('worker/main.ts');
  collect(api, stdout);
  collect(worker, workerStdout);
  const workerErr: string[] = [];
  worker.stderr!.on('data', (c: Buffer) => workerErr.push(c.toString('utf8')));
  const stderr: string[] = [];
  api.stderr!.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
  await eventually(
    async () => {
      if (api!.exitCode !== null) throw new Error(`the API exited: ${stderr.join('')}`);
      return fetch(`${apiUrl}/healthz`)
        .then((r) => r.ok)
        .catch(() => false);
    },
    60_000,
    'the API to listen',
  );
  await eventually(
    async () => {
      if (worker!.exitCode !== null) throw new Error(`the worker exited: ${workerErr.join('')}`);
      return json(workerStdout).some((l) => l.msg === 'Worker state changed' && l.state === 'RUNNING');
    },
    90_000,
    'the worker to run',
  );
}, 180_000);

afterAll(async () => {
  for (const c of [api, worker])
    if (c && c.exitCode === null) {
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      await exited;
    }
  await new Promise((resolve) => receiver?.close(resolve));
});

const attr = (s: OtlpSpan, key: string) => s.attributes.find((a) => a.key === key)?.value.stringValue;

it('exports one trace per request by OTLP, from the request span to its PostgreSQL queries, and logs its ids', async () => {
  const res = await fetch(`${apiUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'otlp-req-1' },
    body: JSON.stringify({ username: 'mediator@yufuci-community', password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('x-request-id')).toBe('otlp-req-1');

  const trace = await eventually(
    async () => {
      const root = received.find(
        (r) => r.span.name === 'request' && attr(r.span, 'fengqiao.request_id') === 'otlp-req-1',
      );
      if (!root) return undefined;
      const spans = received.filter((r) => r.span.traceId === root.span.traceId);
      return spans.some((r) => r.span.name.startsWith('pg.query:')) ? { root, spans } : undefined;
    },
    20_000,
    'the request’s trace at the receiver',
  ).catch((err: Error) => {
    throw new Error(`${err.message}; received: ${received.map((r) => r.span.name).join(', ')}`);
  });
  expect(trace.root.service).toBe('fengqiao-api');
  expect(trace.root.span.parentSpanId ?? '').toBe('');
  const ids = new Set(trace.spans.map((r) => r.span.spanId));
  for (const { span } of trace.spans.filter((r) => r !== trace.root)) expect(ids.has(span.parentSpanId!)).toBe(true);
  // The password and the session's token never reach a span.
  expect(JSON.stringify(trace.spans)).not.toContain(TEST_PASSWORD);

  // The API's line for the request names it and its trace.
  const line = json(stdout).find((l) => l.msg === 'request completed' && l.reqId === 'otlp-req-1');
  expect(line).toMatchObject({ requestId: 'otlp-req-1', trace_id: trace.root.span.traceId });
});

it('exports a report’s trace from the API through the worker’s activity to its queries, and the worker’s lines name it', async () => {
  const res = await fetch(`${apiUrl}/api/v1/disputes`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${TEST_API_KEY}`,
      'x-request-id': 'otlp-report-1',
    },
    body: JSON.stringify(taoliLiftNoise()),
  });
  expect(res.status).toBe(201);

  const trace = await eventually(
    async () => {
      const root = received.find(
        (r) => r.span.name === 'request' && attr(r.span, 'fengqiao.request_id') === 'otlp-report-1',
      );
      if (!root) return undefined;
      const spans = received.filter((r) => r.span.traceId === root.span.traceId);
      const run = spans.find((r) => r.span.name === 'RunActivity:intakeDispute');
      const query =
        run && spans.find((r) => r.span.parentSpanId === run.span.spanId && r.span.name.startsWith('pg.query:'));
      return query ? { root, spans, run: run!, query } : undefined;
    },
    30_000,
    'the report’s trace at the receiver',
  ).catch((err: Error) => {
    throw new Error(`${err.message}; received: ${received.map((r) => `${r.service} ${r.span.name}`).join(', ')}`);
  });
  expect(trace.root.service).toBe('fengqiao-api');
  expect(trace.run.service).toBe('fengqiao-worker');
  expect(trace.query.service).toBe('fengqiao-worker');
  const names = trace.spans.map((r) => r.span.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'UpdateWithStartWorkflow:intake-done',
      'HandleUpdate:intake-done',
      'StartActivity:intakeDispute',
    ]),
  );

  const lines = await eventually(
    async () => {
      const found = json(workerStdout).filter((l) => l.msg === 'Activity completed' && l.requestId === 'otlp-report-1');
      return found.length > 0 ? found : undefined;
    },
    10_000,
    'the worker’s lines of the report',
  );
  for (const l of lines) expect(l).toMatchObject({ component: 'worker', trace_id: trace.root.span.traceId });
});
