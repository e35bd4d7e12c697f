/**
 * CPU a case's workflow code costs, without the server, database or activities: replays a recorded
 * history (default: the street case, test/histories/wangjiaqiao-maintenance-fund-v3.json) N times in
 * this process and prints CPU ms a replay, with the SDK's stack-trace promise hook on, and with
 * `--no-hook` switched off (by replacing the SDK's internal installer before the first workflow:
 * a measurement only, never done in the product). `--no-vm-timeout` calls into the workflow's context
 * without the SDK's 5 s timeout, i.e. without the watchdog thread Node starts for each such call
 * (bench/lib/no-vm-timeout.cjs; also a measurement only).
 *   npx ts-node --transpile-only bench/replay-cost.ts [history.json] [N] [--no-hook] [--no-vm-timeout]
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type ReplayWorkerOptions } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../worker/create-worker';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const noHook = args.includes('--no-hook');
  const noVmTimeout = args.includes('--no-vm-timeout');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (noVmTimeout) require('./lib/no-vm-timeout.cjs');
  const [file = path.join(__dirname, '../test/histories/wangjiaqiao-maintenance-fund-v3.json'), n = '50'] = args.filter(
    (a) => !a.startsWith('--'),
  );
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  if (noHook) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared') as {
      globalHandlers: { setPromiseHook: () => void };
    };
    globalHandlers.setPromiseHook = () => undefined;
  }
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') });
  const codePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'fengqiao-replay-')), 'bundle.js');
  writeFileSync(codePath, bundle.code);
  const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
  // debugMode: the workflow runs on this thread, so process CPU is the replay's (and the hook switch applies).
  const options = { workflowBundle: { codePath }, debugMode: true } as ReplayWorkerOptions;
  const replay = async (count: number) => {
    const histories = Array.from({ length: count }, (_, i) => ({ workflowId: `replay-${i}`, history }));
    for await (const r of Worker.runReplayHistories(options, histories)) if (r.error) throw r.error;
  };
  await replay(5); // warm-up
  const cases = Number(n);
  const cpu0 = process.cpuUsage();
  await replay(cases);
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      history: path.basename(file),
      replays: cases,
      promiseHook: !noHook,
      vmTimeout: !noVmTimeout,
      cpuMsPerReplay: Math.round((cpu.user + cpu.system) / 10 / cases) / 100,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
