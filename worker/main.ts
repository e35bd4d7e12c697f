/** `npm run worker`: one worker process, configured by the environment only (TEMPORAL_*, DATABASE_URL). */
// First: tracing, when configured, must hook `pg` before anything loads it (telemetry/tracing.ts).
import '../telemetry/register-worker';
import { loadConfig } from '../config/env';
import { initORM } from '../db/orm';
import { configuredDataConverter } from '../temporal/codec';
import { connectClient, connectWorkerConnection } from '../temporal/connection';
import { createRenderer } from '../templates/render';
import { createWorker, notifierFor } from './create-worker';
import { notificationsFor } from './notifications';
import { installWorkerRuntime } from './runtime';
import { workflowBundleFromEnv } from './bundle';
import { startWorkerHealthServer } from './health';
import { parseHealthConfig } from '../config/health';
import { ensureSafetyIndexSchedule } from '../temporal/schedules';
import { stopTracing } from '../telemetry/tracing';
import { TASK_QUEUE } from '../workflows/dispute.messages';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireDatabaseUrl: true, servesApi: false });
  const log = installWorkerRuntime(config, { sdkHandlesSignals: true });
  const healthProblems: string[] = [];
  const { workerAddress } = parseHealthConfig(process.env, healthProblems);
  if (healthProblems.length) throw new Error(healthProblems.join('\n'));
  // The image's prebuilt bundle (WORKFLOW_BUNDLE_PATH, else dist/workflow-bundle.js), checked against the sources first.
  const workflowBundle = workflowBundleFromEnv(process.env, log);
  const dataConverter = configuredDataConverter(config);
  const orm = await initORM(config.databaseUrl!);
  const { connection, namespace } = await connectWorkerConnection();
  const client = await connectClient(dataConverter);
  const worker = await createWorker({
    connection,
    namespace,
    dataConverter,
    orm,
    renderer: createRenderer(),
    notifier: notifierFor(config, (line) => log.info(line)),
    officeHours: config.officeHours,
    client,
    webhooks: config.webhooks,
    notifications: notificationsFor(config, orm, (line) => log.info(line)),
    maxCachedWorkflows: config.workerMaxCachedWorkflows,
    workflowBundle,
  });
  await ensureSafetyIndexSchedule(client, TASK_QUEUE);
  // WORKER_HEALTH_ADDRESS: /healthz and /readyz for the orchestrator's probes (worker/health.ts).
  const health = workerAddress
    ? await startWorkerHealthServer(
        workerAddress,
        {
          state: () => worker.getState(),
          database: () => orm.em.execute('select 1'),
          temporal: () => connection.workflowService.getSystemInfo({}),
        },
        (err) => log.warn({ err }, 'worker health endpoint failed'),
      )
    : undefined;
  // Worker.run() shuts down gracefully on SIGINT/SIGTERM (the SDK installs those handlers).
  await worker.run();
  await health?.close();
  await connection.close();
  await client.connection.close();
  await orm.close();
  await stopTracing();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
