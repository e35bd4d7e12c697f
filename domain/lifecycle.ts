/**
 * The case lifecycle (docs/design.md#the-lifecycle) as data: stages, outcomes, levels and which
 * action each stage allows. Pure code, shared by the workflow (validators), the activities and the API.
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

/**
 * Every action of `POST /api/v1/disputes/{id}/signals/{action}`, as spelled in the URL (integrators
 * depend on these names).
 */
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

/**
 * What each stage allows:
 * - awaiting_acceptance 接单: the unit accepts, or declines (transfers) with a reason;
 * - in_mediation 调处: notes, suspend/resume, escalate, convene a meeting, resolve, fail, withdraw;
 * - meeting_scheduled 联合调解: agencies answer the summons; the outcome is recorded;
 * - awaiting_signatures 调解协议: parties and mediator sign, the committee seals; a party may reject;
 * - follow_up 回访: the visit is recorded; if not performed, reopen (re-mediation) or fail (referral).
 */
export const ALLOWED_ACTIONS: Readonly<Record<Stage, readonly Action[]>> = {
  awaiting_acceptance: ['accept', 'decline', 'add-note', 'reassign', 'withdraw'],
  in_mediation: [
    'add-note',
    'suspend',
    'resume',
    'escalate',
    'schedule-meeting',
    'resolve',
    'fail',
    'withdraw',
    'reassign',
  ],
  meeting_scheduled: ['confirm-attendance', 'decline-attendance', 'record-outcome', 'add-note', 'withdraw'],
  awaiting_signatures: ['sign', 'seal', 'reject-agreement', 'add-note', 'withdraw'],
  follow_up: ['record-follow-up', 'reopen', 'fail', 'add-note'],
  closed: [],
};

/** While mediation is suspended (waiting on a party) only these go ahead. */
const WHILE_SUSPENDED: readonly Action[] = ['resume', 'add-note', 'withdraw', 'fail', 'reassign'];

export interface LifecycleFlags {
  suspended?: boolean;
  /** In follow-up: undefined until the visit is recorded; false when the agreement was not performed. */
  performed?: boolean;
}

/** The actions a case allows now: its stage's, refined by whether it is suspended or the visit found non-performance. */
export function allowedActions(stage: Stage, flags: LifecycleFlags = {}): Action[] {
  const base = ALLOWED_ACTIONS[stage];
  if (stage === 'in_mediation') {
    return flags.suspended ? base.filter((a) => WHILE_SUSPENDED.includes(a)) : base.filter((a) => a !== 'resume');
  }
  if (stage === 'follow_up') {
    return flags.performed === false ? ['reopen', 'fail', 'add-note'] : ['record-follow-up', 'add-note'];
  }
  return [...base];
}

export function isAllowed(stage: Stage, action: Action, flags: LifecycleFlags = {}): boolean {
  return allowedActions(stage, flags).includes(action);
}

/**
 * A case's history must stay far below Temporal's limits (about 16 history events per case event):
 * notes stop at 30 case events, every other action at 50, except failing or withdrawing, which
 * always remain possible so that a case can be closed.
 */
export const NOTE_EVENT_LIMIT = 30;
export const ACTION_EVENT_LIMIT = 50;

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
