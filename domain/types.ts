import type { Category, Level, Outcome, Priority, Stage } from './lifecycle';

export type Role = 'integrator' | 'grid_worker' | 'mediator' | 'agency_rep' | 'supervisor' | 'admin' | 'system';

/** Who did something: recorded on every event. */
export interface Actor {
  type: 'staff' | 'integrator' | 'system';
  id: string;
  name: string;
  role: Role;
  unitCode?: string;
  /** Materialised path of the actor's unit, for area checks (`/changde/jinshi/`). */
  unitPath?: string;
  agencyCode?: string;
}

export interface Party {
  name: string;
  role: 'applicant' | 'respondent' | 'third_party';
  kind: 'person' | 'organisation';
  sex?: 'male' | 'female';
  ethnicity?: string;
  age?: number;
  occupation?: string;
  phone?: string;
  idNumber?: string;
  address?: string;
  representative?: string;
}

export interface UnitRef {
  code: string;
  name: string;
  level: Level;
  committeeName: string;
  /** Present from the full lifecycle on. */
  path?: string;
}

export type DeadlineKind =
  'accept' | 'handling' | 'report_in' | 'signatures' | 'follow_up' | 'judicial_confirmation' | 'meeting_reminder';

export interface Deadline {
  kind: DeadlineKind;
  startedAt: string;
  warnAt: string;
  dueAt: string;
  warned: boolean;
  breached: boolean;
  /** Whether a breach hands the case to the parent level (from the SLA policy). */
  autoEscalate: boolean;
  calendar?: 'cn-workdays' | 'wall-clock';
  /**
   * `cn-workdays` only: the holiday-arrangement revision the instants were computed with (see
   * domain/holidays.ts); absent for deadlines computed from the built-in seed before arrangements
   * were data.
   */
  calendarRevision?: number;
  /**
   * `cn-workdays` only: years the deadline runs into that have no national arrangement yet: their
   * days were counted as plain Monday–Friday, so the instants are provisional (暂定) until the
   * year is entered and the case re-planned.
   */
  provisionalYears?: number[];
  /** Set while the clock is stopped (mediation suspended). */
  pausedAt?: string;
}

export interface Note {
  at: string;
  by: Actor;
  text: string;
}

export interface Term {
  text: string;
  obligor?: string;
  amountFen?: number;
  method?: string;
  place?: string;
  dueDate?: string;
}

export interface Signature {
  signer: string; // 'party:<index>' or 'mediator'
  name: string;
  method: 'signature' | 'seal' | 'fingerprint';
  witness?: string;
  at: string;
  recordedBy: string;
}

export interface Agreement {
  facts: string;
  matters: string;
  responsibilities: string;
  losses?: string;
  terms: Term[];
  draftedAt: string;
  draftedBy: Actor;
  signatures: Signature[];
  sealedAt?: string;
  sealedBy?: string;
  effectiveAt?: string;
  number?: string;
  sha256?: string;
  /** 1 for the first agreement of a case, 2 after a reopen, … */
  round?: number;
  rejected?: { at: string; by: string; party?: number; reason: string };
}

export interface Escalation {
  at: string;
  from: string;
  to: string;
  /** Names of the units, for documents (absent on cases moved before they were recorded). */
  fromName?: string;
  toName?: string;
  reason: string;
  automatic: boolean;
  kind?: 'escalate' | 'decline' | 'transfer' | 'reassign' | 'breach';
}

export interface MeetingAgency {
  code: string;
  name: string;
  answer?: 'confirmed' | 'declined';
  answeredAt?: string;
  answeredBy?: string;
  note?: string;
}

export interface Meeting {
  round: number;
  at: string;
  place: string;
  agencies: MeetingAgency[];
  /** Indices of the parties summoned. */
  parties: number[];
  agenda?: string;
  convenedBy: Actor;
  convenedAt: string;
  outcome?: {
    result: 'agreed' | 'no_agreement' | 'adjourned';
    facts: string;
    responsibilities?: string;
    losses?: string;
    note?: string;
    recordedAt: string;
  };
}

export interface FollowUp {
  dueAt: string;
  performed?: boolean;
  satisfaction?: number;
  note?: string;
  risks?: string;
  measures?: string;
  recordedAt?: string;
  recordedBy?: string;
}

export interface Risk {
  high: boolean;
  reasons: string[];
}

/** What the integrator sends to open a case (validated at the HTTP boundary). */
export interface DisputeIntake {
  gridCode: string;
  category: Category;
  priority: Priority;
  title: string;
  description: string;
  parties: Party[];
  channel: string;
  externalRef?: string;
  /** The reporter's own judgement that the dispute may turn violent (人民调解法 Art. 25). */
  highRisk?: boolean;
}

export interface StartDisputeInput extends DisputeIntake {
  disputeId: string;
  reportedBy: Actor;
  receivedAt: string;
  /**
   * Mirror the stage and deadlines into Temporal's visibility too (FengqiaoStage, FengqiaoNextDeadline,
   * FengqiaoOverdue), not only what finds the workflow (unit, level, case number). Every step that
   * changes them then writes the visibility store (`STAGE_SEARCH_ATTRIBUTES`, off by default).
   */
  stageSearchAttributes?: boolean;
}

/** The whole state of a case, as the workflow holds it and the read model projects it. */
export interface DisputeView {
  disputeId: string;
  caseNumber?: string;
  stage: Stage;
  outcome?: Outcome;
  stageEntry: number;
  level?: Level;
  unit?: UnitRef;
  originCode: string;
  category: Category;
  priority: Priority;
  title: string;
  description: string;
  parties: Party[];
  channel: string;
  externalRef?: string;
  reportedBy: Actor;
  receivedAt: string;
  risk?: Risk;
  acceptedAt?: string;
  acceptedBy?: Actor;
  assignee?: { id: string; name: string };
  closedAt?: string;
  deadlines?: Partial<Record<DeadlineKind, Deadline>>;
  overdue?: boolean;
  suspended?: { since: string; by: string; reason: string };
  escalations: Escalation[];
  notes: Note[];
  meeting?: Meeting;
  pastMeetings?: Meeting[];
  agreement?: Agreement;
  pastAgreements?: Agreement[];
  followUp?: FollowUp;
  failure?: { at: string; by: string; reason: string; referral: string };
  withdrawal?: { at: string; by: string; reason: string; party?: number };
  seq: number;
}

export interface DisputeEvent {
  disputeId: string;
  seq: number;
  type: string;
  at: string;
  actor: Actor;
  payload: Record<string, unknown>;
}
