/**
 * The body of each action, defined once: validated at the HTTP boundary (api/schemas/dispute.ts
 * puts these schemas on POST /api/v1/disputes/{id}/signals/{action}) and, as their static types,
 * what the workflow's handlers receive (workflows/dispute.messages.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import { CODE_PATTERN, stringEnum } from './schema';

const Text = (max: number, opts: object = {}) => Type.String({ minLength: 1, maxLength: max, ...opts });
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const TermSchema = Type.Object(
  {
    text: Text(1000),
    obligor: Type.Optional(Text(100)),
    amountFen: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: 'Amount in fen (1/100 yuan)' }),
    ),
    method: Type.Optional(Text(200, { description: 'Performance method (履行方式)' })),
    place: Type.Optional(Text(200, { description: 'Performance place (履行地点)' })),
    dueDate: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);

const Reason = Text(2000);
const Obj = <T extends Parameters<typeof Type.Object>[0]>(props: T, description: string) =>
  Type.Object(props, { additionalProperties: false, description });

/** The body of each action (what each does: docs/design.md#the-lifecycle), validated at the HTTP boundary. */
export const ActionPayloadSchemas = {
  accept: Obj({ note: Type.Optional(Reason) }, 'The unit accepts the ticket (接单); the handling clock starts.'),
  decline: Obj(
    {
      reason: Reason,
      transferTo: Type.Optional(
        Type.String({ pattern: CODE_PATTERN, description: 'Unit to transfer to; default: the level above' }),
      ),
    },
    'The unit declines the ticket with a reason, transferring it to another unit or the level above.',
  ),
  escalate: Obj({ reason: Reason }, 'Hand the case to the level above, whose accept clock starts.'),
  'add-note': Obj({ text: Text(5000) }, 'A note, contact or piece of evidence on the case file.'),
  suspend: Obj({ reason: Reason }, 'Stop the handling clock while waiting on a party.'),
  resume: Obj(
    { note: Type.Optional(Reason) },
    'Restart the handling clock; its deadline moves by the suspended working time.',
  ),
  'schedule-meeting': Obj(
    {
      at: Type.String({ format: 'date-time', description: 'When the joint mediation meets' }),
      place: Text(200),
      agencies: Type.Array(Type.String({ pattern: CODE_PATTERN }), {
        minItems: 1,
        maxItems: 20,
        description: 'Agencies summoned (GET /api/v1/agencies)',
      }),
      parties: Type.Optional(
        Type.Array(Type.Integer({ minimum: 0, maximum: 19 }), {
          maxItems: 20,
          description: 'Indices of the parties summoned; default all',
        }),
      ),
      agenda: Type.Optional(Text(2000)),
    },
    'Convene a joint mediation (联合调解, "吹哨"): agencies must report in before the report-in deadline.',
  ),
  'confirm-attendance': Obj(
    { note: Type.Optional(Reason) },
    "An agency representative confirms their agency's attendance (报到).",
  ),
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
      failWithReferral: Type.Optional(
        Text(500, { description: 'After no_agreement: end mediation with this referral (Art. 26)' }),
      ),
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
  'reject-agreement': Obj(
    { party: Type.Optional(Type.Integer({ minimum: 0, maximum: 19 })), reason: Reason },
    'A party rejects the draft: back to mediation.',
  ),
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
    {
      reason: Reason,
      referral: Text(500, {
        description: 'Where the parties are referred: litigation, arbitration, an administrative body, …',
      }),
    },
    'Mediation failed (调解不成): close with a referral notice (Art. 26).',
  ),
  withdraw: Obj(
    { reason: Reason, party: Type.Optional(Type.Integer({ minimum: 0, maximum: 19 })) },
    'A party refuses or withdraws (Art. 17, 23).',
  ),
  reassign: Obj(
    {
      reason: Reason,
      unitCode: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
      assignee: Type.Optional(Type.Object({ id: Text(64), name: Text(100) }, { additionalProperties: false })),
    },
    'A supervisor moves the case to another unit in their area (which must accept it) or another mediator.',
  ),
} as const;

/** Each action's payload type, from its schema. */
export type ActionPayloads = { [A in keyof typeof ActionPayloadSchemas]: Static<(typeof ActionPayloadSchemas)[A]> };
