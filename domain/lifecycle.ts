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

/**
 * `not_accepted`: the committee refused to accept the case (不予受理, 2002《人民调解工作若干规定》
 * Art. 22, 24; 人民调解法 Art. 17): no mediation took place, so it is neither a success nor a failure.
 * `performance_referred`: the agreement was effective but not performed, and the parties were told
 * they may sue over its performance (人民调解法 Art. 32): not a failure of mediation.
 */
export const OUTCOMES = ['resolved', 'failed', 'withdrawn', 'merged', 'performance_referred', 'not_accepted'] as const;
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
  'record-attendance',
  'refer-to-police',
  'record-judicial-confirmation',
  'record-performance',
  'record-consent',
  'refuse',
  // Issue 22: a file or link kept as evidence (证据材料), stored by the API (attachments/service.ts), its SHA-256 on record.
  'attach-evidence',
  // Issue 22: a party's own rating (1–5) of the mediation at the follow-up, from the parties' page; the Safety Index scores it.
  'rate-satisfaction',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Actions the API sends itself after work of its own, never posted by callers as
 * `POST …/signals/{action}`: `attach-evidence` comes only from POST …/attachments, once the file is
 * stored and hashed (a caller could otherwise put on record a file and SHA-256 that were never given).
 * `rate-satisfaction` is the party's own, from the parties' page (api/routes/party-case.ts) only.
 */
export const INTERNAL_ACTIONS: readonly Action[] = ['attach-evidence', 'rate-satisfaction'];

/** What a caller may send by the signals route: the stage's actions without the internal ones. */
export const signalledActions = (actions: readonly Action[]): Action[] =>
  actions.filter((a) => !INTERNAL_ACTIONS.includes(a));

/**
 * What each stage allows:
 * - awaiting_acceptance 接单: the unit accepts, or declines (transfers) with a reason;
 * - in_mediation 调处: notes, suspend/resume, escalate, convene a meeting, resolve, fail, withdraw;
 * - meeting_scheduled 联合调解: agencies answer the summons; the outcome is recorded;
 * - awaiting_signatures 调解协议: parties and mediator sign, the committee seals; a party may reject;
 * - follow_up 回访: the visit is recorded; if not performed, reopen (re-mediation) or fail (referral).
 */
export const ALLOWED_ACTIONS: Readonly<Record<Stage, readonly Action[]>> = {
  awaiting_acceptance: [
    'accept',
    'decline',
    'add-note',
    'reassign',
    'withdraw',
    'refer-to-police',
    'record-consent',
    'refuse',
    'attach-evidence',
  ],
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
    'refer-to-police',
    'record-consent',
    'attach-evidence',
  ],
  meeting_scheduled: [
    'confirm-attendance',
    'decline-attendance',
    'record-outcome',
    'add-note',
    'withdraw',
    'record-attendance',
    'refer-to-police',
    'record-consent',
    'attach-evidence',
  ],
  awaiting_signatures: [
    'sign',
    'seal',
    'reject-agreement',
    'add-note',
    'withdraw',
    'refer-to-police',
    'attach-evidence',
  ],
  follow_up: [
    'record-follow-up',
    'reopen',
    'fail',
    'add-note',
    'record-judicial-confirmation',
    'record-performance',
    'attach-evidence',
    'rate-satisfaction',
  ],
  // A closed case's workflow still watches the judicial-confirmation window (and a pending ruling):
  // meanwhile the filing and the ruling can be recorded (flags.judicial).
  closed: ['record-judicial-confirmation'],
};

/** While mediation is suspended (waiting on a party) only these go ahead. */
const WHILE_SUSPENDED: readonly Action[] = [
  'resume',
  'add-note',
  'withdraw',
  'fail',
  'reassign',
  'refer-to-police',
  'attach-evidence',
];

export interface LifecycleFlags {
  suspended?: boolean;
  /** In follow-up: undefined until the visit is recorded; false when the agreement was not performed. */
  performed?: boolean;
  /**
   * 人民调解法 Art. 33: a written agreement in effect whose judicial confirmation can (still) be
   * recorded (domain/agreement-law.ts `judicialRecordable`); without it `record-judicial-confirmation` is not allowed.
   */
  judicial?: boolean;
  /** In follow-up: the case supervises performance term by term (domain/performance.ts). */
  perTerm?: boolean;
}

/** The actions a case allows now, with the judicial confirmation's filing and ruling where `flags.judicial` (Art. 33). */
export function allowedActions(stage: Stage, flags: LifecycleFlags = {}): Action[] {
  const actions = stageActions(stage, flags).filter((a) => a !== 'record-judicial-confirmation');
  const judicial = flags.judicial && ALLOWED_ACTIONS[stage].includes('record-judicial-confirmation');
  return judicial ? [...actions, 'record-judicial-confirmation'] : actions;
}

/** The actions a case allows now: its stage's, refined by whether it is suspended or the visit found non-performance. */
function stageActions(stage: Stage, flags: LifecycleFlags = {}): Action[] {
  const base = ALLOWED_ACTIONS[stage];
  if (stage === 'in_mediation') {
    return flags.suspended ? base.filter((a) => WHILE_SUSPENDED.includes(a)) : base.filter((a) => a !== 'resume');
  }
  if (stage === 'follow_up') {
    // 人民调解法 Art. 31–32: visits and per-term records until every term is done; a variation
    // agreed by the parties (reopen), or the performance dispute referred to the court (fail).
    // The parties rate the mediation whatever the visit found (rate-satisfaction, party role only).
    if (flags.perTerm)
      return [
        'record-follow-up',
        'record-performance',
        'reopen',
        'fail',
        'add-note',
        'attach-evidence',
        'rate-satisfaction',
      ];
    return flags.performed === false
      ? ['reopen', 'fail', 'add-note', 'attach-evidence', 'rate-satisfaction']
      : ['record-follow-up', 'add-note', 'attach-evidence', 'rate-satisfaction'];
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
