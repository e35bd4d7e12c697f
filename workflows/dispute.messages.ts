/**
 * Everything the API and the worker need to talk to a dispute workflow: the task queue, the
 * workflow id scheme, the updates (one per action), the query and the search attributes.
 * Imports nothing but the Temporal workflow API and pure domain types.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Action, Stage } from '../domain/lifecycle';
import type { Actor, DisputeView, Signature, Term } from '../domain/types';

export const TASK_QUEUE = 'fengqiao-disputes';
export const workflowIdFor = (disputeId: string): string => `dispute-${disputeId}`;

/** Error type of an action the workflow refuses (the API answers 409). */
export const ACTION_REFUSED = 'ActionRefused';
export interface ActionRefusedDetails {
  stage: Stage;
  action: Action;
  allowed: Action[];
}
/** Error type of an action whose content the workflow finds invalid (the API answers 422). */
export const ACTION_INVALID = 'ActionInvalid';

export interface ActionInput<P = Record<string, never>> {
  actor: Actor;
  payload: P;
}

export interface AcceptPayload {
  note?: string;
}
export interface NotePayload {
  text: string;
}
export interface EscalatePayload {
  reason: string;
}
export interface ResolvePayload {
  facts: string;
  matters: string;
  responsibilities: string;
  terms: Term[];
}
export interface SignPayload {
  signer: string; // 'party:<index>' or 'mediator'
  method: Signature['method'];
  witness?: string;
}
export interface SealPayload {
  note?: string;
}

export const acceptUpdate = defineUpdate<DisputeView, [ActionInput<AcceptPayload>]>('accept');
export const addNoteUpdate = defineUpdate<DisputeView, [ActionInput<NotePayload>]>('add-note');
export const escalateUpdate = defineUpdate<DisputeView, [ActionInput<EscalatePayload>]>('escalate');
export const resolveUpdate = defineUpdate<DisputeView, [ActionInput<ResolvePayload>]>('resolve');
export const signUpdate = defineUpdate<DisputeView, [ActionInput<SignPayload>]>('sign');
export const sealUpdate = defineUpdate<DisputeView, [ActionInput<SealPayload>]>('seal');

/** Waits until intake has finished and returns the case (used with update-with-start). */
export const intakeDoneUpdate = defineUpdate<DisputeView, []>('intake-done');

export const stateQuery = defineQuery<DisputeView>('state');

// Search attributes (registered on the dev server by temporal/dev-server.ts). SQL visibility allows
// 10 Keyword and 3 of each other type per namespace.
export const SA_STAGE = defineSearchAttributeKey('FengqiaoStage', 'KEYWORD');
export const SA_UNIT = defineSearchAttributeKey('FengqiaoUnit', 'KEYWORD');
export const SA_LEVEL = defineSearchAttributeKey('FengqiaoLevel', 'KEYWORD');
export const SA_CASE_NUMBER = defineSearchAttributeKey('FengqiaoCaseNumber', 'KEYWORD');
export const SA_NEXT_DEADLINE = defineSearchAttributeKey('FengqiaoNextDeadline', 'DATETIME');
export const SEARCH_ATTRIBUTES = [SA_STAGE, SA_UNIT, SA_LEVEL, SA_CASE_NUMBER, SA_NEXT_DEADLINE];
