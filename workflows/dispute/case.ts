/**
 * The state of one case and the rules every step follows: one step at a time (an action's handler
 * or a deadline's consequences hold the case), its events recorded together when the step ends,
 * the guard order who → when → what for every action, and the search attributes that find it.
 */
import { ApplicationFailure, condition, log, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../../activities';
import {
  ACTION_EVENT_LIMIT,
  NOTE_EVENT_LIMIT,
  allowedActions,
  signalledActions,
  type Action,
  type Stage,
} from '../../domain/lifecycle';
import { committeeRefusal, mayAct } from '../../domain/permissions';
import { isOverdue, nextDeadline } from '../../domain/sla';
import { judicialRecordable } from '../../domain/agreement-law';
import { scrubUnsafeText } from '../../domain/text';
import type { Actor, Deadline, DeadlineKind, DisputeEvent, DisputeView, StartDisputeInput } from '../../domain/types';
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
  type ActionInput,
  type ActionRefusedDetails,
  type CaseReceipt,
  type RepairInput,
} from '../dispute.messages';
import { caseSteps, effects, notices, persevering, stuckReports, type StepFailure } from './steps';

export const SYSTEM: Actor = { type: 'system', id: 'system', name: '系统', role: 'system' };

const nowIso = (): string => new Date().toISOString();

/** How long a stuck case waits for a repair before it tries its step again by itself. */
const STUCK_RETRY = '30 minutes';

/** 422: the action's content does not fit the case. */
export function invalid(message: string): never {
  throw ApplicationFailure.create({ type: ACTION_INVALID, message, nonRetryable: true });
}
/** 403: the caller's role or area never allows this here. */
export function forbidden(message: string): never {
  throw ApplicationFailure.create({ type: ACTION_FORBIDDEN, message, nonRetryable: true });
}

export class DisputeCase {
  readonly state: DisputeView;
  /** Until intake has recorded the case, no action goes ahead. */
  intakeDone = false;
  /** Bumped on every change of stage or deadlines: the clock plans again when it moves. */
  tick = 0;
  /** Notices still being sent (retried): the run must not end before them, or they are dropped with it. */
  readonly noticesInFlight = new Set<Promise<void>>();
  // Held while an action's handler or a deadline's consequences run: other actions are refused
  // (409, try again) and the clock waits, so no two transitions interleave at their awaits.
  private holds = 0;
  /** Events of the current step not yet recorded. */
  private readonly unrecorded: DisputeEvent[] = [];
  /** The search attributes last upserted (an upsert that changes nothing is skipped). */
  private lastSearchAttributes = '';
  /** Set while a step has stopped (its retries used up, or its data refused) and the case waits for a repair. */
  private stuck?: { since: string; failure: StepFailure };
  private repair?: RepairInput;

  /**
   * The case's steps: a step that stops does not fail the workflow but makes the case stuck
   * (`stuckOn`) until it goes through again. Every step of the case goes through these two.
   */
  readonly effects = persevering(
    effects,
    (f, args) => this.stuckOn(f, args),
    () => this.recovered(),
  );
  readonly steps = persevering(
    caseSteps,
    (f, args) => this.stuckOn(f, args),
    () => this.recovered(),
  );

  constructor(
    input: StartDisputeInput,
    /** Mirror the stage and deadlines into Temporal's visibility too (each upsert is a write there). */
    private readonly stageAttributes = input.stageSearchAttributes === true,
  ) {
    this.state = {
      disputeId: input.disputeId,
      stage: 'awaiting_acceptance',
      stageEntry: 0,
      originCode: input.gridCode,
      category: input.category,
      priority: input.priority,
      title: input.title,
      description: input.description,
      parties: input.parties,
      ...(input.reporter ? { reporter: input.reporter } : {}),
      channel: input.channel,
      externalRef: input.externalRef,
      reportedBy: input.reportedBy,
      receivedAt: input.receivedAt,
      escalations: [],
      notes: [],
      seq: 0,
      deadlines: {},
      pastMeetings: [],
      pastAgreements: [],
      overdue: false,
    };
  }

  busy(): boolean {
    return this.holds > 0;
  }
  touch(): void {
    this.tick += 1;
  }
  deadlines(): Partial<Record<DeadlineKind, Deadline>> {
    return (this.state.deadlines ??= {});
  }
  /** What picks the SLA policy and the holiday calendar: the case's category, priority, level and unit. */
  slaKey() {
    const s = this.state;
    return { category: s.category, priority: s.priority, level: s.level ?? 'community', unitPath: s.unit?.path };
  }

  enterStage(stage: Stage): void {
    this.state.stage = stage;
    this.state.stageEntry += 1;
    this.touch();
  }
  setDeadline(d: Deadline, opts: { noWarning?: boolean } = {}): void {
    this.deadlines()[d.kind] = opts.noWarning ? { ...d, warned: true } : d;
    this.touch();
  }
  clearDeadlines(...kinds: DeadlineKind[]): void {
    for (const k of kinds) delete this.deadlines()[k];
    this.touch();
  }

  /**
   * Appends an event to the case history. Inside a step it is recorded, with the case projected
   * after it, when the step ends; outside one (intake), at once.
   */
  async emit(type: string, actor: Actor, payload: Record<string, unknown> = {}): Promise<void> {
    const state = this.state;
    state.seq += 1;
    state.overdue = isOverdue(state);
    const event: DisputeEvent = { disputeId: state.disputeId, seq: state.seq, type, at: nowIso(), actor, payload };
    if (this.busy()) {
      this.unrecorded.push(event);
      return;
    }
    this.syncSearchAttributes();
    await this.effects.recordEvent({ event, view: state });
  }

  /** Runs `fn` holding the case: other actions are refused meanwhile and the clock waits. Re-entrant. */
  async exclusively<T>(fn: () => Promise<T>): Promise<T> {
    this.holds += 1;
    try {
      return await fn();
    } finally {
      // The step ends with its outermost hold: its events are recorded first, even if it failed after emitting some.
      if (this.holds === 1) await this.recordStep();
      this.holds -= 1;
    }
  }

  /** Records the step's events and projects the case after them; the step still holds the case. */
  private async recordStep(): Promise<void> {
    if (this.unrecorded.length === 0) return;
    this.syncSearchAttributes();
    await this.effects.recordEvents({ events: this.unrecorded.splice(0), view: this.state });
  }

  private syncSearchAttributes(): void {
    const state = this.state;
    // What finds the workflow; with stage attributes, the stage and deadlines around it.
    const routing = [
      { key: SA_UNIT, value: state.unit?.code ?? null },
      { key: SA_LEVEL, value: state.level ?? null },
      { key: SA_CASE_NUMBER, value: state.caseNumber ?? null },
    ];
    let attributes = routing as SearchAttributeUpdatePair[];
    if (this.stageAttributes) {
      const next = nextDeadline(state);
      attributes = [
        { key: SA_STAGE, value: state.stage },
        ...routing,
        { key: SA_NEXT_DEADLINE, value: next ? new Date(next) : null },
        { key: SA_OVERDUE, value: state.overdue ?? false },
      ] as SearchAttributeUpdatePair[];
    }
    const values = JSON.stringify(attributes.map((a) => a.value));
    if (values === this.lastSearchAttributes) return;
    this.lastSearchAttributes = values;
    upsertSearchAttributes(attributes);
  }

  /** What an action answers: a receipt (the API reads the case from the read model the step has written). */
  receipt(): CaseReceipt {
    const s = this.state;
    return {
      receipt: true,
      disputeId: s.disputeId,
      seq: s.seq,
      stage: s.stage,
      ...(s.outcome ? { outcome: s.outcome } : {}),
      ...(s.caseNumber ? { caseNumber: s.caseNumber } : {}),
    };
  }

  allowedNow(): Action[] {
    if (!this.intakeDone || this.busy()) return [];
    return allowedActions(this.state.stage, {
      suspended: !!this.state.suspended,
      performed: this.state.followUp?.performed,
      judicial: judicialRecordable(this.state),
      perTerm: !!this.state.performance,
    });
  }

  /** 409: not in this stage, or busy (try again). */
  refuse(action: Action, why?: string, busyNow = false): never {
    const s = this.state;
    const details: ActionRefusedDetails = {
      stage: s.stage,
      action,
      // What the caller may send instead (the internal actions have their own routes).
      allowed: signalledActions(this.allowedNow()),
      ...(busyNow ? { busy: true } : {}),
    };
    throw ApplicationFailure.create({
      type: ACTION_REFUSED,
      message: why ?? `action ${action} is not allowed in stage ${s.stage}${s.suspended ? ' (suspended)' : ''}`,
      details: [details],
      nonRetryable: true,
    });
  }

  /** Who first (403: the role or area never allows it here), then when (409: not in this stage, or busy). */
  private guard(action: Action, actor: Actor): void {
    const s = this.state;
    if (!this.intakeDone) this.refuse(action, 'the case is still being registered; try again shortly');
    const scope = {
      unitCode: s.unit?.code,
      unitPath: s.unit?.path,
      summoned: s.meeting?.agencies.map((a) => a.code) ?? [],
      committeeName: s.unit?.committeeName,
    };
    if (!mayAct(actor, action, scope))
      forbidden(committeeRefusal(actor, action, scope) ?? `${actor.role} ${actor.name} may not ${action} this case`);
    if (this.busy()) this.refuse(action, 'another action on this case is in progress; try again shortly', true);
    if (!this.allowedNow().includes(action)) this.refuse(action);
    if (action === 'add-note' && s.seq >= NOTE_EVENT_LIMIT) {
      this.refuse(
        action,
        `the case file has reached its ${NOTE_EVENT_LIMIT}-event limit for notes: put further material in the mediation record`,
      );
    }
    if (s.seq >= ACTION_EVENT_LIMIT && action !== 'fail' && action !== 'withdraw') {
      this.refuse(
        action,
        `the case has reached its limit of ${ACTION_EVENT_LIMIT} events: close it (fail with a referral, or withdraw) and open a new case`,
      );
    }
  }

  /** Registers an action: its validator (who, when, then `check` for what) and its handler, which holds the case. */
  on<P>(
    def: UpdateDefinition<CaseReceipt, [ActionInput<P>]>,
    action: Action,
    run: (input: ActionInput<P>) => Promise<void>,
    check?: (input: ActionInput<P>) => void,
  ): void {
    setHandler(
      def,
      async (input) => {
        await this.exclusively(() => run(input));
        return this.receipt();
      },
      {
        validator: (input) => {
          this.guard(action, input.actor);
          check?.(input);
        },
      },
    );
  }

  /** Sends a notice without holding up the case: a notice endpoint that is down must not stop intake or a deadline. */
  notify(notice: Parameters<Activities['sendNotice']>[0]): void {
    const sending = notices
      .sendNotice(notice)
      .catch((err: unknown) => log.warn('notice not sent', { key: notice.key, error: String(err) }));
    this.noticesInFlight.add(sending);
    void sending.finally(() => this.noticesInFlight.delete(sending));
  }

  /** An alert to the supervisors of the unit holding the case (one per case, kind and stage entry). */
  async alert(kind: Parameters<Activities['raiseAlert']>[0]['kind'], message: string): Promise<void> {
    const s = this.state;
    if (!s.unit) return;
    await this.effects.raiseAlert({
      disputeId: s.disputeId,
      caseNumber: s.caseNumber,
      kind,
      stageEntry: s.stageEntry,
      unitCode: s.unit.code,
      message,
      at: nowIso(),
    });
  }

  /** POST /admin/disputes/{id}/repair: a stuck case tries its step again now (see `stuckOn`). */
  requestRepair(input: RepairInput): void {
    if (this.stuck) this.repair = input;
  }

  /**
   * A step has stopped: the first time, record the case as stuck (the operator's metric and list)
   * and alert the unit's supervisors; then wait for a repair, or STUCK_RETRY, and let the step run
   * again. A repair with `scrub` first cleans the step's arguments in place — the same objects as
   * the case's state and events — of every character the database may refuse.
   */
  private async stuckOn(failure: StepFailure, args: unknown[]): Promise<void> {
    const s = this.state;
    if (!this.stuck) {
      const since = nowIso();
      this.stuck = { since, failure };
      log.error('case stuck: a step keeps failing', { disputeId: s.disputeId, ...failure });
      const what = `系统步骤 ${failure.activity} 反复失败（${failure.failure}），案件已暂停，等待运维人员修复（运维手册“卡住的案件”）。 / Case stuck: step ${failure.activity} keeps failing (${failure.failure}); the case waits for an operator's repair.`;
      const report = { disputeId: s.disputeId, caseNumber: s.caseNumber, unitCode: s.unit?.code, since, ...failure };
      const reports: Array<Promise<unknown>> = [stuckReports.markStuck(report)];
      if (s.unit) {
        reports.push(
          stuckReports.raiseAlert({
            disputeId: s.disputeId,
            caseNumber: s.caseNumber,
            kind: 'case_stuck',
            stageEntry: s.stageEntry,
            unitCode: s.unit.code,
            message: `${s.caseNumber ?? s.disputeId} ${what}`,
            at: since,
          }),
        );
      }
      // A database that refuses the step may refuse these too: the log and the next try remain.
      await Promise.all(
        reports.map((p) => p.catch((err: unknown) => log.warn('stuck report not written', { error: String(err) }))),
      );
    }
    this.repair = undefined;
    await condition(() => this.repair !== undefined, STUCK_RETRY);
    const repair = this.repair as RepairInput | undefined;
    this.repair = undefined;
    if (repair?.scrub) {
      const changed = scrubUnsafeText(args);
      log.warn('stuck case repaired', { disputeId: s.disputeId, by: repair.by, stringsScrubbed: changed });
    }
  }

  /** The stopped step went through: the case is no longer stuck. */
  private async recovered(): Promise<void> {
    if (!this.stuck) return;
    const { since, failure } = this.stuck;
    this.stuck = undefined;
    log.info('stuck case recovered', { disputeId: this.state.disputeId, since, activity: failure.activity });
    await stuckReports
      .clearStuck(this.state.disputeId)
      .catch((err: unknown) => log.warn('stuck report not cleared', { error: String(err) }));
  }
}

export { nowIso };
