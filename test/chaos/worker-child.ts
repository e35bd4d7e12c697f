/**
 * The chaos suite's worker process: the real worker (worker/create-worker.ts, the real activities,
 * the workflow bundle of the test run) in a process of its own, so that the suite can kill -9 it.
 * Configured by the environment the suite passes (see harness.ts `WorkerSupervisor`):
 *   TEMPORAL_ADDRESS, DATABASE_URL (the suite's TCP proxy in front of PostgreSQL), CHAOS_TASK_QUEUE,
 *   FENGQIAO_TEST_BUNDLE, CHAOS_NOTICE_URL / CHAOS_NOTICE_SECRET (the notices' webhook receiver).
 * Prints `ready <pid>` once the worker is built, and starts polling on a `go` line on stdin: the
 * suite keeps one started in advance, so that a killed worker is replaced at once (as another
 * worker process of a deployment would take over) and the faults land where the plan puts them.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { WebhookNotifier } from '../../activities/notifier';
import { initORM } from '../../db/orm';
import { createRenderer } from '../../templates/render';
import { createWorker } from '../../worker/create-worker';
import { testDataConverter } from '../helpers/payload-keys';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const address = env('TEMPORAL_ADDRESS');
  // A worker cannot start while the database is away (initORM fails, as in worker/main.ts): wait for
  // it here rather than exit, so that a spare started during an outage does not start over and over.
  let orm;
  for (let attempt = 1; !orm; attempt++) {
    try {
      orm = await initORM(env('DATABASE_URL'), { pool: { min: 0, max: 10 } });
    } catch (err) {
      if (attempt >= 300) throw err;
      console.error(`worker-child ${process.pid}: database not reachable (${(err as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const connection = await NativeConnection.connect({ address });
  const dataConverter = testDataConverter();
  const client = new Client({ connection: await Connection.connect({ address }), namespace: 'default', dataConverter });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    dataConverter,
    orm,
    renderer: createRenderer(),
    notifier: new WebhookNotifier(env('CHAOS_NOTICE_URL'), env('CHAOS_NOTICE_SECRET')),
    client,
    // The receiver listens on 127.0.0.1; retries start fast and outlast the longest outage of the suite.
    webhooks: { allowPrivate: true, initialRetryMs: 500, maxAttempts: 20 },
    taskQueue: env('CHAOS_TASK_QUEUE'),
    workflowBundle: { codePath: env('FENGQIAO_TEST_BUNDLE') },
  });
  console.log(`ready ${process.pid}`);
  await new Promise<void>((resolve) => {
    let input = '';
    process.stdin.on('data', (chunk: Buffer) => {
      input += chunk.toString();
      if (/^go$/m.test(input)) resolve();
    });
  });
  console.log(`polling ${process.pid}`);
  await worker.run();
  await orm.close();
  await client.connection.close();
  await connection.close();
}

main().catch((err: unknown) => {
  console.error('worker-child failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
