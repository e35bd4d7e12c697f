/**
 * Bench-only workflows (bundled on their own, never part of the product): the baselines the real
 * dispute workflow is compared with.
 * - bareLifecycleWorkflow: the same number of Updates as the street case's lifecycle, each
 *   calling one no-op activity; answers update-with-start once its own "intake" activity is done.
 * - bareTimerWorkflow: a workflow that only waits on a long timer (the memory baseline).
 * Deterministic like any workflow: no I/O, no clocks but Temporal's.
 */
import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

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

export async function bareLifecycleWorkflow(input: { steps: number; intake: unknown }): Promise<BareState> {
  const state: BareState = { steps: 0 };
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
        await acts.noop(step.payload);
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
  await condition(() => state.steps >= input.steps);
  await condition(allHandlersFinished);
  return state;
}

export async function bareTimerWorkflow(_input: unknown): Promise<void> {
  await sleep('1 day');
}
