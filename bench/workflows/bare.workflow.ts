/**
 * Bench-only workflows (bundled on their own, never part of the product): the baselines the real
 * dispute workflow is compared with.
 * - bareLifecycleWorkflow: the same number of Updates as the street case's lifecycle, each
 *   calling one no-op activity; answers update-with-start once its own "intake" activity is done.
 * - bareTimerWorkflow: a workflow that only waits on a long timer (the memory baseline).
 * `extras` add one of the dispute workflow's costs to every step, to price each against bare
 * (`--lifecycle-costs`): a search-attribute upsert, a re-planned deadline timer, a 9 KB argument to
 * the step's activity, a local activity.
 * Deterministic like any workflow: no I/O, no clocks but Temporal's.
 */
import { allHandlersFinished, condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';

export interface BareActivities {
  noop(payload: unknown): Promise<void>;
}

export interface BareState {
  steps: number;
}

export const bareReadyUpdate = defineUpdate<BareState, []>('bare-ready');
export interface BareStep {
  actor: unknown;
  payload: unknown;
}

export const bareStepUpdate = defineUpdate<BareState, [BareStep]>('bare-step');

const acts = proxyActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });
const localActs = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });

export interface BareExtras {
  searchAttribute?: boolean;
  timer?: boolean;
  argumentKb?: number;
  localActivity?: boolean;
}

export async function bareLifecycleWorkflow(input: { steps: number; intake: unknown; extras?: BareExtras }): Promise<BareState> {
  const extras = input.extras ?? {};
  const pad = extras.argumentKb ? 'x'.repeat(extras.argumentKb * 1024) : undefined;
  const state: BareState = { steps: 0 };
  let tick = 0;
  let ready = false;
  let busy = false;
  setHandler(bareReadyUpdate, async () => {
    await condition(() => ready);
    return state;
  });
  setHandler(
    bareStepUpdate,
    async (step: BareStep) => {
      busy = true;
      try {
        if (extras.localActivity) await localActs.noop(step.payload);
        if (extras.searchAttribute) {
          upsertSearchAttributes([{ key: { name: 'FengqiaoStage', type: 'KEYWORD' }, value: `step-${state.steps}` }] as unknown as SearchAttributeUpdatePair[]);
        }
        tick += 1;
        await acts.noop(pad ? { payload: step.payload, pad } : step.payload);
        state.steps += 1;
      } finally {
        busy = false;
      }
      return state;
    },
    {
      validator: (_step: BareStep) => {
        if (!ready || busy) throw new Error('not ready');
      },
    },
  );
  await acts.noop(input.intake);
  ready = true;
  // Like the dispute workflow's deadline loop: a timer re-planned whenever a step moves something.
  while (extras.timer && state.steps < input.steps) {
    const seen = tick;
    await condition(() => tick !== seen || state.steps >= input.steps, '1 day');
  }
  await condition(() => state.steps >= input.steps);
  await condition(allHandlersFinished);
  return state;
}

export async function bareTimerWorkflow(_input: unknown): Promise<void> {
  await sleep('1 day');
}
