/**
 * OpenTelemetry tracing of one process, off by default (config/telemetry.ts says when it is on).
 * When on: a tracer provider registered as the process's global one (W3C trace context, the
 * AsyncLocalStorage context manager), its spans batched to an OTLP/HTTP endpoint; PostgreSQL
 * queries traced by @opentelemetry/instrumentation-pg (which hooks `require('pg')`: startTracing
 * must run before `pg` is first loaded, hence telemetry/register-*.ts as the entry points' first
 * import); Fastify's requests by @fastify/otel (api/app.ts registers its plugin first); Temporal's
 * client, workflows and activities by @temporalio/interceptors-opentelemetry
 * (telemetry/temporal.ts).
 *
 * Versions: the Temporal interceptors (1.24) build on the OpenTelemetry SDK 1.x, and the workflow
 * spans they hand out of the sandbox are 1.x `ReadableSpan`s; so the SDK here is 1.x as well (one
 * shape of span from exporter to backend). The instrumentations (@fastify/otel, instrumentation-pg)
 * bring their own @opentelemetry/core 2.x but reach the provider through the one shared
 * @opentelemetry/api global, as every instrumentation does.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { safeRequestUrl } from '../security/safe-url';
import { SanitizingProcessor } from './sanitizing-processor';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import {
  Resource,
  detectResourcesSync,
  envDetectorSync,
  hostDetectorSync,
  processDetectorSync,
} from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { parseTelemetryConfig } from '../config/telemetry';
import { maskText } from '../security/pii';

export interface Tracing {
  provider: NodeTracerProvider;
  /** The processor every span goes through, the workflows' too (their sink: telemetry/temporal.ts). */
  processor: SpanProcessor;
  resource: Resource;
  serviceName: string;
  fastify: FastifyOtelInstrumentation;
  pg: PgInstrumentation;
}

let active: Tracing | undefined;

/** The process's tracing, when it is on. */
export function activeTracing(): Tracing | undefined {
  return active;
}

/** A URL as logs and spans may hold it (as api/logging.ts): no link tokens, no query values but plain ones, masked. */
export const safeUrl = safeRequestUrl;

/**
 * A statement as spans may hold it: string literals (with what a case's state or a session's token
 * hash inlines) replaced by `?`, what is left masked like a log line, at most 2,000 characters.
 */
export function sanitizedStatement(sql: string): string {
  const text = maskText(
    sql.replace(/(?:\b[EeXxBbUu]&?)?'(?:[^']|'')*'/g, '?').replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, '?'),
  );
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/**
 * Starts tracing when the environment asks for it (or `exporter` is given: tests), once per process.
 * `defaultServiceName` is the process's name unless OTEL_SERVICE_NAME (or service.name in
 * OTEL_RESOURCE_ATTRIBUTES) says otherwise. Invalid settings leave tracing off: config/env.ts
 * refuses to start with them and says why.
 */
export function startTracing(opts: {
  defaultServiceName: string;
  env?: NodeJS.ProcessEnv;
  /** Spans to this exporter, each as it ends (tests: an InMemorySpanExporter), whatever the environment says. */
  exporter?: SpanExporter;
}): Tracing | undefined {
  if (active) return active;
  const env = opts.env ?? process.env;
  const problems: string[] = [];
  const config = parseTelemetryConfig(env, problems);
  if (!opts.exporter && (!config.tracing || problems.length > 0)) return undefined;

  // Service name: OTEL_SERVICE_NAME, else OTEL_RESOURCE_ATTRIBUTES' service.name, else this process's default.
  const detected = detectResourcesSync({ detectors: [envDetectorSync, processDetectorSync, hostDetectorSync] });
  const resource = new Resource({ 'service.name': opts.defaultServiceName, 'service.namespace': 'fengqiao' }).merge(
    detected,
  );
  const serviceName = String(resource.attributes['service.name']);
  // Every span's error text is sanitized on its way out (telemetry/sanitizing-processor.ts).
  const processor = new SanitizingProcessor(
    opts.exporter
      ? new SimpleSpanProcessor(opts.exporter)
      : new BatchSpanProcessor(
          config.protocol === 'http/json'
            ? new OtlpJsonExporter(config.tracesEndpoint ? { url: config.tracesEndpoint } : {})
            : new OtlpProtoExporter(config.tracesEndpoint ? { url: config.tracesEndpoint } : {}),
        ),
  );
  // Sampling: OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, read by the SDK (default parentbased_always_on).
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();

  const pg = new PgInstrumentation({
    // Queries outside a request, workflow or activity (pool upkeep, the alert listener's LISTEN) make no traces of their own.
    requireParentSpan: true,
    // No parameter values in spans, and no literals either: several queries inline theirs (the case's state).
    enhancedDatabaseReporting: false,
    requestHook: (span, info) => {
      if (info.query.text) {
        const text = sanitizedStatement(info.query.text);
        span.setAttribute('db.statement', text);
        span.setAttribute('db.query.text', text);
      }
    },
  });
  const fastify = new FastifyOtelInstrumentation({
    // One span per request and one per route handler; hooks (auth, rate limits, …) add none of their own.
    instrumentHooks: false,
    // An error's message may carry the SQL MikroORM inlined its values into, or input echoed back.
    recordExceptions: false,
    // Probes and scrapes every few seconds would drown the traces of cases.
    ignorePaths: (route) => ['/healthz', '/readyz', '/metrics'].includes(route.url),
    requestHook: (span, request) => {
      span.setAttribute('url.path', safeUrl(request.url));
      span.setAttribute('fengqiao.request_id', String(request.id));
    },
  });
  pg.setTracerProvider(provider);
  fastify.setTracerProvider(provider);
  active = { provider, processor, resource, serviceName, fastify, pg };
  return active;
}

/** Flushes what is buffered and ends tracing (at shutdown; tests, to leave the process as they found it). */
export async function stopTracing(): Promise<void> {
  const t = active;
  if (!t) return;
  active = undefined;
  await t.provider.shutdown();
  t.pg.disable();
  t.fastify.disable();
  trace.disable();
  context.disable();
  propagation.disable();
}
