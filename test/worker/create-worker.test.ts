/** The worker takes the configured sticky-cache size (WORKER_MAX_CACHED_WORKFLOWS), else the SDK's own; and slots and pollers given as tuning (bench/knobs.ts). */
import { NativeConnection } from '@temporalio/worker';
import { initORM } from '../../db/orm';
import { createWorker } from '../../worker/create-worker';
import { createRenderer } from '../../templates/render';
import { loadConfig } from '../../config/env';
import { testDataConverter } from '../helpers/payload-keys';
import { installQuietRuntime } from '../helpers/runtime';

it('passes the configured cache size to the worker', async () => {
  installQuietRuntime();
  const orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 1 } });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  try {
    const deps = {
      connection,
      namespace: 'default',
      dataConverter: testDataConverter(),
      orm,
      renderer: createRenderer(),
      taskQueue: 'cache-size-test',
      workflowBundle: { codePath: process.env.FENGQIAO_TEST_BUNDLE! },
    };
    const capped = await createWorker({
      ...deps,
      maxCachedWorkflows: loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '7' }).workerMaxCachedWorkflows,
    });
    expect(capped.options.maxCachedWorkflows).toBe(7);
    // A created worker holds the connection until it has run and shut down.
    await capped.runUntil(async () => undefined);
    const sized = await createWorker({ ...deps, maxCachedWorkflows: loadConfig({}).workerMaxCachedWorkflows });
    expect(sized.options.maxCachedWorkflows).toBeGreaterThan(7);
    await sized.runUntil(async () => undefined);
    // Tuning reaches the worker; what it leaves out keeps the SDK's defaults.
    const tuned = await createWorker({
      ...deps,
      tuning: {
        maxConcurrentWorkflowTaskExecutions: 3,
        activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 2 },
      },
    });
    expect(tuned.options.workflowTaskPollerBehavior).toEqual({ type: 'simple-maximum', maximum: 3 }); // polls never exceed slots
    expect(tuned.options.activityTaskPollerBehavior).toEqual({ type: 'simple-maximum', maximum: 2 });
    expect(sized.options.workflowTaskPollerBehavior).toEqual({ type: 'simple-maximum', maximum: 10 });
    await tuned.runUntil(async () => undefined);
  } finally {
    await connection.close();
    await orm.close();
  }
});
