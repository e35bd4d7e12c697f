/** `npm run worker`: one worker process, configured by the environment only (TEMPORAL_*, DATABASE_URL). */
import { loadConfig } from '../config/env';
import { initORM } from '../db/orm';
import { configuredDataConverter } from '../temporal/codec';
import { connectClient, connectWorkerConnection } from '../temporal/connection';
import { createRenderer } from '../templates/render';
import { createWorker, notifierFor } from './create-worker';
import { notificationsFor } from './notifications';
import { installWorkerRuntime } from './runtime';
import { ensureSafetyIndexSchedule } from '../temporal/schedules';
import { TASK_QUEUE } from '../workflows/dispute.messages';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireDatabaseUrl: true, servesApi: false });
  const log = installWorkerRuntime(config, { sdkHandlesSignals: true });
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
  });
  await ensureSafetyIndexSchedule(client, TASK_QUEUE);
  // Worker.run() shuts down gracefully on SIGINT/SIGTERM (the SDK installs those handlers).
  await worker.run();
  await connection.close();
  await client.connection.close();
  await orm.close();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
