import { Type, type Static } from '@sinclair/typebox';
import { ACTIONS, CATEGORIES, LEVELS, OUTCOMES, PRIORITIES, STAGES } from '../../domain/lifecycle';
import { CODE_PATTERN, stringEnum } from './common';

const Text = (max: number, opts: object = {}) => Type.String({ minLength: 1, maxLength: max, ...opts });
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const PartySchema = Type.Object(
  {
    name: Text(100),
    role: stringEnum(['applicant', 'respondent', 'third_party'] as const),
    kind: stringEnum(['person', 'organisation'] as const, { default: 'person' }),
    sex: Type.Optional(stringEnum(['male', 'female'] as const)),
    ethnicity: Type.Optional(Text(20)),
    age: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
    occupation: Type.Optional(Text(50)),
    phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$' })),
    idNumber: Type.Optional(Type.String({ pattern: '^[0-9]{17}[0-9Xx]$', description: '18-digit resident ID number' })),
    address: Type.Optional(Text(200)),
    representative: Type.Optional(Text(100, { description: 'For an organisation: its legal representative' })),
  },
  { additionalProperties: false },
);

export const CreateDisputeSchema = Type.Object(
  {
    gridCode: Type.String({ pattern: CODE_PATTERN, description: 'The grid (or community) where the dispute arose', examples: ['yufuci-taoli'] }),
    category: stringEnum(CATEGORIES),
    priority: stringEnum(PRIORITIES, { default: 'normal' }),
    title: Text(200),
    description: Text(5000),
    parties: Type.Array(PartySchema, { minItems: 1, maxItems: 20 }),
    channel: Type.String({ minLength: 1, maxLength: 32, default: 'api', examples: ['580-app', '12345', 'grid-patrol'] }),
    externalRef: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "The integrator's own reference" })),
    highRisk: Type.Optional(
      Type.Boolean({ description: 'The reporter judges that the dispute may turn violent (人民调解法 Art. 25): urgent SLA, immediate alert' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        gridCode: 'yufuci-taoli',
        category: 'noise',
        title: '小吃店货梯噪音扰民',
        description: '居民陈女士反映楼下小吃店的载货电梯噪音很大，影响休息。',
        parties: [
          { name: '陈某', role: 'applicant', kind: 'person', sex: 'female' },
          { name: '某小吃店', role: 'respondent', kind: 'organisation', representative: '王某' },
        ],
        channel: 'grid-patrol',
      },
    ],
  },
);
export type CreateDispute = Static<typeof CreateDisputeSchema>;

const ActorSchema = Type.Object({
  type: Type.String(),
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  unitCode: Type.Optional(Type.String()),
  agencyCode: Type.Optional(Type.String()),
});

const UnitRefSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: stringEnum(LEVELS),
  committeeName: Type.String(),
});

const TermSchema = Type.Object(
  {
    text: Text(1000),
    obligor: Type.Optional(Text(100)),
    amountFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: 'Amount in fen (1/100 yuan)' })),
    method: Type.Optional(Text(200, { description: 'Performance method (履行方式)' })),
    place: Type.Optional(Text(200, { description: 'Performance place (履行地点)' })),
    dueDate: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);

const SignatureSchema = Type.Object({
  signer: Type.String(),
  name: Type.String(),
  method: Type.String(),
  witness: Type.Optional(Type.String()),
  at: Type.String({ format: 'date-time' }),
});

const DeadlineSchema = Type.Object({
  kind: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  warnAt: Type.String({ format: 'date-time' }),
  dueAt: Type.String({ format: 'date-time' }),
  warned: Type.Boolean(),
  breached: Type.Boolean(),
  calendar: Type.Optional(Type.String()),
  calendarRevision: Type.Optional(Type.Integer({ description: 'cn-workdays: the holiday-arrangement revision the instants were computed with' })),
  provisionalYears: Type.Optional(
    Type.Array(Type.Integer(), {
      description: 'cn-workdays: years the deadline runs into that have no national holiday arrangement yet (counted Monday–Friday): the instants are provisional (暂定) until the year is entered and the case re-planned',
    }),
  ),
  pausedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

const AgreementSchema = Type.Object({
  round: Type.Optional(Type.Integer()),
  facts: Type.String(),
  matters: Type.String(),
  responsibilities: Type.String(),
  losses: Type.Optional(Type.String()),
  terms: Type.Array(TermSchema),
  draftedAt: Type.String(),
  signatures: Type.Array(SignatureSchema),
  sealedAt: Type.Optional(Type.String()),
  effectiveAt: Type.Optional(Type.String()),
  number: Type.Optional(Type.String()),
  sha256: Type.Optional(Type.String()),
  rejected: Type.Optional(Type.Object({ at: Type.String(), party: Type.Optional(Type.Integer()), reason: Type.String() })),
});

const MeetingSchema = Type.Object({
  round: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  place: Type.String(),
  agenda: Type.Optional(Type.String()),
  parties: Type.Array(Type.Integer()),
  agencies: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      answer: Type.Optional(Type.String()),
      answeredAt: Type.Optional(Type.String()),
      note: Type.Optional(Type.String()),
    }),
  ),
  convenedBy: ActorSchema,
  convenedAt: Type.String(),
  outcome: Type.Optional(
    Type.Object({
      result: Type.String(),
      facts: Type.String(),
      responsibilities: Type.Optional(Type.String()),
      losses: Type.Optional(Type.String()),
      note: Type.Optional(Type.String()),
      recordedAt: Type.String(),
    }),
  ),
});

/** A case as the API shows it. */
export const DisputeSchema = Type.Object(
  {
    id: Type.String(),
    caseNumber: Type.Optional(Type.String({ examples: ['（2026）渔人调受字第1号'] })),
    stage: stringEnum(STAGES),
    outcome: Type.Optional(stringEnum(OUTCOMES)),
    level: Type.Optional(stringEnum(LEVELS)),
    unit: Type.Optional(UnitRefSchema),
    originCode: Type.String(),
    category: Type.String(),
    priority: Type.String(),
    title: Type.String(),
    description: Type.String(),
    parties: Type.Array(PartySchema),
    channel: Type.String(),
    externalRef: Type.Optional(Type.String()),
    reportedBy: ActorSchema,
    receivedAt: Type.String({ format: 'date-time' }),
    risk: Type.Optional(Type.Object({ high: Type.Boolean(), reasons: Type.Array(Type.String()) })),
    acceptedAt: Type.Optional(Type.String({ format: 'date-time' })),
    assignee: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
    closedAt: Type.Optional(Type.String({ format: 'date-time' })),
    deadlines: Type.Record(Type.String(), DeadlineSchema, { description: 'Running deadlines by kind (accept, handling, report_in, signatures, follow_up, judicial_confirmation, …)' }),
    nextDeadlineAt: Type.Optional(Type.String({ format: 'date-time' })),
    overdue: Type.Boolean(),
    suspended: Type.Optional(Type.Object({ since: Type.String(), reason: Type.String() })),
    escalations: Type.Array(
      Type.Object({
        at: Type.String(),
        from: Type.String(),
        to: Type.String(),
        reason: Type.String(),
        automatic: Type.Boolean(),
        kind: Type.Optional(Type.String()),
        fromName: Type.Optional(Type.String()),
        toName: Type.Optional(Type.String()),
      }),
    ),
    notes: Type.Array(Type.Object({ at: Type.String(), by: ActorSchema, text: Type.String() })),
    meeting: Type.Optional(MeetingSchema),
    pastMeetings: Type.Array(MeetingSchema),
    agreement: Type.Optional(AgreementSchema),
    pastAgreements: Type.Array(AgreementSchema),
    followUp: Type.Optional(
      Type.Object({
        dueAt: Type.String(),
        performed: Type.Optional(Type.Boolean()),
        satisfaction: Type.Optional(Type.Integer()),
        note: Type.Optional(Type.String()),
        risks: Type.Optional(Type.String()),
        measures: Type.Optional(Type.String()),
        recordedAt: Type.Optional(Type.String()),
      }),
    ),
    failure: Type.Optional(Type.Object({ at: Type.String(), reason: Type.String(), referral: Type.String() })),
    withdrawal: Type.Optional(Type.Object({ at: Type.String(), reason: Type.String(), party: Type.Optional(Type.Integer()) })),
    allowedActions: Type.Array(stringEnum(ACTIONS), { description: 'What the case allows now, by its stage' }),
    seq: Type.Integer({ description: 'Sequence number of the last event' }),
  },
  { $id: 'Dispute' },
);

export const DisputeListSchema = Type.Object({
  items: Type.Array(Type.Ref('Dispute')),
  nextCursor: Type.Optional(Type.String()),
});

export const DisputeEventSchema = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: ActorSchema,
  payload: Type.Record(Type.String(), Type.Unknown()),
});

const Reason = Text(2000);
const Obj = <T extends Parameters<typeof Type.Object>[0]>(props: T, description: string) =>
  Type.Object(props, { additionalProperties: false, description });

/** The body of each action (what each does: docs/design.md#the-lifecycle), validated at the HTTP boundary. */
export const ActionPayloadSchemas = {
  accept: Obj({ note: Type.Optional(Reason) }, 'The unit accepts the ticket (接单); the handling clock starts.'),
  decline: Obj(
    { reason: Reason, transferTo: Type.Optional(Type.String({ pattern: CODE_PATTERN, description: 'Unit to transfer to; default: the level above' })) },
    'The unit declines the ticket with a reason, transferring it to another unit or the level above.',
  ),
  escalate: Obj({ reason: Reason }, 'Hand the case to the level above, whose accept clock starts.'),
  'add-note': Obj({ text: Text(5000) }, 'A note, contact or piece of evidence on the case file.'),
  suspend: Obj({ reason: Reason }, 'Stop the handling clock while waiting on a party.'),
  resume: Obj({ note: Type.Optional(Reason) }, 'Restart the handling clock; its deadline moves by the suspended working time.'),
  'schedule-meeting': Obj(
    {
      at: Type.String({ format: 'date-time', description: 'When the joint mediation meets' }),
      place: Text(200),
      agencies: Type.Array(Type.String({ pattern: CODE_PATTERN }), { minItems: 1, maxItems: 20, description: 'Agencies summoned (GET /api/v1/agencies)' }),
      parties: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 19 }), { maxItems: 20, description: 'Indices of the parties summoned; default all' })),
      agenda: Type.Optional(Text(2000)),
    },
    'Convene a joint mediation (联合调解, "吹哨"): agencies must report in before the report-in deadline.',
  ),
  'confirm-attendance': Obj({ note: Type.Optional(Reason) }, "An agency representative confirms their agency's attendance (报到)."),
  'decline-attendance': Obj({ reason: Reason }, 'An agency representative declines, with a reason.'),
  'record-outcome': Obj(
    {
      result: stringEnum(['agreed', 'no_agreement', 'adjourned'] as const),
      facts: Text(5000),
      matters: Type.Optional(Text(2000)),
      responsibilities: Type.Optional(Text(2000)),
      losses: Type.Optional(Text(2000)),
      terms: Type.Optional(Type.Array(TermSchema, { minItems: 1, maxItems: 50 })),
      note: Type.Optional(Reason),
      failWithReferral: Type.Optional(Text(500, { description: 'After no_agreement: end mediation with this referral (Art. 26)' })),
    },
    "The meeting's outcome: agreed (→ agreement), no_agreement (→ mediation, or failure with a referral), adjourned.",
  ),
  resolve: Obj(
    {
      facts: Text(5000),
      matters: Text(2000),
      responsibilities: Text(2000),
      losses: Type.Optional(Text(2000)),
      terms: Type.Array(TermSchema, { minItems: 1, maxItems: 50 }),
    },
    'Settle without a meeting: the agreement is drafted for signature.',
  ),
  sign: Obj(
    {
      signer: Type.String({ pattern: '^(mediator|party:[0-9]{1,2})$', examples: ['party:0', 'mediator'] }),
      method: stringEnum(['signature', 'seal', 'fingerprint'] as const),
      witness: Type.Optional(Text(100)),
    },
    'Record a signature (签名), seal (盖章) or fingerprint (按指印) of a party or the mediator.',
  ),
  seal: Obj({ note: Type.Optional(Reason) }, "Affix the mediation committee's seal."),
  'reject-agreement': Obj({ party: Type.Optional(Type.Integer({ minimum: 0, maximum: 19 })), reason: Reason }, 'A party rejects the draft: back to mediation.'),
  'record-follow-up': Obj(
    {
      performed: Type.Boolean(),
      satisfaction: Type.Integer({ minimum: 1, maximum: 5 }),
      note: Type.Optional(Reason),
      risks: Type.Optional(Reason),
      measures: Type.Optional(Reason),
    },
    'The follow-up visit (回访): performed closes the case as resolved.',
  ),
  reopen: Obj({ reason: Reason }, 'The agreement was not performed: mediate again.'),
  fail: Obj(
    { reason: Reason, referral: Text(500, { description: 'Where the parties are referred: litigation, arbitration, an administrative body, …' }) },
    'Mediation failed (调解不成): close with a referral notice (Art. 26).',
  ),
  withdraw: Obj({ reason: Reason, party: Type.Optional(Type.Integer({ minimum: 0, maximum: 19 })) }, 'A party refuses or withdraws (Art. 17, 23).'),
  reassign: Obj(
    {
      reason: Reason,
      unitCode: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
      assignee: Type.Optional(Type.Object({ id: Text(64), name: Text(100) }, { additionalProperties: false })),
    },
    'A supervisor moves the case to another unit in their area (which must accept it) or another mediator.',
  ),
} as const;
