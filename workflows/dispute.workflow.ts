/**
 * One dispute, from intake to the follow-up visit, as one durable workflow. The workflow is the
 * single source of truth for the case's stage and deadlines; each staff action is an Update whose
 * validator refuses what the stage or the caller's role does not allow. All I/O is in activities;
 * deadlines are computed by activities and recorded in history.
 *
 * Versions: cases started before the full lifecycle (the walking skeleton, no `full-lifecycle`
 * marker in their history) keep the skeleton's behaviour, so their histories still replay.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { RetryPolicy, SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import { ACTION_EVENT_LIMIT, NOTE_EVENT_LIMIT, V1_ALLOWED_ACTIONS, allowedActions, parentLevel, type Action, type Stage } from '../domain/lifecycle';
import { mayAct } from '../domain/permissions';
import { isOverdue, nextDeadline } from '../domain/sla';
import type {
  Actor,
  Agreement,
  Deadline,
  DeadlineKind,
  DisputeEvent,
  DisputeView,
  Escalation,
  StartDisputeInput,
  UnitRef,
} from '../domain/types';
import {
  ACTION_FORBIDDEN,
  ACTION_INVALID,
  ACTION_REFUSED,
  SA_CASE_NUMBER,
  SA_LEVEL,
  SA_NEXT_DEADLINE,
  SA_OVERDUE,
  SA_STAGE,
  SA_UNIT,
  acceptUpdate,
  addNoteUpdate,
  confirmAttendanceUpdate,
  declineAttendanceUpdate,
  declineUpdate,
  escalateUpdate,
  failUpdate,
  intakeDoneUpdate,
  reassignUpdate,
  recordFollowUpUpdate,
  recordOutcomeUpdate,
  rejectAgreementUpdate,
  reopenUpdate,
  resolveUpdate,
  resumeUpdate,
  scheduleMeetingUpdate,
  sealUpdate,
  signUpdate,
  stateQuery,
  suspendUpdate,
  withdrawUpdate,
  calendarChangedSignal,
  type ActionInput,
  type ActionRefusedDetails,
  type CaseAnswer,
  type CaseReceipt,
  type ResolvePayload,
} from './dispute.messages';

const DB_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: ['UnknownUnit', 'NoSlaPolicy', ACTION_INVALID],
};

/** Activities: every step whose effect others see (the event and read model, alerts, the sealed agreement, notices). */
const remoteActs = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: DB_RETRY });

/**
 * The steps that only read or whose effect is keyed by the case alone (routing and numbering at
 * intake, the parent unit, agencies, deadlines from the calendar) as local activities: they run in
 * the worker inside the workflow task instead of a round trip each through the server.
 * Steps that write what depends on the case's path stay activities: a local activity of a workflow
 * task that is lost (a worker killed) has already happened, and the retried task may take another
 * path (an action delivered with a deadline's timer is handled first); a seq-keyed event written by
 * the lost attempt would then stand for a different event (the chaos suite caught exactly this).
 */
const localActs = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: DB_RETRY,
  // Retries that back off longer than this wait on a workflow timer instead of inside the task: the
  // task completes, so an action arriving meanwhile is answered at once ("busy, try again") instead of
  // waiting for the database to come back (the default, 1 minute, held one for over 2 minutes).
  localRetryThreshold: '2 seconds',
});

/** Notices (summonses, reminders, referrals) retry for about an hour, on the side of the case. */
const notices = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 12 },
});

const SYSTEM: Actor = { type: 'system', id: 'system', name: '系统', role: 'system' };

const MEETING_REMINDER_LEAD_MS = 24 * 3600 * 1000;

export async function disputeWorkflow(input: StartDisputeInput): Promise<DisputeView> {
  // Cases started by this code record one marker for every change up to here, instead of one marker
  // (and one upsert of Temporal's TemporalChangeVersion search attribute) for each; it also means
  // search attributes are upserted once per step. Earlier cases ask for each change as they did.
  const current = patched('fengqiao-v3');
  const full = current || patched('full-lifecycle');
  // Decided once, at the start: a case keeps the kind of activity its history began with.
  const reads = current || patched('local-reads') ? localActs : remoteActs;
  // Lean history: actions answer a receipt (the API reads the case from the read model, which the
  // action's own projection has written), and search attributes are upserted only when they change.
  const lean = current || patched('lean-history');
  // One record per step: the events of an action (or of a deadline's consequences) are recorded
  // together when it ends, by one activity, instead of one activity per event.
  const batched = current || patched('one-record-per-step');
  // Current cases mirror into Temporal's visibility what finds the workflow (unit, level, case
  // number); the stage and deadlines too only when started so: each upsert is a write to the
  // visibility store, and the read model already answers "which cases are where, and overdue".
  const stageAttributes = !current || input.stageSearchAttributes === true;
  const acts = remoteActs;
  const state: DisputeView = {
    disputeId: input.disputeId,
    version: full ? 2 : undefined,
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
  if (full) {
    state.deadlines = {};
    state.pastMeetings = [];
    state.pastAgreements = [];
    state.overdue = false;
  }
  let intakeDone = false;
  // Held while an action's handler or a deadline's consequences run: other actions are refused
  // (409, try again) and the timer waits, so no two transitions interleave at their awaits.
  let holds = 0;
  const busy = (): boolean => holds > 0;
  // Bumped on every change of stage or deadlines: the timer loop re-plans when it moves.
  let tick = 0;
  const touch = (): void => {
    tick += 1;
  };

  const nowIso = (): string => new Date().toISOString();
  // An activity's arguments are serialized when it is scheduled (synchronously, no outbound
  // interceptors here), so the case itself is passed: no copy of it is needed.
  const deadlines = (): Partial<Record<DeadlineKind, Deadline>> => (state.deadlines ??= {});
  const slaKey = () => ({ category: state.category, priority: state.priority, level: state.level ?? 'community', unitPath: state.unit?.path });

  /** Events of the current step not yet recorded (cases with `one-record-per-step`). */
  const unrecorded: DisputeEvent[] = [];

  /** Appends an event to the case history and projects the case into PostgreSQL (at the end of its step, for `one-record-per-step`). */
  async function emit(type: string, actor: Actor, payload: Record<string, unknown> = {}): Promise<void> {
    state.seq += 1;
    if (full) state.overdue = isOverdue(state);
    const event: DisputeEvent = { disputeId: state.disputeId, seq: state.seq, type, at: nowIso(), actor, payload };
    // Inside a step (an action or a deadline holding the case), recorded when the step ends (and,
    // for current cases, its search attributes upserted then).
    if (batched && busy()) {
      if (!current) syncSearchAttributes();
      unrecorded.push(event);
      return;
    }
    syncSearchAttributes();
    await acts.recordEvent({ event, view: state });
  }

  /** Records the step's events and projects the case after them; the step still holds the case. */
  async function recordStep(): Promise<void> {
    if (unrecorded.length === 0) return;
    if (current) syncSearchAttributes();
    await acts.recordEvents({ events: unrecorded.splice(0), view: state });
  }

  /** The search attributes last upserted (lean cases skip an upsert that changes nothing). */
  let lastSearchAttributes = '';
  function syncSearchAttributes(): void {
    // What finds the workflow; then, in the order they always had, the stage and deadlines around it.
    const routing = [
      { key: SA_UNIT, value: state.unit?.code ?? null },
      { key: SA_LEVEL, value: state.level ?? null },
      { key: SA_CASE_NUMBER, value: state.caseNumber ?? null },
    ];
    let attributes = routing as SearchAttributeUpdatePair[];
    if (stageAttributes) {
      const next = full ? nextDeadline(state) : state.stage === 'awaiting_acceptance' && state.deadline ? state.deadline.dueAt : undefined;
      attributes = [
        { key: SA_STAGE, value: state.stage },
        ...routing,
        { key: SA_NEXT_DEADLINE, value: next ? new Date(next) : null },
        ...(full ? [{ key: SA_OVERDUE, value: state.overdue ?? false }] : []),
      ] as SearchAttributeUpdatePair[];
    }
    if (lean) {
      const values = JSON.stringify(attributes.map((a) => a.value));
      if (values === lastSearchAttributes) return;
      lastSearchAttributes = values;
    }
    upsertSearchAttributes(attributes);
  }

  /** What an action answers: a receipt for lean cases, the whole case for earlier ones. */
  function answer(): CaseAnswer {
    if (!lean) return state;
    const receipt: CaseReceipt = { receipt: true, disputeId: state.disputeId, seq: state.seq, stage: state.stage };
    if (state.outcome) receipt.outcome = state.outcome;
    if (state.caseNumber) receipt.caseNumber = state.caseNumber;
    return receipt;
  }

  function allowedNow(): Action[] {
    if (!intakeDone || busy()) return [];
    if (!full) return [...V1_ALLOWED_ACTIONS[state.stage]];
    return allowedActions(state.stage, { suspended: !!state.suspended, performed: state.followUp?.performed });
  }
  function refuse(action: Action, why?: string, busyNow = false): never {
    const details: ActionRefusedDetails = { stage: state.stage, action, allowed: allowedNow(), ...(busyNow ? { busy: true } : {}) };
    throw ApplicationFailure.create({
      type: ACTION_REFUSED,
      message: why ?? `action ${action} is not allowed in stage ${state.stage}${state.suspended ? ' (suspended)' : ''}`,
      details: [details],
      nonRetryable: true,
    });
  }
  function invalid(message: string): never {
    throw ApplicationFailure.create({ type: ACTION_INVALID, message, nonRetryable: true });
  }
  function forbidden(message: string): never {
    throw ApplicationFailure.create({ type: ACTION_FORBIDDEN, message, nonRetryable: true });
  }
  /** Who first (403: the role or area never allows it here), then when (409: not in this stage, or busy). */
  function guard(action: Action, actor: Actor): void {
    if (!intakeDone) refuse(action, 'the case is still being registered; try again shortly');
    if (full) {
      const scope = { unitCode: state.unit?.code, unitPath: state.unit?.path, summoned: state.meeting?.agencies.map((a) => a.code) ?? [] };
      if (!mayAct(actor, action, scope)) forbidden(`${actor.role} ${actor.name} may not ${action} this case`);
    }
    if (busy()) refuse(action, 'another action on this case is in progress; try again shortly', true);
    if (!allowedNow().includes(action)) refuse(action);
    if (full && action === 'add-note' && state.seq >= NOTE_EVENT_LIMIT) {
      refuse(action, `the case file has reached its ${NOTE_EVENT_LIMIT}-event limit for notes: put further material in the mediation record`);
    }
    if (full && state.seq >= ACTION_EVENT_LIMIT && action !== 'fail' && action !== 'withdraw') {
      refuse(action, `the case has reached its limit of ${ACTION_EVENT_LIMIT} events: close it (fail with a referral, or withdraw) and open a new case`);
    }
  }

  /** Registers an action: its validator (stage, role, then `check`) and its handler. */
  function on<P>(def: UpdateDefinition<CaseAnswer, [ActionInput<P>]>, action: Action, run: (input: ActionInput<P>) => Promise<void>, check?: (input: ActionInput<P>) => void): void {
    setHandler(
      def,
      async (input) => {
        await exclusively(() => run(input));
        return answer();
      },
      {
        validator: (input) => {
          guard(action, input.actor);
          check?.(input);
        },
      },
    );
  }

  /** Runs `fn` holding the case: other actions are refused meanwhile and the timer waits. Re-entrant. */
  async function exclusively<T>(fn: () => Promise<T>): Promise<T> {
    holds += 1;
    try {
      return await fn();
    } finally {
      // The step ends with its outermost hold: its events are recorded first, even if it failed
      // after emitting some, as they were when each was recorded at once.
      if (holds === 1) await recordStep();
      holds -= 1;
    }
  }

  /** Notices still being sent (retried): the run must not end before them, or they are dropped with it. */
  const noticesInFlight = new Set<Promise<void>>();
  /**
   * Sends a notice without holding up the case: a notice endpoint that is down must not stop intake
   * or a deadline. Cases whose history predates this sent them in line and replay that way.
   */
  async function notify(notice: Parameters<Activities['sendNotice']>[0]): Promise<void> {
    if (!(current || patched('detached-notices'))) return acts.sendNotice(notice);
    const sending = notices.sendNotice(notice).catch((err: unknown) => log.warn('notice not sent', { key: notice.key, error: String(err) }));
    noticesInFlight.add(sending);
    void sending.finally(() => noticesInFlight.delete(sending));
  }

  function enterStage(stage: Stage): void {
    state.stage = stage;
    state.stageEntry += 1;
    touch();
  }

  function setDeadline(d: Deadline, opts: { noWarning?: boolean } = {}): void {
    deadlines()[d.kind] = opts.noWarning ? { ...d, warned: true } : d;
    touch();
  }
  function clearDeadlines(...kinds: DeadlineKind[]): void {
    for (const k of kinds) delete deadlines()[k];
    touch();
  }

  /** The case goes to another unit, which must accept it within its own accept deadline. */
  function moveTo(unit: UnitRef, deadline: Deadline, escalation: Omit<Escalation, 'at' | 'to'>): void {
    const names = full ? { fromName: state.unit?.name, toName: unit.name } : {};
    state.escalations.push({ at: nowIso(), to: unit.code, ...escalation, ...names });
    state.unit = unit;
    state.level = unit.level;
    state.acceptedAt = undefined;
    state.acceptedBy = undefined;
    state.assignee = undefined;
    state.suspended = undefined;
    if (full) {
      state.deadlines = {};
      setDeadline(deadline);
    } else {
      state.deadline = deadline;
    }
    enterStage('awaiting_acceptance');
  }

  /** Hands the case to the parent unit, whose own accept clock starts. */
  async function escalate(actor: Actor, reason: string, automatic: boolean, kind: Escalation['kind']): Promise<boolean> {
    const from = state.unit;
    if (!from) return false;
    const next = await exclusively(() =>
      reads.escalateCase({ disputeId: state.disputeId, unitCode: from.code, category: state.category, priority: state.priority, from: nowIso() }),
    );
    if (!next) return false;
    moveTo(next.unit, next.deadline, full ? { from: from.code, reason, automatic, kind } : { from: from.code, reason, automatic });
    await emit('escalated', actor, { from: from.code, to: next.unit.code, reason, automatic });
    return true;
  }

  async function closeCase(outcome: NonNullable<DisputeView['outcome']>): Promise<void> {
    state.outcome = outcome;
    state.closedAt = nowIso();
    state.suspended = undefined;
    // After a resolved case closes, only the judicial-confirmation reminder may still be pending.
    const judicial = outcome === 'resolved' ? deadlines().judicial_confirmation : undefined;
    state.deadlines = judicial ? { judicial_confirmation: judicial } : {};
    enterStage('closed');
  }

  async function draftAgreement(actor: Actor, p: ResolvePayload): Promise<void> {
    const signatures = full
      ? await exclusively(() => reads.computeDeadline({ kind: 'signatures', ...slaKey(), from: nowIso() }))
      : undefined;
    const agreement: Agreement = {
      facts: p.facts,
      matters: p.matters,
      responsibilities: p.responsibilities,
      terms: p.terms,
      draftedAt: nowIso(),
      draftedBy: actor,
      signatures: [],
    };
    if (full) {
      agreement.losses = p.losses;
      agreement.round = (state.pastAgreements?.length ?? 0) + 1;
    }
    state.agreement = agreement;
    if (signatures) setDeadline(signatures, { noWarning: true });
    enterStage('awaiting_signatures');
    await emit('agreement_drafted', actor, { terms: p.terms.length });
  }

  async function becomeEffectiveIfComplete(actor: Actor): Promise<void> {
    const agreement = state.agreement;
    if (!agreement?.sealedAt) return;
    const signed = new Set(agreement.signatures.map((s) => s.signer));
    const everyone = ['mediator', ...state.parties.map((_, i) => `party:${i}`)];
    if (!everyone.every((s) => signed.has(s))) return;
    const effectiveAt = nowIso();
    const sealed = await exclusively(() => acts.sealAgreement({ view: state, effectiveAt }));
    agreement.number = sealed.number;
    agreement.sha256 = sealed.sha256;
    agreement.effectiveAt = effectiveAt;
    if (!full) {
      state.outcome = 'resolved';
      state.closedAt = effectiveAt;
      enterStage('closed');
      await emit('agreement_effective', actor, { number: agreement.number, sha256: agreement.sha256 });
      return;
    }
    const after = await exclusively(() => reads.afterEffective({ ...slaKey(), effectiveAt, terms: agreement.terms }));
    clearDeadlines('handling', 'signatures');
    setDeadline(after.followUp);
    setDeadline(after.judicial);
    state.followUp = { dueAt: after.followUp.dueAt };
    enterStage('follow_up');
    await emit('agreement_effective', actor, { number: agreement.number, sha256: agreement.sha256, followUpAt: after.followUp.dueAt });
  }

  async function startHandlingClock(): Promise<void> {
    const handling = await exclusively(() => reads.computeDeadline({ kind: 'handling', ...slaKey(), from: nowIso() }));
    setDeadline(handling);
  }

  async function alert(kind: Parameters<Activities['raiseAlert']>[0]['kind'], message: string): Promise<void> {
    const unit = state.unit;
    if (!unit) return;
    await acts.raiseAlert({
      disputeId: state.disputeId,
      caseNumber: state.caseNumber,
      kind,
      stageEntry: state.stageEntry,
      unitCode: unit.code,
      message,
      at: nowIso(),
    });
  }

  setHandler(stateQuery, () => state);

  // Holiday arrangements changed: re-plan the running working-day deadlines, on the record.
  setHandler(calendarChangedSignal, async ({ revision, year, region }) => {
    await condition(() => intakeDone && !busy());
    if (state.stage === 'closed') return;
    await exclusively(async () => {
      const replanned = await reads.replanCase({ unitCode: state.unit?.code, deadlines: deadlines(), at: nowIso() });
      if (replanned.moves.length === 0) return;
      for (const d of replanned.deadlines) deadlines()[d.kind] = d;
      touch();
      await emit('deadlines_replanned', SYSTEM, { revision: replanned.revision, prompt: { revision, year, region }, moves: replanned.moves });
    });
  });

  setHandler(intakeDoneUpdate, async () => {
    await condition(() => intakeDone);
    return answer();
  });

  on(acceptUpdate, 'accept', async ({ actor, payload }) => {
    if (full) await startHandlingClock();
    state.acceptedAt = nowIso();
    state.acceptedBy = actor;
    if (full) {
      state.assignee = { id: actor.id, name: actor.name };
      clearDeadlines('accept');
    }
    enterStage('in_mediation');
    await emit('accepted', actor, { unit: state.unit?.code, note: payload.note });
  });

  on(
    declineUpdate,
    'decline',
    async ({ actor, payload }) => {
      const from = state.unit!;
      if (!payload.transferTo) {
        if (!(await escalate(actor, payload.reason, false, 'decline'))) invalid('there is no level above this unit');
        return;
      }
      const target = payload.transferTo;
      const { unit, deadline } = await exclusively(async () => {
        const unit = await reads.resolveUnit(target);
        return { unit, deadline: await reads.computeDeadline({ kind: 'accept', ...slaKey(), level: unit.level, unitPath: unit.path, from: nowIso() }) };
      });
      // A ticket goes sideways within the level above (a neighbouring community, say), not across the city.
      const around = from.path?.replace(/[^/]+\/$/, '');
      if (actor.role !== 'admin' && around && !unit.path?.startsWith(around)) forbidden(`${unit.code} is outside ${from.name}'s neighbourhood`);
      moveTo(unit, deadline, { from: from.code, reason: payload.reason, automatic: false, kind: 'transfer' });
      await emit('transferred', actor, { from: from.code, to: unit.code, reason: payload.reason });
    },
    ({ payload }) => {
      if (payload.transferTo === state.unit?.code) invalid('the case is already with that unit');
    },
  );

  on(addNoteUpdate, 'add-note', async ({ actor, payload }) => {
    state.notes.push({ at: nowIso(), by: actor, text: payload.text });
    await emit('note_added', actor, { text: payload.text });
  });

  on(
    escalateUpdate,
    'escalate',
    async ({ actor, payload }) => {
      if (!(await escalate(actor, payload.reason, false, 'escalate'))) invalid('there is no level above this unit');
    },
    () => {
      if (state.level && !parentLevel(state.level)) invalid('the case is already at the highest level');
    },
  );

  on(suspendUpdate, 'suspend', async ({ actor, payload }) => {
    const at = nowIso();
    state.suspended = { since: at, by: actor.id, reason: payload.reason };
    const handling = deadlines().handling;
    if (handling) handling.pausedAt = at;
    touch();
    await emit('suspended', actor, { reason: payload.reason });
  });

  on(resumeUpdate, 'resume', async ({ actor, payload }) => {
    const handling = deadlines().handling;
    const resumedAt = nowIso();
    if (handling?.pausedAt) {
      const moved = await exclusively(() => reads.extendDeadline({ deadline: handling, resumedAt, unitCode: state.unit?.code }));
      setDeadline(moved);
    }
    const since = state.suspended?.since;
    state.suspended = undefined;
    touch();
    await emit('resumed', actor, { since, resumedAt, note: payload.note, handlingDueAt: deadlines().handling?.dueAt });
  });

  on(
    scheduleMeetingUpdate,
    'schedule-meeting',
    async ({ actor, payload }) => {
      const { agencies, reportIn } = await exclusively(async () => ({
        agencies: await reads.resolveAgencies(payload.agencies),
        reportIn: await reads.computeDeadline({ kind: 'report_in', ...slaKey(), from: nowIso() }),
      }));
      const round = (state.pastMeetings?.length ?? 0) + 1;
      state.meeting = {
        round,
        at: payload.at,
        place: payload.place,
        agencies,
        parties: payload.parties ?? state.parties.map((_, i) => i),
        agenda: payload.agenda,
        convenedBy: actor,
        convenedAt: nowIso(),
      };
      setDeadline(reportIn, { noWarning: true });
      const meetingAt = Date.parse(payload.at);
      const remindAt = Math.max(Date.now(), meetingAt - Math.min(MEETING_REMINDER_LEAD_MS, (meetingAt - Date.now()) / 2));
      setDeadline(
        { kind: 'meeting_reminder', startedAt: nowIso(), warnAt: payload.at, dueAt: new Date(remindAt).toISOString(), warned: true, breached: false, autoEscalate: false },
        { noWarning: true },
      );
      enterStage('meeting_scheduled');
      await emit('meeting_scheduled', actor, { round, at: payload.at, place: payload.place, agencies: payload.agencies, reportInDueAt: reportIn.dueAt });
      await notify({
        key: `${state.disputeId}:summons:${round}`,
        disputeId: state.disputeId,
        kind: 'meeting_summons',
        recipients: agencies.map((a) => a.code),
        message: `联合调解通知：${state.caseNumber} ${state.title}，${payload.at} 于${payload.place}召开，请于 ${reportIn.dueAt} 前报到确认。`,
      });
    },
    ({ payload }) => {
      if (!(Date.parse(payload.at) > Date.now())) invalid('the meeting must be in the future');
      if (new Set(payload.agencies).size !== payload.agencies.length) invalid('an agency is listed twice');
      for (const i of payload.parties ?? []) if (i >= state.parties.length) invalid(`no party ${i}`);
    },
  );

  function answerSummons(answer: 'confirmed' | 'declined') {
    return async ({ actor, payload }: ActionInput<{ note?: string; reason?: string }>) => {
      const agency = state.meeting!.agencies.find((a) => a.code === actor.agencyCode)!;
      agency.answer = answer;
      agency.answeredAt = nowIso();
      agency.answeredBy = actor.id;
      agency.note = payload.reason ?? payload.note;
      if (state.meeting!.agencies.every((a) => a.answer)) clearDeadlines('report_in');
      await emit(answer === 'confirmed' ? 'attendance_confirmed' : 'attendance_declined', actor, { agency: agency.code, note: agency.note });
    };
  }
  const notYetAnswered = ({ actor }: ActionInput<unknown>) => {
    const agency = state.meeting?.agencies.find((a) => a.code === actor.agencyCode);
    if (!agency) invalid('only a representative of a summoned agency answers the summons');
    if (agency.answer) invalid(`${actor.agencyCode} has already answered`);
  };
  on(confirmAttendanceUpdate, 'confirm-attendance', answerSummons('confirmed'), notYetAnswered);
  on(declineAttendanceUpdate, 'decline-attendance', answerSummons('declined'), (input) => {
    notYetAnswered(input);
    if (!input.payload.reason) invalid('a reason is required to decline');
  });

  on(
    recordOutcomeUpdate,
    'record-outcome',
    async ({ actor, payload }) => {
      const meeting = state.meeting!;
      meeting.outcome = {
        result: payload.result,
        facts: payload.facts,
        responsibilities: payload.responsibilities,
        losses: payload.losses,
        note: payload.note,
        recordedAt: nowIso(),
      };
      state.pastMeetings = [...(state.pastMeetings ?? []), meeting];
      state.meeting = undefined;
      clearDeadlines('report_in', 'meeting_reminder');
      await emit('meeting_outcome_recorded', actor, { result: payload.result, round: meeting.round });
      if (payload.result === 'agreed') {
        await draftAgreement(actor, {
          facts: payload.facts,
          matters: payload.matters ?? '',
          responsibilities: payload.responsibilities ?? '',
          losses: payload.losses,
          terms: payload.terms ?? [],
        });
      } else if (payload.result === 'no_agreement' && payload.failWithReferral) {
        state.failure = { at: nowIso(), by: actor.id, reason: '联合调解未达成协议', referral: payload.failWithReferral };
        await closeCase('failed');
        await emit('mediation_failed', actor, { referral: payload.failWithReferral });
      } else {
        enterStage('in_mediation');
        await emit('back_to_mediation', actor, { result: payload.result });
      }
    },
    ({ payload }) => {
      if (!state.meeting) invalid('there is no meeting to record');
      if (payload.result === 'agreed' && !(payload.terms?.length && payload.matters && payload.responsibilities)) {
        invalid('an agreed outcome needs matters, responsibilities and at least one term');
      }
    },
  );

  on(
    resolveUpdate,
    'resolve',
    async ({ actor, payload }) => draftAgreement(actor, payload),
    ({ payload }) => {
      if (payload.terms.length === 0) invalid('an agreement needs at least one term');
    },
  );

  on(
    signUpdate,
    'sign',
    async ({ actor, payload }) => {
      const agreement = state.agreement!;
      const index = payload.signer.startsWith('party:') ? Number(payload.signer.slice(6)) : -1;
      const name = index >= 0 ? state.parties[index]!.name : (state.acceptedBy?.name ?? actor.name);
      agreement.signatures.push({ signer: payload.signer, name, method: payload.method, witness: payload.witness, at: nowIso(), recordedBy: actor.id });
      await emit('signed', actor, { signer: payload.signer, name, method: payload.method, witness: payload.witness });
      await becomeEffectiveIfComplete(actor);
    },
    ({ payload }) => {
      const { signer } = payload;
      const match = /^party:(\d+)$/.exec(signer);
      if (signer !== 'mediator' && !(match && Number(match[1]) < state.parties.length)) {
        invalid(`unknown signer ${signer}: use "mediator" or "party:0" … "party:${state.parties.length - 1}"`);
      }
      if (state.agreement?.signatures.some((s) => s.signer === signer)) invalid(`${signer} has already signed`);
    },
  );

  on(
    sealUpdate,
    'seal',
    async ({ actor }) => {
      state.agreement!.sealedAt = nowIso();
      state.agreement!.sealedBy = actor.id;
      await emit('sealed', actor, { committee: state.unit?.committeeName });
      await becomeEffectiveIfComplete(actor);
    },
    () => {
      if (state.agreement?.sealedAt) invalid('the committee seal is already affixed');
    },
  );

  on(
    rejectAgreementUpdate,
    'reject-agreement',
    async ({ actor, payload }) => {
      const agreement = state.agreement!;
      agreement.rejected = { at: nowIso(), by: actor.id, party: payload.party, reason: payload.reason };
      state.pastAgreements = [...(state.pastAgreements ?? []), agreement];
      state.agreement = undefined;
      clearDeadlines('signatures');
      enterStage('in_mediation');
      await emit('agreement_rejected', actor, { party: payload.party, reason: payload.reason });
    },
    ({ payload }) => {
      if (payload.party !== undefined && payload.party >= state.parties.length) invalid(`no party ${payload.party}`);
    },
  );

  on(recordFollowUpUpdate, 'record-follow-up', async ({ actor, payload }) => {
    state.followUp = { ...state.followUp!, ...payload, recordedAt: nowIso(), recordedBy: actor.id };
    clearDeadlines('follow_up');
    await emit('follow_up_recorded', actor, { performed: payload.performed, satisfaction: payload.satisfaction });
    if (payload.performed) {
      await closeCase('resolved');
      await emit('closed', actor, { outcome: 'resolved' });
    }
  });

  on(reopenUpdate, 'reopen', async ({ actor, payload }) => {
    await startHandlingClock();
    if (state.agreement) state.pastAgreements = [...(state.pastAgreements ?? []), state.agreement];
    state.agreement = undefined;
    state.followUp = undefined;
    clearDeadlines('judicial_confirmation', 'follow_up');
    enterStage('in_mediation');
    await emit('reopened', actor, { reason: payload.reason });
  });

  on(failUpdate, 'fail', async ({ actor, payload }) => {
    state.failure = { at: nowIso(), by: actor.id, reason: payload.reason, referral: payload.referral };
    await closeCase('failed');
    await emit('mediation_failed', actor, { reason: payload.reason, referral: payload.referral });
  });

  on(
    withdrawUpdate,
    'withdraw',
    async ({ actor, payload }) => {
      state.withdrawal = { at: nowIso(), by: actor.id, reason: payload.reason, party: payload.party };
      await closeCase('withdrawn');
      await emit('withdrawn', actor, { reason: payload.reason, party: payload.party });
    },
    ({ payload }) => {
      if (payload.party !== undefined && payload.party >= state.parties.length) invalid(`no party ${payload.party}`);
    },
  );

  on(
    reassignUpdate,
    'reassign',
    async ({ actor, payload }) => {
      const target = payload.unitCode;
      if (!target || target === state.unit?.code) {
        if (payload.assignee) state.assignee = payload.assignee;
        await emit('reassigned', actor, { assignee: payload.assignee, reason: payload.reason });
        return;
      }
      const from = state.unit!;
      const { unit, deadline } = await exclusively(async () => {
        const unit = await reads.resolveUnit(target);
        return { unit, deadline: await reads.computeDeadline({ kind: 'accept', ...slaKey(), level: unit.level, unitPath: unit.path, from: nowIso() }) };
      });
      if (actor.role !== 'admin' && !(actor.unitPath && unit.path?.startsWith(actor.unitPath))) {
        forbidden(`${unit.code} is outside your area`);
      }
      moveTo(unit, deadline, { from: from.code, reason: payload.reason, automatic: false, kind: 'reassign' });
      if (payload.assignee) state.assignee = payload.assignee;
      await emit('reassigned', actor, { from: from.code, to: unit.code, assignee: payload.assignee, reason: payload.reason });
    },
    ({ payload }) => {
      if (!payload.unitCode && !payload.assignee) invalid('name a unitCode, an assignee, or both');
    },
  );

  // Intake 登记: route, number, assess the risk, start the accept clock.
  const intake = await reads.intakeDispute({ ...input, from: nowIso() });
  state.caseNumber = intake.caseNumber;
  state.unit = intake.unit;
  state.level = intake.unit.level;
  if (full) {
    state.risk = intake.risk;
    if (intake.risk.high) state.priority = 'urgent';
    setDeadline(intake.deadline);
  } else {
    state.deadline = intake.deadline;
  }
  enterStage('awaiting_acceptance');
  await emit('received', input.reportedBy, { unit: intake.unit.code, caseNumber: intake.caseNumber });
  if (full && intake.risk.high) await flagHighRisk(intake.risk.reasons);
  // Only now is the case readable from the API, so only now do actions and the creator's answer go ahead.
  intakeDone = true;

  if (!full) {
    while (state.stage !== 'closed') {
      const entry = state.stageEntry;
      if (state.stage === 'awaiting_acceptance') await watchAcceptDeadlineV1(entry);
      await condition(() => state.stageEntry !== entry);
    }
    await condition(allHandlersFinished);
    return state;
  }

  // One timer for the whole case: wait for the earliest warning or due instant of any running
  // deadline, or for a change (an action moved a deadline or the stage), then plan again.
  for (;;) {
    const next = nextTrigger();
    if (!next && state.stage === 'closed') break;
    const seen = tick;
    if (!next) {
      await condition(() => tick !== seen);
      continue;
    }
    const changed = await condition(() => tick !== seen, Math.max(1, Date.parse(next.at) - Date.now()));
    if (changed) continue;
    // An action in flight finishes first; if it moved the stage or the deadlines, plan again.
    if (busy()) {
      await condition(() => !busy());
      if (tick !== seen) continue;
    }
    await exclusively(() => fire(next.deadline, next.phase));
  }
  await condition(allHandlersFinished);
  // A closed case whose notice is still being retried (its endpoint down, a worker lost) waits for it:
  // a run that completes abandons its activities. Runs that completed without waiting replay as they were.
  if (noticesInFlight.size > 0 && (current || patched('notices-outlive-closing'))) await condition(() => noticesInFlight.size === 0);
  return state;

  function nextTrigger(): { deadline: Deadline; phase: 'warn' | 'due'; at: string } | undefined {
    let best: { deadline: Deadline; phase: 'warn' | 'due'; at: string } | undefined;
    for (const d of Object.values(deadlines())) {
      if (!d || d.pausedAt || d.breached) continue;
      const phase = d.warned ? 'due' : 'warn';
      const at = phase === 'warn' ? d.warnAt : d.dueAt;
      if (!best || at < best.at) best = { deadline: d, phase, at };
    }
    return best;
  }

  async function fire(d: Deadline, phase: 'warn' | 'due'): Promise<void> {
    const unitName = state.unit?.name ?? '';
    const number = state.caseNumber ?? state.disputeId;
    if (phase === 'warn') {
      d.warned = true;
      touch();
      if (d.kind === 'accept') await alert('accept_warning', `${number} 待${unitName}接单，将于 ${d.dueAt} 超时`);
      else if (d.kind === 'handling') await alert('handling_warning', `${number} ${unitName}调处期限将于 ${d.dueAt} 届满`);
      else if (d.kind === 'judicial_confirmation') {
        await notify({
          key: `${state.disputeId}:judicial:${state.agreement?.round ?? 1}`,
          disputeId: state.disputeId,
          kind: 'judicial_confirmation_reminder',
          recipients: [...state.parties.map((p) => p.name), state.assignee?.name ?? unitName],
          message: `${state.agreement?.number ?? number}：申请司法确认的30日期限将于 ${d.dueAt} 届满（人民调解法第三十三条）。`,
        });
      }
      return;
    }
    d.breached = true;
    touch();
    switch (d.kind) {
      case 'accept': {
        const entry = state.stageEntry;
        await alert('accept_breach', `${number} ${unitName}未在时限内接单`);
        await emit('deadline_breached', SYSTEM, { kind: 'accept', unit: state.unit?.code, dueAt: d.dueAt });
        if (state.stageEntry === entry && state.stage === 'awaiting_acceptance' && d.autoEscalate) {
          await escalate(SYSTEM, '接单超时，自动上报', true, 'breach');
        }
        return;
      }
      case 'handling':
        await alert('handling_breach', `${number} ${unitName}调处超期`);
        await emit('deadline_breached', SYSTEM, { kind: 'handling', dueAt: d.dueAt });
        return;
      case 'report_in': {
        const missing = state.meeting?.agencies.filter((a) => !a.answer).map((a) => a.name) ?? [];
        if (missing.length) await alert('report_in_breach', `${number} 联合调解报到超时：${missing.join('、')}`);
        await emit('deadline_breached', SYSTEM, { kind: 'report_in', missing });
        return;
      }
      case 'signatures':
        await alert('signature_overdue', `${number} 调解协议未在时限内完成签署`);
        await emit('deadline_breached', SYSTEM, { kind: 'signatures', dueAt: d.dueAt });
        return;
      case 'follow_up':
        await alert('follow_up_due', `${number} 已到回访时间，请回访履行情况`);
        await emit('follow_up_due', SYSTEM, { dueAt: d.dueAt });
        return;
      case 'meeting_reminder': {
        const meeting = state.meeting;
        clearDeadlines('meeting_reminder');
        if (!meeting) return;
        await notify({
          key: `${state.disputeId}:reminder:${meeting.round}`,
          disputeId: state.disputeId,
          kind: 'meeting_reminder',
          recipients: [...meeting.agencies.filter((a) => a.answer !== 'declined').map((a) => a.code), ...meeting.parties.map((i) => state.parties[i]?.name ?? '')],
          message: `提醒：${number} 联合调解将于 ${meeting.at} 在${meeting.place}召开。`,
        });
        await emit('meeting_reminder_sent', SYSTEM, { round: meeting.round });
        return;
      }
      case 'judicial_confirmation':
        clearDeadlines('judicial_confirmation');
        await emit('judicial_confirmation_window_closed', SYSTEM, { dueAt: d.dueAt });
        return;
    }
  }

  async function flagHighRisk(reasons: string[]): Promise<void> {
    const text = `高风险纠纷（${reasons.join('；')}）：可能激化为刑事案件或治安案件，已启用紧急时限，建议同时报告当地公安机关（人民调解法第二十五条）。`;
    state.notes.push({ at: nowIso(), by: SYSTEM, text });
    await alert('high_risk', `${state.caseNumber} ${text}`);
    await notify({
      key: `${state.disputeId}:police-referral`,
      disputeId: state.disputeId,
      kind: 'high_risk_referral',
      recipients: ['police'],
      message: `${state.caseNumber} ${state.title}：${text}`,
    });
    await emit('high_risk_flagged', SYSTEM, { reasons });
  }

  /** The skeleton's accept clock: warns at the warning share, then on breach alerts and escalates. */
  async function watchAcceptDeadlineV1(entry: number): Promise<void> {
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
    if (!moved() && deadline.autoEscalate) await escalate(SYSTEM, '接单超时，自动上报', true, 'breach');
  }
}
