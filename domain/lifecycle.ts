/**
 * The case lifecycle of DESIGN.md §5 as data: stages, outcomes, levels and which action each stage
 * allows. Pure code, shared by the workflow (validators), the activities and the API.
 */
export const STAGES = [
  'awaiting_acceptance',
  'in_mediation',
  'meeting_scheduled',
  'awaiting_signatures',
  'follow_up',
  'closed',
] as const;
export type Stage = (typeof STAGES)[number];

export const OUTCOMES = ['resolved', 'failed', 'withdrawn', 'merged'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const LEVELS = ['grid', 'community', 'street', 'county', 'city'] as const;
export type Level = (typeof LEVELS)[number];

/** Every action name of the API contract (DESIGN.md §8), in its URL spelling. */
export const ACTIONS = [
  'accept',
  'decline',
  'escalate',
  'add-note',
  'suspend',
  'resume',
  'schedule-meeting',
  'confirm-attendance',
  'decline-attendance',
  'record-outcome',
  'resolve',
  'sign',
  'seal',
  'reject-agreement',
  'record-follow-up',
  'reopen',
  'fail',
  'withdraw',
  'reassign',
] as const;
export type Action = (typeof ACTIONS)[number];

/** The actions the workflow implements so far, by the stage that allows them. */
export const ALLOWED_ACTIONS: Readonly<Record<Stage, readonly Action[]>> = {
  awaiting_acceptance: ['accept', 'add-note'],
  in_mediation: ['add-note', 'escalate', 'resolve'],
  meeting_scheduled: ['add-note'],
  awaiting_signatures: ['add-note', 'sign', 'seal'],
  follow_up: ['add-note'],
  closed: [],
};

export const IMPLEMENTED_ACTIONS: readonly Action[] = [...new Set(Object.values(ALLOWED_ACTIONS).flat())];

export function isAllowed(stage: Stage, action: Action): boolean {
  return ALLOWED_ACTIONS[stage].includes(action);
}

export const CATEGORIES = [
  'neighbour',
  'property',
  'noise',
  'family',
  'labour',
  'consumer',
  'land',
  'traffic',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const PRIORITIES = ['normal', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The level above, for escalation; the city has none. */
export function parentLevel(level: Level): Level | undefined {
  const i = LEVELS.indexOf(level);
  return LEVELS[i + 1];
}
