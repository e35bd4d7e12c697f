/**
 * Tracing on in a test process, as telemetry/register-*.ts turn it on in the API's and the worker's,
 * with the spans kept in memory, and a workflow bundle that contains the tracing interceptors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../telemetry/workflow-modules';
import { startTracing, type Tracing } from '../../telemetry/tracing';
import { WORKFLOWS_PATH } from '../../worker/create-worker';

export function startTestTracing(): { tracing: Tracing; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ defaultServiceName: 'fengqiao-test', exporter })!;
  // jest loads modules through its own registry, which require hooks (instrumentation-pg's) never
  // see: apply the instrumentation's patch to the registry's `pg`, the one MikroORM's knex uses. In
  // the API and worker processes, the hook does this when `pg` is first required.
  for (const def of tracing.pg.getModuleDefinitions()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (def.name === 'pg') def.patch?.(require('pg'));
  }
  return { tracing, exporter };
}

/** The workflows bundled with the request id's and Temporal's OpenTelemetry workflow interceptors; its path. */
export async function bundleWithInterceptors(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (m) => console.error(m),
    },
  });
  const dir = path.join(__dirname, '../.tmp');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `workflow-bundle-tracing-${process.pid}.js`);
  writeFileSync(file, code);
  return file;
}

/** A trace's spans by name, for messages that say what was there. */
export function describeTrace(spans: ReadableSpan[]): string {
  return spans
    .map(
      (s) =>
        `${s.spanContext().traceId.slice(0, 8)} ${s.name} (${s.spanContext().spanId} ← ${s.parentSpanId ?? 'root'})`,
    )
    .join('\n');
}
