/**
 * The tracing and request-id workflow interceptors add no command and move none: every recorded
 * history under test/histories/ (recorded without them) replays against a bundle that contains them
 * (telemetry/workflow-modules.ts, what the worker image's prebuilt bundle holds),
 * with the workers' sinks. So turning tracing on, or deploying a bundle built with them, does not
 * make running cases nondeterministic.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { telemetrySinks } from '../../telemetry/temporal';
import { HISTORIES_DIR } from '../helpers/histories';
import { testDataConverter } from '../helpers/payload-keys';
import { installQuietRuntime } from '../helpers/runtime';
import { bundleWithInterceptors } from './tracing-harness';

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));
let codePath: string;

beforeAll(async () => {
  installQuietRuntime();
  codePath = await bundleWithInterceptors();
}, 120_000);

it('replays every recorded history with the interceptors in the bundle', async () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
  const histories = files.map((file) => ({
    workflowId: `replay-${file}`,
    history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))),
  }));
  const failed: string[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { codePath }, dataConverter: testDataConverter(), sinks: telemetrySinks() },
    histories,
  ))
    if (result.error) failed.push(`${result.workflowId}: ${result.error.message}`);
  expect(failed).toEqual([]);
}, 120_000);
