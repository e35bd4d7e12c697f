/**
 * Everything the API and the worker need to talk to a dispute workflow: the task queue, the
 * workflow id scheme, the updates (one per action), the query and the search attributes.
 * Imports nothing but the Temporal APIs and pure domain types.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Action, Stage } from '../domain/lifecycle';
import type { ActionPayloads } from '../domain/action-payloads';
import type { Actor, DisputeView } from '../domain/types';

export const TASK_QUEUE = 'fengqiao-disputes';
export const workflowIdFor = (disputeId: string): string => `dispute-${disputeId}`;

/**
 * The holiday arrangements changed (a year entered or corrected): the case re-plans its running
 * `cn-workdays` deadlines and records what moved as a `deadlines_replanned` event. A signal, sent
 * by the re-planning workflow: it waits in the case's history until the case is free.
 */
export interface CalendarChangedInput {
  /** The arrangement revision that prompted it. */
  revision: number;
  year: number;
  region: string | null;
}
export const calendarChangedSignal = defineSignal<[CalendarChangedInput]>('calendarChanged');

/**
 * An operator's repair of a stuck case (POST /api/v1/admin/disputes/{id}/repair): the case tries its
 * failed step again at once; with `scrub`, after replacing every unsafe character (domain/text.ts)
 * in what the step writes. Ignored by a case that is not stuck.
 */
export interface RepairInput {
  scrub: boolean;
  /** The operator, for the log. */
  by: string;
}
export const repairSignal = defineSignal<[RepairInput]>('repair');

export { ACTION_FORBIDDEN, ACTION_INVALID, ACTION_REFUSED, type ActionRefusedDetails } from '../domain/action-failures';

export interface ActionInput<P = Record<string, never>> {
  actor: Actor;
  payload: P;
}

/** The payload of each action: the static type of its schema (domain/action-payloads.ts), one definition for the API and the workflow. */
export type AcceptPayload = ActionPayloads['accept'];
export type DeclinePayload = ActionPayloads['decline'];
export type NotePayload = ActionPayloads['add-note'];
export type EscalatePayload = ActionPayloads['escalate'];
export type SuspendPayload = ActionPayloads['suspend'];
export type ResumePayload = ActionPayloads['resume'];
export type ScheduleMeetingPayload = ActionPayloads['schedule-meeting'];
export type ConfirmAttendancePayload = ActionPayloads['confirm-attendance'];
export type DeclineAttendancePayload = ActionPayloads['decline-attendance'];
export type RecordOutcomePayload = ActionPayloads['record-outcome'];
export type ResolvePayload = ActionPayloads['resolve'];
export type SignPayload = ActionPayloads['sign'];
export type SealPayload = ActionPayloads['seal'];
export type RejectAgreementPayload = ActionPayloads['reject-agreement'];
export type FollowUpPayload = ActionPayloads['record-follow-up'];
export type ReopenPayload = ActionPayloads['reopen'];
export type FailPayload = ActionPayloads['fail'];
export type WithdrawPayload = ActionPayloads['withdraw'];
export type ReassignPayload = ActionPayloads['reassign'];
export type RecordAttendancePayload = ActionPayloads['record-attendance'];
export type ReferToPolicePayload = ActionPayloads['refer-to-police'];
export type RecordJudicialConfirmationPayload = ActionPayloads['record-judicial-confirmation'];
export type RecordPerformancePayload = ActionPayloads['record-performance'];

/**
 * What an action (and intake-done) answers: a receipt. The case itself is in the read model, written
 * before the answer (the event's projection is part of the action), so the API reads it there
 * instead of the history carrying a copy of the case per action.
 */
export interface CaseReceipt {
  receipt: true;
  disputeId: string;
  /** The case's event count after the action: the read model holds at least this seq. */
  seq: number;
  stage: Stage;
  outcome?: DisputeView['outcome'];
  caseNumber?: string;
}
const action = <P>(name: Action) => defineUpdate<CaseReceipt, [ActionInput<P>]>(name);

export const acceptUpdate = action<AcceptPayload>('accept');
export const declineUpdate = action<DeclinePayload>('decline');
export const addNoteUpdate = action<NotePayload>('add-note');
export const escalateUpdate = action<EscalatePayload>('escalate');
export const suspendUpdate = action<SuspendPayload>('suspend');
export const resumeUpdate = action<ResumePayload>('resume');
export const scheduleMeetingUpdate = action<ScheduleMeetingPayload>('schedule-meeting');
export const confirmAttendanceUpdate = action<ConfirmAttendancePayload>('confirm-attendance');
export const declineAttendanceUpdate = action<DeclineAttendancePayload>('decline-attendance');
export const recordOutcomeUpdate = action<RecordOutcomePayload>('record-outcome');
export const resolveUpdate = action<ResolvePayload>('resolve');
export const signUpdate = action<SignPayload>('sign');
export const sealUpdate = action<SealPayload>('seal');
export const rejectAgreementUpdate = action<RejectAgreementPayload>('reject-agreement');
export const recordFollowUpUpdate = action<FollowUpPayload>('record-follow-up');
export const reopenUpdate = action<ReopenPayload>('reopen');
export const failUpdate = action<FailPayload>('fail');
export const withdrawUpdate = action<WithdrawPayload>('withdraw');
export const reassignUpdate = action<ReassignPayload>('reassign');
export const recordAttendanceUpdate = action<RecordAttendancePayload>('record-attendance');
export const referToPoliceUpdate = action<ReferToPolicePayload>('refer-to-police');
export const recordJudicialConfirmationUpdate =
  action<RecordJudicialConfirmationPayload>('record-judicial-confirmation');
export const recordPerformanceUpdate = action<RecordPerformancePayload>('record-performance');
export const recordConsentUpdate = action<ActionPayloads['record-consent']>('record-consent');
export const refuseUpdate = action<ActionPayloads['refuse']>('refuse');
export type AttachEvidencePayload = ActionPayloads['attach-evidence'];
export const attachEvidenceUpdate = action<AttachEvidencePayload>('attach-evidence');
export type RateSatisfactionPayload = ActionPayloads['rate-satisfaction'];
export const rateSatisfactionUpdate = action<RateSatisfactionPayload>('rate-satisfaction');

/** One update per action, by the action's URL name. */
export const ACTION_UPDATES = {
  accept: acceptUpdate,
  decline: declineUpdate,
  'add-note': addNoteUpdate,
  escalate: escalateUpdate,
  suspend: suspendUpdate,
  resume: resumeUpdate,
  'schedule-meeting': scheduleMeetingUpdate,
  'confirm-attendance': confirmAttendanceUpdate,
  'decline-attendance': declineAttendanceUpdate,
  'record-outcome': recordOutcomeUpdate,
  resolve: resolveUpdate,
  sign: signUpdate,
  seal: sealUpdate,
  'reject-agreement': rejectAgreementUpdate,
  'record-follow-up': recordFollowUpUpdate,
  reopen: reopenUpdate,
  fail: failUpdate,
  withdraw: withdrawUpdate,
  reassign: reassignUpdate,
  'record-attendance': recordAttendanceUpdate,
  'refer-to-police': referToPoliceUpdate,
  'record-judicial-confirmation': recordJudicialConfirmationUpdate,
  'record-performance': recordPerformanceUpdate,
  'record-consent': recordConsentUpdate,
  refuse: refuseUpdate,
  'attach-evidence': attachEvidenceUpdate,
  'rate-satisfaction': rateSatisfactionUpdate,
} as const satisfies Record<Action, unknown>;

/** Waits until intake has finished and answers the case (used with update-with-start). */
export const intakeDoneUpdate = defineUpdate<CaseReceipt, []>('intake-done');

export const stateQuery = defineQuery<DisputeView>('state');

// Search attributes (registered on the dev server by temporal/dev-server.ts). SQL visibility allows
// 10 Keyword and 3 of each other type per namespace.
export const SA_STAGE = defineSearchAttributeKey('FengqiaoStage', 'KEYWORD');
export const SA_UNIT = defineSearchAttributeKey('FengqiaoUnit', 'KEYWORD');
export const SA_LEVEL = defineSearchAttributeKey('FengqiaoLevel', 'KEYWORD');
export const SA_CASE_NUMBER = defineSearchAttributeKey('FengqiaoCaseNumber', 'KEYWORD');
export const SA_NEXT_DEADLINE = defineSearchAttributeKey('FengqiaoNextDeadline', 'DATETIME');
export const SA_OVERDUE = defineSearchAttributeKey('FengqiaoOverdue', 'BOOL');
export const SEARCH_ATTRIBUTES = [SA_STAGE, SA_UNIT, SA_LEVEL, SA_CASE_NUMBER, SA_NEXT_DEADLINE, SA_OVERDUE];
