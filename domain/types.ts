import type { Category, Level, Outcome, Priority, Stage } from './lifecycle';
import type { FollowUpVisit, TermPerformance, VisitMethod } from './performance';
import type { CaseSource, ConsentRecord, Refusal } from './voluntariness';
import type { AttendanceEntry, MeetingMode } from './remote-meeting';

export type Role =
  | 'integrator'
  | 'grid_worker'
  | 'mediator'
  | 'agency_rep'
  | 'supervisor'
  | 'admin'
  | 'system'
  /** A party (当事人) or their legal representative acting on their own case from the parties' page (issue 22). */
  | 'party';

/** Who did something: recorded on every event. */
export interface Actor {
  type: 'staff' | 'integrator' | 'system' | 'party';
  id: string;
  name: string;
  role: Role;
  unitCode?: string;
  /** Materialised path of the actor's unit, for area checks (`/changde/jinshi/`). */
  unitPath?: string;
  agencyCode?: string;
  /** May affix the seal of the committee of `unitCode` (authorised by it; domain/committee.ts). Present only when true. */
  sealAuthorised?: boolean;
  /** A `party` actor: the index of the party (当事人) it acts for, on its own case only. */
  partyIndex?: number;
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
  /** For an organisation: its 法定代表人 (legal person) or 负责人 (unincorporated organisation, branch). */
  representative?: string;
  // The people the law names around a party (domain/people.ts; 民法典 Art. 17–23, 61, 105, 161–165).
  /** YYYY-MM-DD; with `age` and the ID number's birth date, decides whether the party is a minor. */
  birthDate?: string;
  /** Civil capacity (民法典 Art. 18, 21, 22) when it is not simply that of the party's age. */
  capacity?: Capacity;
  /** 民法典 Art. 18 ¶2: a minor of 16 or 17 living mainly on their own labour income has full capacity. */
  selfSupporting?: boolean;
  /** 法定代理人 of a party without full capacity (民法典 Art. 23): signs and answers for them. */
  legalRepresentative?: LegalRepresentative;
  /** 委托代理人, one or two, each with the 授权委托书 on file. */
  agents?: Agent[];
  /** An organisation's type: a 法人 has a 法定代表人; an unincorporated organisation or a branch a 负责人. */
  orgType?: OrgType;
  /** The representative's 职务 (title). */
  representativeTitle?: string;
  /** 统一社会信用代码 (GB 32100-2015, 18 characters). */
  creditCode?: string;
  /** 送达地址: where documents are served. */
  serviceAddress?: string;
}

export type Capacity = 'full' | 'limited' | 'none';
export type OrgType = 'legal_person' | 'unincorporated' | 'branch';

/** 法定代理人 (民法典 Art. 23: the guardian of a person without full capacity is their legal representative). */
export interface LegalRepresentative {
  name: string;
  /** 父亲, 母亲, 监护人, … */
  relation: string;
  phone?: string;
  idNumber?: string;
  address?: string;
}

/** 委托代理人 (民法典 Art. 161–165): acts within the authority the 授权委托书 gives. */
export interface Agent {
  name: string;
  /** general 一般授权; special 特别授权 (needed to sign the agreement). */
  authority: 'general' | 'special';
  /** The 授权委托书 on file: its reference and date (YYYY-MM-DD). */
  powerOfAttorney: { reference: string; date: string };
  /** 律师, 近亲属, 本单位工作人员, … */
  relation?: string;
  phone?: string;
  idNumber?: string;
  address?: string;
}

/** 反映人: who brought the dispute to the committee without being a party; never signs. */
export interface Reporter {
  name: string;
  /** Relation to the dispute: 小区业主, 网格员, 邻居, … */
  relation: string;
  phone?: string;
  idNumber?: string;
  address?: string;
}

export interface UnitRef {
  code: string;
  name: string;
  level: Level;
  committeeName: string;
  /** Present from the full lifecycle on. */
  path?: string;
  /** The committee's contact telephone (联系电话), for its notices; absent where none is entered. */
  phone?: string;
}

export type DeadlineKind =
  | 'accept'
  | 'handling'
  | 'report_in'
  | 'signatures'
  | 'follow_up'
  | 'judicial_confirmation'
  | 'meeting_reminder'
  /** A filing for judicial confirmation awaits the court's ruling (法释〔2011〕5号 Art. 4–5). */
  | 'judicial_ruling';

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

/** A file or link kept as evidence (证据材料, issue 22): what the case records of it; the bytes are in the attachment store. */
export interface EvidenceItem {
  attachmentId: string;
  at: string;
  by: Actor;
  name: string;
  mediaType: string;
  size: number;
  /** Of the stored bytes (after location metadata was removed); absent for a link. */
  sha256?: string;
  source: 'staff' | 'integrator' | 'party' | 'open311' | 'public_form';
  /** A link kept as evidence, never fetched by the server. */
  url?: string;
  description?: string;
}

export interface Note {
  at: string;
  by: Actor;
  text: string;
  /** Recorded as evidence (证据材料): listed in the case file's evidence list. */
  evidence?: boolean;
}

export interface Term {
  text: string;
  obligor?: string;
  amountFen?: number;
  method?: string;
  place?: string;
  dueDate?: string;
  /** 即时履行: performed on the spot, instead of by a deadline (人民调解法 Art. 29(3)). */
  immediate?: boolean;
}

/** The filing for judicial confirmation and the court's ruling (人民调解法 Art. 33; 民事诉讼法 Art. 205–206). */
export interface JudicialConfirmation {
  filedAt: string;
  court: string;
  /** The court's case number (调确字). */
  caseNumber?: string;
  /** 确认有效 (裁定调解协议有效) or 驳回 (裁定驳回申请). */
  ruling?: 'valid' | 'rejected';
  rulingNumber?: string;
  rulingAt?: string;
  recordedAt: string;
  recordedBy: string;
}

export interface Signature {
  signer: string; // 'party:<index>' or 'mediator'
  name: string;
  /** electronic: the party itself on its own phone, confirmed by a one-time code (issue 22; workflows/dispute/esign.ts). */
  method: 'signature' | 'seal' | 'fingerprint' | 'electronic';
  witness?: string;
  at: string;
  recordedBy: string;
  /** electronic: SHA-256 of the text the signer was shown (domain/agreement-hash.ts). */
  contentSha256?: string;
  /** electronic: how it was confirmed (sms_otp: a one-time code sent by SMS to the phone on file). */
  channel?: 'sms_otp';
  /** electronic: the one-time code's reference (party_codes.code_ref), never the code. */
  codeRef?: string;
  /** electronic: the last 4 digits of the phone the code went to (手机尾号). */
  phoneTail?: string;
  /** Who recorded it (记录人), by name (absent on signatures recorded before it was kept). */
  recordedByName?: string;
  /** `mediator` signatures: the mediator who signed, as themself (人民调解法 Art. 19 allows several). */
  mediatorId?: string;
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
  /** `byName`: set when the party refused on its own page (issue 22). */
  rejected?: { at: string; by: string; party?: number; reason: string; byName?: string };
  /** A variation (变更协议): the effective agreement it varies, by number (printed on it; domain/performance.ts). */
  varies?: { number: string; effectiveAt?: string };
  /** 人民调解法 Art. 28: written (调解协议书, the default) or oral (口头协议, recorded by the mediator). */
  form?: 'written' | 'oral';
  /** 签订地点: where it was signed (default: the committee). */
  signingPlace?: string;
  /** The basic court where the committee is located, proposed for judicial confirmation (民事诉讼法 Art. 205). */
  judicialCourt?: string;
  /** The end of the 30-day window for judicial confirmation (Art. 33; 民法典 Art. 201, 203). */
  judicialWindowEndsAt?: string;
  judicialConfirmation?: JudicialConfirmation;
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
  /**
   * `convened` (吹哨: a street, or a county's centre, convenes; the agencies must report in, 报到) or
   * `invitation` (a community committee invites, 人民调解法 Art. 20: an answer is a courtesy, not a
   * duty). Absent on meetings convened before the distinction: convened.
   */
  kind?: 'convened' | 'invitation';
  /** The unit that convened or invited (its name and telephone print on the notice). */
  convenor?: { code: string; name: string; phone?: string };
  /** Who actually attended (到会), recorded at or after the start; apart from who confirmed (报到). */
  attendance?: {
    present: string[];
    persons: Array<{ name: string; unit: string }>;
    /** Per participant (issue 22 item 6): each party, agency and person, present or not, and how. */
    participants?: AttendanceEntry[];
    recordedAt: string;
    recordedBy: string;
  };
  /** on_site (absent: on site), remote or mixed; the link and platform are recorded, not built (domain/remote-meeting.ts). */
  mode?: MeetingMode;
  remoteLink?: string;
  remotePlatform?: string;
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
  /** Per-term supervision (domain/performance.ts): how the last visit was made and whom it met. */
  method?: VisitMethod;
  met?: string[];
  /** The visits due, up to the last term's deadline (ISO instants), and those made. */
  plan?: string[];
  visits?: FollowUpVisit[];
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
  /** Where the case comes from (人民调解法 Art. 17–18); default `party_application` (domain/voluntariness.ts). */
  source?: CaseSource;
  /** 反映人, when the person who reported is not a party. */
  reporter?: Reporter;
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
  /** 反映人: not a party, never signs. */
  reporter?: Reporter;
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
  /** Files and links kept as evidence (issue 22; `attach-evidence`), first to last. */
  evidence?: EvidenceItem[];
  meeting?: Meeting;
  pastMeetings?: Meeting[];
  agreement?: Agreement;
  pastAgreements?: Agreement[];
  followUp?: FollowUp;
  failure?: { at: string; by: string; reason: string; referral: string };
  withdrawal?: { at: string; by: string; reason: string; party?: number };
  seq: number;
  /**
   * 人民调解法 Art. 25: the report to the police of a dispute that may turn into a public-order or
   * criminal case, proposed to the mediator at intake and sent when the mediator confirms it, with
   * the preventive measures taken.
   */
  policeReferral?: { at: string; by: string; measures: string; note?: string };
  /**
   * The committee whose number `caseNumber` is (each committee keeps its own register): set at intake,
   * moved when another committee accepts the case under its own number. Absent on older cases: the
   * intake unit (the first escalation's `from`, else `unit`).
   */
  numberedBy?: string;
  /** The numbers the case had before (原案号), the first one first, when another committee took it over. */
  priorCaseNumbers?: string[];
  /**
   * 人民调解法 Art. 31: the supervision of the effective agreement's performance, term by term
   * (index i is term i + 1), kept beside the sealed agreement, never in it. Present on cases that
   * became effective under per-term supervision (the `performance-per-term` patch).
   */
  performance?: TermPerformance[];
  /** The parties are negotiating a variation (变更协议) of this effective agreement, which stays in force meanwhile. */
  varying?: { number: string; round?: number; effectiveAt?: string; reason: string; at: string; by: string };
  /** Effective agreements varied by a later one (the original stays in `pastAgreements`). */
  variations?: Array<{ original: string; variedBy: string; at: string }>;
  /** Art. 32: the performance dispute referred to the court (not a failure of mediation). */
  performanceDispute?: { at: string; by: string; reason: string; referral: string; terms: number[] };
  /** Where the case comes from (人民调解法 Art. 17–18; absent on older cases: `party_application`). */
  source?: CaseSource;
  /** Each party's will as recorded (`record-consent`), oldest first: domain/voluntariness.ts. */
  consents?: ConsentRecord[];
  /** The refusal to accept (不予受理): the case closed `not_accepted`. */
  refusal?: Refusal;
  /** The parties' own ratings at the follow-up (issue 22, `rate-satisfaction`): at most one per party. */
  satisfaction?: SatisfactionRating[];
}

/** A party's own rating of the mediation (回访满意度), from the parties' page. */
export interface SatisfactionRating {
  party: number;
  /** 1 很不满意 … 5 很满意 */
  rating: number;
  comment?: string;
  at: string;
}

export interface DisputeEvent {
  disputeId: string;
  seq: number;
  type: string;
  at: string;
  actor: Actor;
  payload: Record<string, unknown>;
}
