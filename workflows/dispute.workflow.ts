/**
 * One dispute, from intake to the effective agreement, as one durable workflow. The workflow is
 * the single source of truth for the case's stage and deadlines; each staff action is an Update
 * whose validator refuses what the stage does not allow. All I/O is in activities.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ALLOWED_ACTIONS, isAllowed, parentLevel, type Action } from '../domain/lifecycle';
import type { Actor, DisputeEvent, DisputeView, StartDisputeInput } from '../domain/types';
import {
  ACTION_INVALID,
  ACTION_REFUSED,
  SA_CASE_NUMBER,
  SA_LEVEL,
  SA_NEXT_DEADLINE,
  SA_STAGE,
  SA_UNIT,
  acceptUpdate,
  addNoteUpdate,
  escalateUpdate,
  intakeDoneUpdate,
  resolveUpdate,
  sealUpdate,
  signUpdate,
  stateQuery,
  type ActionRefusedDetails,
} from './dispute.messages';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['UnknownUnit', 'NoSlaPolicy'],
  },
});

const SYSTEM: Actor = { type: 'system', id: 'system', name: '系统', role: 'system' };

export async function disputeWorkflow(input: StartDisputeInput): Promise<DisputeView> {
  const state: DisputeView = {
    disputeId: input.disputeId,
    stage: 'awaiting_acceptance',
    stageEntry: 0,
    originCode: input.gridCode,
    category: input.category,
    priority: input.priority,
    title: input.title,
    description: input.description,
    parties: input.parties,
    channel: input.channel,
    externalRef: input.externalRef,
    reportedBy: input.reportedBy,
    receivedAt: input.receivedAt,
    escalations: [],
    notes: [],
    seq: 0,
  };
  let intakeDone = false;
  // Set while a handler awaits an activity before its transition is complete; other actions wait.
  let busy = false;

  const nowIso = (): string => new Date().toISOString();
  const snapshot = (): DisputeView => JSON.parse(JSON.stringify(state)) as DisputeView;

  /** Appends an event to the case history and projects the case into PostgreSQL. */
  async function emit(type: string, actor: Actor, payload: Record<string, unknown> = {}): Promise<void> {
    state.seq += 1;
    const event: DisputeEvent = { disputeId: state.disputeId, seq: state.seq, type, at: nowIso(), actor, payload };
    const view = snapshot();
    syncSearchAttributes();
    await acts.recordEvent({ event, view });
  }

  function syncSearchAttributes(): void {
    const deadline = state.stage === 'awaiting_acceptance' && state.deadline ? new Date(state.deadline.dueAt) : null;
    upsertSearchAttributes([
      { key: SA_STAGE, value: state.stage },
      { key: SA_UNIT, value: state.unit?.code ?? null },
      { key: SA_LEVEL, value: state.level ?? null },
      { key: SA_CASE_NUMBER, value: state.caseNumber ?? null },
      { key: SA_NEXT_DEADLINE, value: deadline },
    ]);
  }

  function refuse(action: Action, why?: string): never {
    const details: ActionRefusedDetails = { stage: state.stage, action, allowed: allowedNow() };
    throw ApplicationFailure.create({
      type: ACTION_REFUSED,
      message: why ?? `action ${action} is not allowed in stage ${state.stage}`,
      details: [details],
      nonRetryable: true,
    });
  }
  function invalid(message: string): never {
    throw ApplicationFailure.create({ type: ACTION_INVALID, message, nonRetryable: true });
  }
  function allowedNow(): Action[] {
    return intakeDone && !busy ? [...ALLOWED_ACTIONS[state.stage]] : [];
  }
  function guard(action: Action): void {
    if (!intakeDone) refuse(action, 'the case is still being registered; try again shortly');
    if (busy) refuse(action, 'another action on this case is in progress; try again shortly');
    if (!isAllowed(state.stage, action)) refuse(action);
  }

  function enterStage(stage: DisputeView['stage']): void {
    state.stage = stage;
    state.stageEntry += 1;
  }

  /** Hands the case to the parent unit, whose own accept clock starts. */
  async function escalate(actor: Actor, reason: string, automatic: boolean): Promise<boolean> {
    const from = state.unit;
    if (!from) return false;
    busy = true;
    try {
      const next = await acts.escalateCase({
        disputeId: state.disputeId,
        unitCode: from.code,
        category: state.category,
        priority: state.priority,
        from: nowIso(),
      });
      if (!next) return false;
      state.unit = next.unit;
      state.level = next.unit.level;
      state.deadline = next.deadline;
      state.escalations.push({ at: nowIso(), from: from.code, to: next.unit.code, reason, automatic });
      state.acceptedAt = undefined;
      state.acceptedBy = undefined;
      enterStage('awaiting_acceptance');
    } finally {
      busy = false;
    }
    await emit('escalated', actor, { from: from.code, to: state.unit.code, reason, automatic });
    return true;
  }

  async function becomeEffectiveIfComplete(actor: Actor): Promise<void> {
    const agreement = state.agreement;
    if (!agreement?.sealedAt) return;
    const signed = new Set(agreement.signatures.map((s) => s.signer));
    const everyone = ['mediator', ...state.parties.map((_, i) => `party:${i}`)];
    if (!everyone.every((s) => signed.has(s))) return;
    busy = true;
    try {
      const effectiveAt = nowIso();
      const sealed = await acts.sealAgreement({ view: snapshot(), effectiveAt });
      agreement.number = sealed.number;
      agreement.sha256 = sealed.sha256;
      agreement.effectiveAt = effectiveAt;
      state.outcome = 'resolved';
      state.closedAt = effectiveAt;
      enterStage('closed');
    } finally {
      busy = false;
    }
    await emit('agreement_effective', actor, { number: agreement.number, sha256: agreement.sha256 });
  }

  setHandler(stateQuery, () => state);

  setHandler(intakeDoneUpdate, async () => {
    await condition(() => intakeDone);
    return state;
  });

  setHandler(
    acceptUpdate,
    async ({ actor, payload }) => {
      state.acceptedAt = nowIso();
      state.acceptedBy = actor;
      enterStage('in_mediation');
      await emit('accepted', actor, { unit: state.unit?.code, note: payload.note });
      return state;
    },
    { validator: (_input) => guard('accept') },
  );

  setHandler(
    addNoteUpdate,
    async ({ actor, payload }) => {
      state.notes.push({ at: nowIso(), by: actor, text: payload.text });
      await emit('note_added', actor, { text: payload.text });
      return state;
    },
    { validator: (_input) => guard('add-note') },
  );

  setHandler(
    escalateUpdate,
    async ({ actor, payload }) => {
      if (!(await escalate(actor, payload.reason, false))) invalid('there is no level above this unit');
      return state;
    },
    {
      validator: (_input) => {
        guard('escalate');
        if (state.level && !parentLevel(state.level)) invalid('the case is already at the highest level');
      },
    },
  );

  setHandler(
    resolveUpdate,
    async ({ actor, payload }) => {
      state.agreement = {
        facts: payload.facts,
        matters: payload.matters,
        responsibilities: payload.responsibilities,
        terms: payload.terms,
        draftedAt: nowIso(),
        draftedBy: actor,
        signatures: [],
      };
      enterStage('awaiting_signatures');
      await emit('agreement_drafted', actor, { terms: payload.terms.length });
      return state;
    },
    {
      validator: ({ payload }) => {
        guard('resolve');
        if (payload.terms.length === 0) invalid('an agreement needs at least one term');
      },
    },
  );

  setHandler(
    signUpdate,
    async ({ actor, payload }) => {
      const agreement = state.agreement!;
      const index = payload.signer.startsWith('party:') ? Number(payload.signer.slice(6)) : -1;
      const name = index >= 0 ? state.parties[index]!.name : (state.acceptedBy?.name ?? actor.name);
      agreement.signatures.push({
        signer: payload.signer,
        name,
        method: payload.method,
        witness: payload.witness,
        at: nowIso(),
        recordedBy: actor.id,
      });
      await emit('signed', actor, { signer: payload.signer, name, method: payload.method, witness: payload.witness });
      await becomeEffectiveIfComplete(actor);
      return state;
    },
    {
      validator: ({ payload }) => {
        guard('sign');
        const { signer } = payload;
        const match = /^party:(\d+)$/.exec(signer);
        if (signer !== 'mediator' && !(match && Number(match[1]) < state.parties.length)) {
          invalid(`unknown signer ${signer}: use "mediator" or "party:0" … "party:${state.parties.length - 1}"`);
        }
        if (state.agreement?.signatures.some((s) => s.signer === signer)) invalid(`${signer} has already signed`);
      },
    },
  );

  setHandler(
    sealUpdate,
    async ({ actor }) => {
      state.agreement!.sealedAt = nowIso();
      state.agreement!.sealedBy = actor.id;
      await emit('sealed', actor, { committee: state.unit?.committeeName });
      await becomeEffectiveIfComplete(actor);
      return state;
    },
    {
      validator: (_input) => {
        guard('seal');
        if (state.agreement?.sealedAt) invalid('the committee seal is already affixed');
      },
    },
  );

  // Intake 登记: route, number, start the accept clock.
  const intake = await acts.intakeDispute({ ...input, from: nowIso() });
  state.caseNumber = intake.caseNumber;
  state.unit = intake.unit;
  state.level = intake.unit.level;
  state.deadline = intake.deadline;
  enterStage('awaiting_acceptance');
  await emit('received', input.reportedBy, { unit: intake.unit.code, caseNumber: intake.caseNumber });
  // Only now is the case readable from the API, so only now do actions and the creator's answer go ahead.
  intakeDone = true;

  while (state.stage !== 'closed') {
    const entry = state.stageEntry;
    if (state.stage === 'awaiting_acceptance') await watchAcceptDeadline(entry);
    await condition(() => state.stageEntry !== entry);
  }
  await condition(allHandlersFinished);
  return state;

  /** Warns at the warning share, then on breach alerts and escalates (if the policy says so). */
  async function watchAcceptDeadline(entry: number): Promise<void> {
    const deadline = state.deadline;
    const unit = state.unit;
    if (!deadline || !unit) return;
    const moved = (): boolean => state.stageEntry !== entry;
    const msUntil = (iso: string): number => Math.max(1, Date.parse(iso) - Date.now());

    if (!deadline.warned) {
      if (await condition(moved, msUntil(deadline.warnAt))) return;
      deadline.warned = true;
      await acts.raiseAlert({
        disputeId: state.disputeId,
        caseNumber: state.caseNumber,
        kind: 'accept_warning',
        stageEntry: entry,
        unitCode: unit.code,
        message: `${state.caseNumber} 待${unit.name}接单，将于 ${deadline.dueAt} 超时`,
        at: nowIso(),
      });
    }
    if (await condition(moved, msUntil(deadline.dueAt))) return;
    deadline.breached = true;
    await acts.raiseAlert({
      disputeId: state.disputeId,
      caseNumber: state.caseNumber,
      kind: 'accept_breach',
      stageEntry: entry,
      unitCode: unit.code,
      message: `${state.caseNumber} ${unit.name}未在时限内接单`,
      at: nowIso(),
    });
    await emit('deadline_breached', SYSTEM, { kind: 'accept', unit: unit.code, dueAt: deadline.dueAt });
    if (!moved() && deadline.autoEscalate) await escalate(SYSTEM, '接单超时，自动上报', true);
  }
}
