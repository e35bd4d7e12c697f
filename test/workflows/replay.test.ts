/**
 * Determinism: every recorded history under test/histories/ (one per path through the workflow,
 * recorded from the version that ran it) must replay against today's workflow code. A change to
 * the command sequence without `patched()` fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../helpers/histories';
import { testDataConverter } from '../helpers/payload-keys';
import { installQuietRuntime } from '../helpers/runtime';

beforeAll(installQuietRuntime);

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));

it('has recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

it.each(files)('replays %s', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
  await Worker.runReplayHistory(
    // Histories recorded since the payload codec are encrypted with the tests' key; older ones are in clear.
    { workflowBundle: { codePath: process.env.FENGQIAO_TEST_BUNDLE! }, dataConverter: testDataConverter() },
    history,
    `replay-${file}`,
  );
});
