/**
 * The body of each action, defined once: validated at the HTTP boundary (api/schemas/dispute.ts
 * puts these schemas on POST /api/v1/disputes/{id}/signals/{action}) and, as their static types,
 * what the workflow's handlers receive (workflows/dispute.messages.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import { CODE_PATTERN, stringEnum } from './schema';
import { RECORDED_STATUSES, VISIT_METHODS } from './performance';
import { VOLUNTARINESS_PAYLOADS } from './voluntariness-payloads';
import { ATTENDANCE_PARTICIPANTS, REMOTE_MEETING_FIELDS } from './remote-meeting-schemas';

const Text = (max: number, opts: object = {}) => Type.String({ minLength: 1, maxLength: max, ...opts });
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

/** A term's performance as a visit saw it (domain/performance.ts). */
const TermStatusSchema = Type.Object(
  {
    term: Type.Integer({ minimum: 1, maximum: 50 }),
    status: stringEnum(RECORDED_STATUSES),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);

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
    immediate: Type.Optional(Type.Boolean({ description: '即时履行: performed on the spot, instead of a dueDate' })),
  },
  { additionalProperties: false },
);

/**
 * A term as the parties agree it (人民调解法 Art. 29(3)): its manner of performance (履行方式) and its
 * time limit — a date (`dueDate`), or `immediate: true` (即时履行). TermSchema stays the lenient shape
 * the case is read with (agreements made before this rule lack them).
 */
export const TermInputSchema = Type.Object(
  {
    ...TermSchema.properties,
    method: Text(200, { description: 'Performance method (履行方式), required' }),
  },
  {
    additionalProperties: false,
    description: 'One term: a manner of performance, and a dueDate or immediate: true (履行期限或即时履行)',
    anyOf: [{ required: ['dueDate'] }, { required: ['immediate'], properties: { immediate: { const: true } } }],
  },
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
  'add-note': Obj(
    {
      text: Text(5000),
      evidence: Type.Optional(
        Type.Boolean({ description: "Recorded as evidence (证据材料): listed in the case file's evidence list" }),
      ),
    },
    'A note, contact or piece of evidence on the case file.',
  ),
  suspend: Obj({ reason: Reason }, 'Stop the handling clock while waiting on a party.'),
  resume: Obj(
    { note: Type.Optional(Reason) },
    'Restart the handling clock; its deadline moves by the suspended working time.',
  ),
  'schedule-meeting': Obj(
    {
      at: Type.String({ format: 'date-time', description: 'When the joint mediation meets' }),
      place: Type.Optional(
        Text(200, { description: 'Where it meets: required for on_site (the default) and mixed meetings' }),
      ),
      ...REMOTE_MEETING_FIELDS, // mode, remoteLink, remotePlatform (domain/remote-meeting-schemas.ts)
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
      terms: Type.Optional(Type.Array(TermInputSchema, { minItems: 1, maxItems: 50 })),
      note: Type.Optional(Reason),
      signingPlace: Type.Optional(Text(200, { description: '签订地点 of the agreement; default: the committee' })),
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
      terms: Type.Array(TermInputSchema, { minItems: 1, maxItems: 50 }),
      signingPlace: Type.Optional(Text(200, { description: '签订地点 of the agreement; default: the committee' })),
      form: Type.Optional(
        stringEnum(['written', 'oral'] as const, {
          description:
            'written (调解协议书, default: drafted for signature) or oral (口头协议, 人民调解法 Art. 28: the parties see no need for a written agreement; the mediator records it and it takes effect at once, Art. 30)',
        }),
      ),
    },
    'Settle without a meeting: the agreement is drafted for signature (or, form oral, recorded as an oral agreement).',
  ),
  sign: Obj(
    {
      signer: Type.String({ pattern: '^(mediator|party:[0-9]{1,2})$', examples: ['party:0', 'mediator'] }),
      method: stringEnum(['signature', 'seal', 'fingerprint', 'electronic'] as const, {
        description:
          'signature 签名, seal 盖章, fingerprint 按指印 (recorded by staff); electronic 电子签名: only a party on its own signing page (POST /p/sign/confirm), never staff',
      }),
      witness: Type.Optional(Text(100)),
      // Issue 22, electronic signatures only (workflows/dispute/esign.ts): set by the signing page, never by staff.
      round: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 999,
          description: 'electronic: the draft (round) the text shown belongs to',
        }),
      ),
      contentSha256: Type.Optional(
        Type.String({
          pattern: '^[0-9a-f]{64}$',
          description: 'electronic: SHA-256 of the text shown (domain/agreement-hash.ts)',
        }),
      ),
      channel: Type.Optional(stringEnum(['sms_otp'] as const, { description: 'electronic: how it was confirmed' })),
      codeRef: Type.Optional(
        Type.String({
          pattern: '^[A-Za-z0-9_-]{8,40}$',
          description: "electronic: the verified one-time code's reference",
        }),
      ),
      phoneTail: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: 'electronic: 手机尾号' })),
      agent: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: 1,
          description:
            "A party's 委托代理人 (index in its agents) signs for it: only with special authority (特别授权). A party under 18 or without full capacity signs through its 法定代理人 (recorded by itself)",
        }),
      ),
    },
    'Record a signature (签名), seal (盖章) or fingerprint (按指印) of a party or the mediator.',
  ),
  seal: Obj({ note: Type.Optional(Reason) }, "Affix the mediation committee's seal."),
  'reject-agreement': Obj(
    {
      party: Type.Optional(Type.Integer({ minimum: 0, maximum: 19 })),
      reason: Reason,
      round: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 999,
          description: 'The draft (round) refused: refused when it is no longer the current one',
        }),
      ),
    },
    'A party rejects the draft: back to mediation.',
  ),
  'record-follow-up': Obj(
    {
      // 2002《人民调解工作若干规定》Art. 37: the visit and what it found are recorded: how, with whom, term by term.
      method: stringEnum(VISIT_METHODS, {
        description: 'How: home 上门, phone 电话, video 视频, office 到场 (the party came to the committee)',
      }),
      met: Type.Array(Text(100), {
        minItems: 1,
        maxItems: 20,
        description: 'Whom the visitor met: the parties and other persons, by name',
      }),
      performed: Type.Optional(
        Type.Boolean({
          description:
            'Shorthand without `terms`: true records every term done (已履行); false every due term not performed',
        }),
      ),
      terms: Type.Optional(Type.Array(TermStatusSchema, { minItems: 1, maxItems: 50 })),
      satisfaction: Type.Integer({ minimum: 1, maximum: 5 }),
      note: Type.Optional(Reason),
      risks: Type.Optional(Reason),
      measures: Type.Optional(Reason),
    },
    'The follow-up visit (回访): how and whom, and the performance of each term; the case closes as resolved when every term is done.',
  ),
  reopen: Obj(
    { reason: Reason },
    'The parties agree to vary the effective agreement (变更协议): mediate a variation, which names the original; the original stays in force until the variation takes effect.',
  ),
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
  'record-attendance': Obj(
    {
      present: Type.Optional(
        Type.Array(Type.String({ pattern: CODE_PATTERN }), {
          maxItems: 20,
          description:
            'Codes of the invited or summoned agencies whose representatives actually attended (到会); none if absent',
        }),
      ),
      persons: Type.Optional(
        Type.Array(Type.Object({ name: Text(100), unit: Text(200) }, { additionalProperties: false }), {
          maxItems: 50,
          description: 'The persons present, with their unit (for the mediation record)',
        }),
      ),
      participants: Type.Optional(ATTENDANCE_PARTICIPANTS), // per participant (domain/remote-meeting-schemas.ts)
    },
    'Record who actually attended the joint mediation (到会), at or after its start: apart from who confirmed (报到).',
  ),
  'refer-to-police': Obj(
    {
      measures: Text(2000, { description: 'The preventive measures taken (人民调解法 Art. 25)' }),
      note: Type.Optional(Reason),
    },
    'The mediator confirms the report to the police of a dispute that may turn into a public-order or criminal case (人民调解法 Art. 25), with the preventive measures taken: the referral notice is sent.',
  ),
  'record-judicial-confirmation': Obj(
    {
      filedAt: IsoDate,
      court: Text(200, { description: 'The court applied to (民事诉讼法 Art. 205), e.g. 津市市人民法院' }),
      caseNumber: Type.Optional(Text(100, { description: "The court's case number (调确字)" })),
      ruling: Type.Optional(
        stringEnum(['valid', 'rejected'] as const, {
          description: 'valid: 裁定调解协议有效 (确认有效); rejected: 裁定驳回申请 (民事诉讼法 Art. 206)',
        }),
      ),
      rulingNumber: Type.Optional(Text(100, { description: "The ruling's number; required with a ruling" })),
      rulingAt: Type.Optional(Type.String({ format: 'date', description: 'YYYY-MM-DD; required with a ruling' })),
    },
    "Record the parties' joint application for judicial confirmation (人民调解法 Art. 33, within 30 days of effectiveness) and, when it comes, the court's ruling.",
  ),
  ...VOLUNTARINESS_PAYLOADS,
  // Sent by the API once the file is stored (attachments/service.ts), never through the signals route.
  'attach-evidence': Obj(
    {
      attachmentId: Type.String({ format: 'uuid' }),
      name: Text(255),
      mediaType: Text(100),
      size: Type.Integer({ minimum: 0 }),
      sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
      source: stringEnum(['staff', 'integrator', 'party', 'open311', 'public_form'] as const),
      url: Type.Optional(Text(2000)),
      description: Type.Optional(Text(2000)),
    },
    'A file or link kept as evidence (证据材料), stored by POST /api/v1/disputes/{id}/attachments: its SHA-256 on the record.',
  ),
  'record-performance': Obj(
    {
      term: Type.Integer({ minimum: 1, maximum: 50, description: 'The term, 1-based, of the effective agreement' }),
      status: stringEnum(RECORDED_STATUSES, {
        description:
          'in_progress 履行中, partly 部分履行, done 已履行, not_performed 未履行 (not_due follows from the deadline)',
      }),
      note: Type.Optional(Reason),
    },
    "Record a term's performance (人民调解法 Art. 31): not performed leads to 督促履行 and the Art. 32 notice; every term done closes the case as resolved.",
  ),
  // Issue 22: from the parties' page only (the party role); the party is the actor's own index.
  'rate-satisfaction': Obj(
    {
      rating: Type.Integer({ minimum: 1, maximum: 5, description: '1 很不满意 … 5 很满意' }),
      comment: Type.Optional(Text(500)),
    },
    "A party's own satisfaction with the mediation (回访满意度), 1–5, once per party during the follow-up: the Safety Index scores it.",
  ),
} as const;

/** Each action's payload type, from its schema. */
export type ActionPayloads = { [A in keyof typeof ActionPayloadSchemas]: Static<(typeof ActionPayloadSchemas)[A]> };
