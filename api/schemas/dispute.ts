import { Type, type Static } from '@sinclair/typebox';
import { ACTIONS, CATEGORIES, LEVELS, OUTCOMES, PRIORITIES, STAGES } from '../../domain/lifecycle';
import { ActionPayloadSchemas, TermSchema } from '../../domain/action-payloads';
import { CODE_PATTERN, stringEnum } from './common';

export { ActionPayloadSchemas };

const Text = (max: number, opts: object = {}) => Type.String({ minLength: 1, maxLength: max, ...opts });

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

/**
 * A party as a case shows it: what the reader may see of it (docs/security.md, "Personal data: who
 * sees which field"). Phone and identity numbers come masked (`138****5678`, `430702********1234`)
 * or not at all unless the caller's unit holds the case.
 */
export const PartyViewSchema = Type.Object({
  ...PartySchema.properties,
  phone: Type.Optional(Type.String({ description: 'Masked unless your unit holds the case' })),
  idNumber: Type.Optional(
    Type.String({
      description:
        'Masked for integrators, left out for agencies and public copies, in full for the unit holding the case',
    }),
  ),
});

export const CreateDisputeSchema = Type.Object(
  {
    gridCode: Type.String({
      pattern: CODE_PATTERN,
      description: 'The grid (or community) where the dispute arose',
      examples: ['yufuci-taoli'],
    }),
    category: stringEnum(CATEGORIES),
    priority: stringEnum(PRIORITIES, { default: 'normal' }),
    title: Text(200),
    description: Text(5000),
    parties: Type.Array(PartySchema, { minItems: 1, maxItems: 20 }),
    channel: Type.String({
      minLength: 1,
      maxLength: 32,
      default: 'api',
      examples: ['580-app', '12345', 'grid-patrol'],
    }),
    externalRef: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "The integrator's own reference" }),
    ),
    highRisk: Type.Optional(
      Type.Boolean({
        description:
          'The reporter judges that the dispute may turn violent (人民调解法 Art. 25): urgent SLA, immediate alert',
      }),
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
  calendarRevision: Type.Optional(
    Type.Integer({ description: 'cn-workdays: the holiday-arrangement revision the instants were computed with' }),
  ),
  provisionalYears: Type.Optional(
    Type.Array(Type.Integer(), {
      description:
        'cn-workdays: years the deadline runs into that have no national holiday arrangement yet (counted Monday–Friday): the instants are provisional (暂定) until the year is entered and the case re-planned',
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
  rejected: Type.Optional(
    Type.Object({ at: Type.String(), party: Type.Optional(Type.Integer()), reason: Type.String() }),
  ),
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
    parties: Type.Array(PartyViewSchema),
    channel: Type.String(),
    externalRef: Type.Optional(Type.String()),
    reportedBy: ActorSchema,
    receivedAt: Type.String({ format: 'date-time' }),
    risk: Type.Optional(Type.Object({ high: Type.Boolean(), reasons: Type.Array(Type.String()) })),
    acceptedAt: Type.Optional(Type.String({ format: 'date-time' })),
    assignee: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
    closedAt: Type.Optional(Type.String({ format: 'date-time' })),
    deadlines: Type.Record(Type.String(), DeadlineSchema, {
      description:
        'Running deadlines by kind (accept, handling, report_in, signatures, follow_up, judicial_confirmation, …)',
    }),
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
    withdrawal: Type.Optional(
      Type.Object({ at: Type.String(), reason: Type.String(), party: Type.Optional(Type.Integer()) }),
    ),
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
