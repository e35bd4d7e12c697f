/**
 * Bench-only workflows (bundled on their own, never part of the product): the baselines the real
 * dispute workflow is compared with.
 * - bareLifecycleWorkflow: the same number of Updates as the street case's lifecycle, each
 *   calling one no-op activity; answers update-with-start once its own "intake" activity is done.
 * - bareTimerWorkflow: a workflow that only waits on a long timer (the memory baseline).
 * `extras` add one of the dispute workflow's costs to every step, to price each against bare
 * (`--lifecycle-costs`): a search-attribute upsert, a re-planned deadline timer, a 9 KB argument to
 * the step's activity, a local activity, or the product's own record of the step (the step's
 * activity runs activities/projection.ts `recordEvents` on a case that grows a note a step: the
 * audit event, the read model and the webhook outbox in PostgreSQL, as every dispute step does).
 * Deterministic like any workflow: no I/O, no clocks but Temporal's.
 */
import {
  allHandlersFinished,
  condition,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { DisputeEvent, DisputeView, StartDisputeInput } from '../../domain/types';

export interface BareActivities {
  noop(payload: unknown): Promise<void>;
  /** The product's per-step record (`recordEvents`); only where the bench worker has a database. */
  record(req: { events: DisputeEvent[]; view: DisputeView }): Promise<void>;
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
  projection?: boolean;
}

/** A case as the read model holds it, from the bare workflow's intake argument (a dispute's start input). */
function viewOf(intake: StartDisputeInput): DisputeView {
  return {
    disputeId: intake.disputeId,
    stage: 'in_mediation',
    stageEntry: 1,
    originCode: intake.gridCode,
    category: intake.category,
    priority: intake.priority,
    title: intake.title,
    description: intake.description,
    parties: intake.parties,
    channel: intake.channel,
    reportedBy: intake.reportedBy,
    receivedAt: intake.receivedAt,
    escalations: [],
    notes: [],
    seq: 0,
  };
}

export async function bareLifecycleWorkflow(input: {
  steps: number;
  intake: unknown;
  extras?: BareExtras;
}): Promise<BareState> {
  const extras = input.extras ?? {};
  const pad = extras.argumentKb ? 'x'.repeat(extras.argumentKb * 1024) : undefined;
  const state: BareState = { steps: 0 };
  const view = extras.projection ? viewOf(input.intake as StartDisputeInput) : undefined;
  /** The step's activity: a no-op, or the product's record of the step. */
  const stepActivity = async (actor: unknown, payload: unknown): Promise<void> => {
    if (!view) return acts.noop(pad ? { payload, pad } : payload);
    view.seq += 1;
    const at = new Date().toISOString();
    view.notes.push({ at, by: actor as DisputeView['reportedBy'], text: JSON.stringify(payload).slice(0, 200) });
    const event = {
      disputeId: view.disputeId,
      seq: view.seq,
      type: 'note_added',
      at,
      actor: actor as DisputeEvent['actor'],
      payload: payload as Record<string, unknown>,
    };
    return acts.record({ events: [event], view });
  };
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
          upsertSearchAttributes([
            { key: { name: 'FengqiaoStage', type: 'KEYWORD' }, value: `step-${state.steps}` },
          ] as unknown as SearchAttributeUpdatePair[]);
        }
        tick += 1;
        await stepActivity(step.actor, step.payload);
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
  if (view) await stepActivity(view.reportedBy, input.intake);
  else await acts.noop(input.intake);
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
