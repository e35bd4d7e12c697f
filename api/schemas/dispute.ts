import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { ACTIONS, CATEGORIES, LEVELS, OUTCOMES, PRIORITIES, STAGES } from '../../domain/lifecycle';
import { CODE_PATTERN } from './common';

export const literalUnion = <T extends string>(values: readonly T[], opts: object = {}): TUnion<TLiteral<T>[]> =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    opts,
  );

const Text = (max: number, opts: object = {}) => Type.String({ minLength: 1, maxLength: max, ...opts });
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const PartySchema = Type.Object(
  {
    name: Text(100),
    role: literalUnion(['applicant', 'respondent', 'third_party'] as const),
    kind: literalUnion(['person', 'organisation'] as const, { default: 'person' }),
    sex: Type.Optional(literalUnion(['male', 'female'] as const)),
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
    category: literalUnion(CATEGORIES),
    priority: literalUnion(PRIORITIES, { default: 'normal' }),
    title: Text(200),
    description: Text(5000),
    parties: Type.Array(PartySchema, { minItems: 1, maxItems: 20 }),
    channel: Type.String({ minLength: 1, maxLength: 32, default: 'api', examples: ['580-app', '12345', 'grid-patrol'] }),
    externalRef: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "The integrator's own reference" })),
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
});

const UnitRefSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: literalUnion(LEVELS),
  committeeName: Type.String(),
});

const TermSchema = Type.Object(
  {
    text: Text(1000),
    obligor: Type.Optional(Text(100)),
    amountFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: 'Amount in fen (1/100 yuan)' })),
    method: Type.Optional(Text(200)),
    place: Type.Optional(Text(200)),
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

/** A case as the API shows it. */
export const DisputeSchema = Type.Object(
  {
    id: Type.String(),
    caseNumber: Type.Optional(Type.String({ examples: ['（2026）渔人调受字第1号'] })),
    stage: literalUnion(STAGES),
    outcome: Type.Optional(literalUnion(OUTCOMES)),
    level: Type.Optional(literalUnion(LEVELS)),
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
    acceptedAt: Type.Optional(Type.String({ format: 'date-time' })),
    closedAt: Type.Optional(Type.String({ format: 'date-time' })),
    deadline: Type.Optional(
      Type.Object({
        kind: Type.String(),
        startedAt: Type.String({ format: 'date-time' }),
        warnAt: Type.String({ format: 'date-time' }),
        dueAt: Type.String({ format: 'date-time' }),
        warned: Type.Boolean(),
        breached: Type.Boolean(),
      }),
    ),
    escalations: Type.Array(
      Type.Object({ at: Type.String(), from: Type.String(), to: Type.String(), reason: Type.String(), automatic: Type.Boolean() }),
    ),
    notes: Type.Array(Type.Object({ at: Type.String(), by: ActorSchema, text: Type.String() })),
    agreement: Type.Optional(
      Type.Object({
        facts: Type.String(),
        matters: Type.String(),
        responsibilities: Type.String(),
        terms: Type.Array(TermSchema),
        draftedAt: Type.String(),
        signatures: Type.Array(SignatureSchema),
        sealedAt: Type.Optional(Type.String()),
        effectiveAt: Type.Optional(Type.String()),
        number: Type.Optional(Type.String()),
        sha256: Type.Optional(Type.String()),
      }),
    ),
    allowedActions: Type.Array(literalUnion(ACTIONS), { description: 'What the case allows now, by its stage' }),
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

export const ActionPayloadSchemas = {
  accept: Type.Object({ note: Type.Optional(Text(2000)) }, { additionalProperties: false }),
  'add-note': Type.Object({ text: Text(5000) }, { additionalProperties: false }),
  escalate: Type.Object({ reason: Text(2000) }, { additionalProperties: false }),
  resolve: Type.Object(
    {
      facts: Text(5000),
      matters: Text(2000),
      responsibilities: Text(2000),
      terms: Type.Array(TermSchema, { minItems: 1, maxItems: 50 }),
    },
    { additionalProperties: false },
  ),
  sign: Type.Object(
    {
      signer: Type.String({ pattern: '^(mediator|party:[0-9]{1,2})$', examples: ['party:0', 'mediator'] }),
      method: literalUnion(['signature', 'seal', 'fingerprint'] as const),
      witness: Type.Optional(Text(100)),
    },
    { additionalProperties: false },
  ),
  seal: Type.Object({ note: Type.Optional(Text(2000)) }, { additionalProperties: false }),
} as const;
