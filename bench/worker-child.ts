/**
 * A worker process for the bench (like `npm run worker`): the real dispute worker (real activities,
 * real PostgreSQL) and/or the bench's bare-workflow worker (no-op activities), each on its own task
 * queue, from prebuilt bundles. Driven over IPC by bench/run.ts: `status` answers the workers'
 * status and the process memory; `memory` collects garbage first (node --expose-gc); `stop` ends it.
 */
import { LogNotifier } from '../activities/notifier';
import { recordEvents } from '../activities/projection';
import { parsePayloadKeys } from '../config/payload-keys';
import { initORM } from '../db/orm';
import { payloadDataConverter } from '../temporal/codec';
import { createRenderer } from '../templates/render';
import { createWorker, type WorkerTuning } from '../worker/create-worker';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { BareActivities } from './workflows/bare.workflow';

export type ChildMessage = { type: 'status' } | { type: 'memory' } | { type: 'stop' };
export interface ChildStatus {
  type: 'status';
  workers: Array<{ queue: string; cached: number; inFlightActivations: number; inFlightActivities: number }>;
  maxCachedWorkflows: number;
  memory: NodeJS.MemoryUsage;
}

async function main(): Promise<void> {
  const env = process.env;
  const mode = env.BENCH_WORKER_MODE ?? 'both';
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const address = env.TEMPORAL_ADDRESS!;
  // The same slots and pollers for the dispute worker and the bare one (bench/knobs.ts).
  const tuning = JSON.parse(env.BENCH_WORKER_TUNING ?? '{}') as WorkerTuning;
  const connection = await NativeConnection.connect({ address });
  const workers: Array<{ queue: string; worker: Worker }> = [];
  const closers: Array<() => Promise<unknown>> = [];
  const orm = mode === 'real' || mode === 'both' ? await initORM(env.DATABASE_URL!) : undefined;
  if (orm) closers.push(() => orm.close());

  // Encrypted as in production, with the run's key (PAYLOAD_KEYS from bench/lib/system.ts): the bare
  // baseline too, since the bench's client encrypts every payload it sends.
  const dataConverter = payloadDataConverter(parsePayloadKeys(env.PAYLOAD_KEYS, env.PAYLOAD_KEY_ID, [])!);
  if (orm) {
    const clientConnection = await Connection.connect({ address });
    closers.push(() => clientConnection.close());
    const queue = env.BENCH_TASK_QUEUE!;
    const worker = await createWorker({
      connection,
      namespace: 'default',
      dataConverter,
      orm,
      renderer: createRenderer(),
      // The default notifier writes to the log; here the log line goes nowhere.
      notifier: new LogNotifier(() => undefined),
      client: new Client({ connection: clientConnection, namespace: 'default', dataConverter }),
      taskQueue: queue,
      workflowBundle: { codePath: env.BENCH_DISPUTE_BUNDLE! },
      tuning,
    });
    workers.push({ queue, worker });
  }
  if (mode === 'bare' || mode === 'both') {
    const activities: BareActivities = {
      noop: async () => undefined,
      record: async (req) => {
        if (!orm) throw new Error('this bench worker has no database (BENCH_WORKER_MODE=bare)');
        await recordEvents(orm.em.fork(), req);
      },
    };
    const queue = env.BENCH_BARE_TASK_QUEUE!;
    const worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue: queue,
      dataConverter,
      workflowBundle: { codePath: env.BENCH_BARE_BUNDLE! },
      activities,
      ...tuning,
    });
    workers.push({ queue, worker });
  }
  const running = workers.map(({ worker }) => worker.run());

  const status = (): ChildStatus => ({
    type: 'status',
    workers: workers.map(({ queue, worker }) => {
      const s = worker.getStatus();
      return {
        queue,
        cached: s.numCachedWorkflows,
        inFlightActivations: s.numInFlightWorkflowActivations,
        inFlightActivities: s.numInFlightActivities,
      };
    }),
    maxCachedWorkflows: workers[0]?.worker.options.maxCachedWorkflows ?? 0,
    memory: process.memoryUsage(),
  });

  process.on('message', (msg: ChildMessage) => {
    if (msg.type === 'status') process.send!(status());
    else if (msg.type === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      process.send!(status());
    } else if (msg.type === 'stop') {
      for (const { worker } of workers) worker.shutdown();
      void Promise.allSettled(running)
        .then(async () => {
          for (const close of closers) await close().catch(() => undefined);
          await connection.close();
        })
        .finally(() => process.exit(0));
    }
  });
  // If the bench dies, so does this worker.
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready' });
}

main().catch((err) => {
  console.error('bench worker failed:', err);
  process.exit(1);
});
