/**
 * How a change to the dispute workflow must be made (docs/versioning.md), shown on the recorded
 * histories: the workflow bundled with a developer's change applied to its source, then every
 * history replayed against it.
 * - An activity inserted, unversioned, before the handling-breach alert: the history that walks
 *   that path fails with a nondeterminism error (the others replay).
 * - An activity inserted before every step (at the start of `exclusively`): every history fails,
 *   so no path of the recorded set lets an unversioned change through.
 * - The same insertion behind `patched()`: every history replays.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { HISTORIES_DIR } from '../helpers/histories';
import { testDataConverter } from '../helpers/payload-keys';
import { installQuietRuntime } from '../helpers/runtime';

beforeAll(installQuietRuntime);
jest.setTimeout(180_000);

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));
const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** The workflow bundle with `replacements` applied to one source file under workflows/. */
async function bundleWith(file: string, replacements: Array<[string, string]>): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: quiet,
    webpackConfigHook: (config) => {
      config.module!.rules!.push({
        test: (p: string) => p.endsWith(path.join('workflows', file)),
        enforce: 'pre',
        use: [{ loader: path.join(__dirname, '../helpers/replace-loader.js'), options: { replacements } }],
      });
      return config;
    },
  });
  return code;
}

/** The histories that fail to replay on `code`, and why. */
async function failing(code: string): Promise<Record<string, string>> {
  const failed: Record<string, string> = {};
  for (const file of files) {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
    try {
      await Worker.runReplayHistory(
        { workflowBundle: { code }, dataConverter: testDataConverter() },
        history,
        `versioning-${file}`,
      );
    } catch (err) {
      failed[file] = (err as Error).name;
    }
  }
  return failed;
}

const IMPORT = "import { escalate } from './transitions';";
const BREACH = "    case 'handling':\n      await c.alert('handling_breach'";

it('an unversioned activity before the handling-breach alert fails the history of that path', async () => {
  const code = await bundleWith('dispute/clock.ts', [
    [IMPORT, `${IMPORT}\nimport { caseSteps } from './steps';`],
    [
      BREACH,
      "    case 'handling':\n      await caseSteps.resolveUnit(s.unit?.code ?? '');\n      await c.alert('handling_breach'",
    ],
  ]);
  expect(await failing(code)).toEqual({ 'handling-warning-breach-fail.json': 'DeterminismViolationError' });
});

/** Histories with at least one step: an action accepted (not intake-done), a deadline's timer fired or a signal received. */
const withSteps = files.filter((f) =>
  (JSON.parse(readFileSync(path.join(HISTORIES_DIR, f), 'utf8')) as { events: Array<Record<string, any>> }).events.some(
    (e) =>
      e.eventType === 'EVENT_TYPE_TIMER_FIRED' ||
      e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED' ||
      (e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED' &&
        e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name !== 'intake-done'),
  ),
);

it('an unversioned activity before every step fails every recorded history that takes a step', async () => {
  const code = await bundleWith('dispute/case.ts', [
    ['    this.holds += 1;\n    try {\n', "    this.holds += 1;\n    try {\n      await notices.resolveUnit('');\n"],
  ]);
  const failed = await failing(code);
  expect(withSteps.length).toBeGreaterThanOrEqual(files.length - 1);
  expect(Object.keys(failed).sort()).toEqual([...withSteps].sort());
});

it('the same change behind patched() replays every history', async () => {
  const code = await bundleWith('dispute/clock.ts', [
    [IMPORT, `${IMPORT}\nimport { caseSteps } from './steps';\nimport { patched } from '@temporalio/workflow';`],
    [
      BREACH,
      "    case 'handling':\n      if (patched('unit-checked-before-breach')) await caseSteps.resolveUnit(s.unit?.code ?? '');\n      await c.alert('handling_breach'",
    ],
  ]);
  expect(await failing(code)).toEqual({});
});
