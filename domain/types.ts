import type { Category, Level, Outcome, Priority, Stage } from './lifecycle';

export type Role = 'integrator' | 'grid_worker' | 'mediator' | 'agency_rep' | 'supervisor' | 'admin' | 'system';

/** Who did something: recorded on every event. */
export interface Actor {
  type: 'staff' | 'integrator' | 'system';
  id: string;
  name: string;
  role: Role;
  unitCode?: string;
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
}

export interface Deadline {
  kind: 'accept';
  startedAt: string;
  warnAt: string;
  dueAt: string;
  warned: boolean;
  breached: boolean;
  /** Whether a breach hands the case to the parent level (from the SLA policy). */
  autoEscalate: boolean;
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
  terms: Term[];
  draftedAt: string;
  draftedBy: Actor;
  signatures: Signature[];
  sealedAt?: string;
  sealedBy?: string;
  effectiveAt?: string;
  number?: string;
  sha256?: string;
}

export interface Escalation {
  at: string;
  from: string;
  to: string;
  reason: string;
  automatic: boolean;
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
}

export interface StartDisputeInput extends DisputeIntake {
  disputeId: string;
  reportedBy: Actor;
  receivedAt: string;
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
  acceptedAt?: string;
  acceptedBy?: Actor;
  closedAt?: string;
  deadline?: Deadline;
  escalations: Escalation[];
  notes: Note[];
  agreement?: Agreement;
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
