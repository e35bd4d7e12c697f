import { Type, type Static, type TObject } from '@sinclair/typebox';
import { ATTENDANCE_PARTICIPANTS, REMOTE_MEETING_FIELDS } from '../../domain/remote-meeting-schemas';
import { ACTIONS, CATEGORIES, LEVELS, OUTCOMES, PRIORITIES, STAGES } from '../../domain/lifecycle';
import { ActionPayloadSchemas, TermSchema } from '../../domain/action-payloads';
import { CODE_PATTERN, stringEnum } from './common';
import { SOURCE_INTAKE_FIELD, VOLUNTARINESS_VIEW_FIELDS } from './voluntariness';
import { FollowUpSchema, PERFORMANCE_VIEW_FIELDS } from './performance';

export { ActionPayloadSchemas };

const Text = (max: number, opts: object = {}) => Type.String({ minLength: 1, maxLength: max, ...opts });

const Phone = () => Type.String({ pattern: '^[0-9+\\- ]{5,20}$' });
const IdNumber = () => Type.String({ pattern: '^[0-9]{17}[0-9Xx]$', description: '18-digit resident ID number' });
const DateOnly = (description: string) => Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description });

/** 反映人: the person who brought the dispute without being a party (never signs). */
export const ReporterSchema = Type.Object(
  {
    name: Text(100),
    relation: Text(50, { description: 'Relation to the dispute: 小区业主, 网格员, 邻居, …', examples: ['小区业主'] }),
    phone: Type.Optional(Phone()),
    idNumber: Type.Optional(IdNumber()),
    address: Type.Optional(Text(200)),
  },
  { additionalProperties: false, description: '反映人: reported the dispute, is not a party and never signs' },
);

const LegalRepresentativeSchema = Type.Object(
  {
    name: Text(100),
    relation: Text(20, { examples: ['父亲', '母亲', '监护人'] }),
    phone: Type.Optional(Phone()),
    idNumber: Type.Optional(IdNumber()),
    address: Type.Optional(Text(200)),
  },
  {
    additionalProperties: false,
    description: '法定代理人 of a party under 18 or without full capacity (民法典 Art. 23): signs for them',
  },
);

const AgentSchema = Type.Object(
  {
    name: Text(100),
    authority: stringEnum(['general', 'special'] as const, {
      description: 'general 一般授权, special 特别授权 (needed to sign the agreement)',
    }),
    powerOfAttorney: Type.Object(
      { reference: Text(100), date: DateOnly('date of the 授权委托书') },
      { additionalProperties: false, description: 'The 授权委托书 on file' },
    ),
    relation: Type.Optional(Text(50, { examples: ['律师', '近亲属'] })),
    phone: Type.Optional(Phone()),
    idNumber: Type.Optional(IdNumber()),
    address: Type.Optional(Text(200)),
  },
  { additionalProperties: false },
);

/** The people the law names around a party (domain/people.ts; 民法典 Art. 17–23, 61, 105, 161–165). */
const PartyPeopleProperties = {
  birthDate: Type.Optional(DateOnly('YYYY-MM-DD; a party under 18 needs a legal representative')),
  capacity: Type.Optional(
    stringEnum(['full', 'limited', 'none'] as const, {
      description:
        'Civil capacity when not that of the age (民法典 Art. 21, 22): limited or none needs a legal representative',
    }),
  ),
  selfSupporting: Type.Optional(
    Type.Boolean({
      description: '民法典 Art. 18(2): a minor of 16 or 17 living mainly on their own labour income has full capacity',
    }),
  ),
  legalRepresentative: Type.Optional(LegalRepresentativeSchema),
  agents: Type.Optional(Type.Array(AgentSchema, { minItems: 1, maxItems: 2, description: '委托代理人: one or two' })),
  orgType: Type.Optional(
    stringEnum(['legal_person', 'unincorporated', 'branch'] as const, {
      description: 'An organisation: legal_person (法定代表人) or unincorporated / branch (负责人)',
    }),
  ),
  representativeTitle: Type.Optional(Text(50, { description: "The representative's 职务", examples: ['执行董事'] })),
  creditCode: Type.Optional(
    Type.String({
      pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$',
      description: '统一社会信用代码 (GB 32100-2015; its check character is verified)',
    }),
  ),
  serviceAddress: Type.Optional(Text(200, { description: '送达地址' })),
};

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
    representative: Type.Optional(
      Text(100, {
        description:
          'For an organisation: its 法定代表人 (legal person) or 负责人 (unincorporated organisation, branch)',
      }),
    ),
    ...PartyPeopleProperties,
  },
  { additionalProperties: false },
);

/**
 * A party as a case shows it: what the reader may see of it (docs/security.md, "Personal data: who
 * sees which field"). Phone and identity numbers come masked (`138****5678`, `430702********1234`)
 * or not at all unless the caller's unit holds the case.
 */
const MaskedNumbers = {
  phone: Type.Optional(Type.String({ description: 'Masked unless your unit holds the case' })),
  idNumber: Type.Optional(
    Type.String({
      description:
        'Masked for integrators, left out for agencies and public copies, in full for the unit holding the case',
    }),
  ),
};
/** A person around the case as a reader sees it: the same fields, the numbers possibly masked. */
const personView = <T extends TObject>(schema: T) =>
  Type.Object(
    { ...schema.properties, ...MaskedNumbers },
    { additionalProperties: false, description: schema.description },
  );

export const PartyViewSchema = Type.Object({
  ...PartySchema.properties,
  ...MaskedNumbers,
  legalRepresentative: Type.Optional(personView(LegalRepresentativeSchema)),
  agents: Type.Optional(Type.Array(personView(AgentSchema), { maxItems: 2 })),
});
export const ReporterViewSchema = personView(ReporterSchema);

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
    reporter: Type.Optional(ReporterSchema),
    ...SOURCE_INTAKE_FIELD,
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
          {
            name: '某小吃店',
            role: 'respondent',
            kind: 'organisation',
            orgType: 'unincorporated',
            representative: '王某',
            representativeTitle: '经营者',
          },
        ],
        channel: 'grid-patrol',
        reporter: { name: '李某', relation: '网格员' },
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
  recordedByName: Type.Optional(Type.String({ description: 'Who recorded the signature (记录人)' })),
  // Issue 22: an electronic signature, given by the party on its own phone (workflows/dispute/esign.ts).
  contentSha256: Type.Optional(
    Type.String({ description: 'electronic: SHA-256 of the agreement text the signer was shown (文本哈希)' }),
  ),
  channel: Type.Optional(Type.String({ description: 'electronic: sms_otp (短信验证码确认)' })),
  codeRef: Type.Optional(Type.String({ description: "electronic: the one-time code's reference (验证码编号)" })),
  phoneTail: Type.Optional(
    Type.String({ description: 'electronic: the last 4 digits of the phone on file (手机尾号)' }),
  ),
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
    Type.Object({
      at: Type.String(),
      party: Type.Optional(Type.Integer()),
      reason: Type.String(),
      byName: Type.Optional(Type.String({ description: 'Who refused, when the party did so on its own page' })),
    }),
  ),
  varies: Type.Optional(
    Type.Object(
      { number: Type.String(), effectiveAt: Type.Optional(Type.String()) },
      { description: 'A variation (变更协议): the effective agreement it varies' },
    ),
  ),
  form: Type.Optional(
    stringEnum(['written', 'oral'] as const, { description: '人民调解法 Art. 28: 调解协议书 or 口头协议' }),
  ),
  signingPlace: Type.Optional(Type.String({ description: '签订地点' })),
  judicialCourt: Type.Optional(
    Type.String({ description: 'The basic court where the committee is located (民事诉讼法 Art. 205)' }),
  ),
  judicialWindowEndsAt: Type.Optional(
    Type.String({ format: 'date-time', description: 'Art. 33: 24:00 Beijing time on the window’s last day' }),
  ),
  judicialConfirmation: Type.Optional(
    Type.Object(
      {
        filedAt: Type.String({ format: 'date' }),
        court: Type.String(),
        caseNumber: Type.Optional(Type.String()),
        ruling: Type.Optional(stringEnum(['valid', 'rejected'] as const)),
        rulingNumber: Type.Optional(Type.String()),
        rulingAt: Type.Optional(Type.String({ format: 'date' })),
        recordedAt: Type.String(),
      },
      { description: 'The joint application for judicial confirmation and the ruling (民事诉讼法 Art. 205–206)' },
    ),
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
  kind: Type.Optional(
    stringEnum(['convened', 'invitation'] as const, {
      description:
        'convened: a street or county centre convenes and the agencies must report in (报到); invitation: a community committee invites (人民调解法 Art. 20), answers are a courtesy',
    }),
  ),
  convenor: Type.Optional(
    Type.Object({ code: Type.String(), name: Type.String(), phone: Type.Optional(Type.String()) }),
  ),
  attendance: Type.Optional(
    Type.Object(
      {
        present: Type.Array(Type.String()),
        persons: Type.Array(Type.Object({ name: Type.String(), unit: Type.String() })),
        participants: Type.Optional(ATTENDANCE_PARTICIPANTS),
        recordedAt: Type.String(),
      },
      { description: 'Who actually attended (到会), apart from who confirmed (报到)' },
    ),
  ),
  ...REMOTE_MEETING_FIELDS, // remote participation: recorded, not built (issue 22 item 6)
});

/** A case as the API shows it. */
export const DisputeSchema = Type.Object(
  {
    id: Type.String(),
    caseNumber: Type.Optional(Type.String({ examples: ['（2026）渔人调受字第1号'] })),
    priorCaseNumbers: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'The numbers the case had before another committee took it over under its own (原案号), the first one first',
        examples: [['（2026）汪社人调受字第3号']],
      }),
    ),
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
    reporter: Type.Optional(ReporterViewSchema),
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
    followUp: Type.Optional(FollowUpSchema),
    ...PERFORMANCE_VIEW_FIELDS,
    failure: Type.Optional(Type.Object({ at: Type.String(), reason: Type.String(), referral: Type.String() })),
    withdrawal: Type.Optional(
      Type.Object({ at: Type.String(), reason: Type.String(), party: Type.Optional(Type.Integer()) }),
    ),
    policeReferral: Type.Optional(
      Type.Object(
        { at: Type.String(), measures: Type.String(), note: Type.Optional(Type.String()) },
        { description: '人民调解法 Art. 25: the report to the police, sent when the mediator confirmed it' },
      ),
    ),
    ...VOLUNTARINESS_VIEW_FIELDS,
    satisfaction: Type.Optional(
      Type.Array(
        Type.Object({
          party: Type.Integer(),
          rating: Type.Integer({ minimum: 1, maximum: 5 }),
          comment: Type.Optional(Type.String()),
          at: Type.String(),
        }),
        {
          description:
            "The parties' own ratings (1–5) from their page in the follow-up (rate-satisfaction), one per party",
        },
      ),
    ),
    allowedActions: Type.Array(stringEnum(ACTIONS), {
      description:
        'What the case allows now and the caller may take: its stage, filtered by the same rule the signals route enforces (role, area, the case’s unit and summoned agencies)',
    }),
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
