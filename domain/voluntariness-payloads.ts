/**
 * The bodies of the voluntariness actions (domain/voluntariness.ts), spread into
 * ActionPayloadSchemas (domain/action-payloads.ts): one definition for the API and the workflow.
 */
import { Type } from '@sinclair/typebox';
import { stringEnum } from './schema';
import { CONSENT_MANNERS, MEDIATOR_CHOICES, NOTICE_MANNERS, PUBLICITY, REFUSAL_GROUNDS } from './voluntariness';

const Text = (max: number, opts: object = {}) => Type.String({ minLength: 1, maxLength: max, ...opts });

export const VOLUNTARINESS_PAYLOADS = {
  'record-consent': Type.Object(
    {
      party: Type.Integer({ minimum: 0, maximum: 19, description: "The party's index in the case's parties" }),
      consented: Type.Boolean({
        description: 'true: agrees to mediation (同意调解); false: clearly refuses it (明确拒绝调解, Art. 17)',
      }),
      manner: stringEnum(CONSENT_MANNERS, {
        description:
          'written 书面, oral 口头, by_application 当事人申请即视为同意 (only an applicant of a case on application)',
      }),
      rightsNotice: Type.Optional(
        stringEnum(NOTICE_MANNERS, {
          description:
            'The 权利义务告知书 was given to the party and acknowledged: written (书面送达并签收) or oral (口头告知) (2002 规定 Art. 30)',
        }),
      ),
      inviteOthers: Type.Optional(
        Type.Boolean({
          description: 'Consents to other units or persons being invited to take part (人民调解法 Art. 20)',
        }),
      ),
      mediatorChoice: Type.Optional(
        stringEnum(MEDIATOR_CHOICES, {
          description: "accepted: the committee's mediators; chosen: mediators the party chose (Art. 19, 23)",
        }),
      ),
      mediators: Type.Optional(Text(200, { description: 'The mediators chosen or accepted, by name' })),
      recusal: Type.Optional(Text(500, { description: 'A recusal request (申请回避): whom, and why' })),
      publicity: Type.Optional(
        stringEnum(PUBLICITY, { description: 'The party asks for mediation in public or in private (Art. 23)' }),
      ),
      note: Type.Optional(Text(2000)),
    },
    {
      additionalProperties: false,
      description:
        "Record a party's consent to mediation or refusal (Art. 17), the rights notice and its acknowledgment (2002 规定 Art. 30), their choice or acceptance of mediators, a recusal request, public or private mediation (Art. 19, 23) and consent to inviting others (Art. 20). A later record of a field replaces the earlier one.",
    },
  ),
  refuse: Type.Object(
    {
      grounds: Type.Array(stringEnum(REFUSAL_GROUNDS), {
        minItems: 1,
        maxItems: REFUSAL_GROUNDS.length,
        uniqueItems: true,
        description:
          'handled_elsewhere (2002 规定 Art. 22(2)), special_authority (Art. 22(1)), party_refuses (人民调解法 Art. 17), not_civil_dispute (Art. 2; 2002 规定 Art. 20)',
      }),
      reason: Text(2000, { description: 'The facts behind the grounds, as the notice states them' }),
      referral: Type.Optional(
        Text(500, { description: 'Where the parties may turn (court, arbitration, the competent authority …)' }),
      ),
    },
    {
      additionalProperties: false,
      description:
        'Refuse to accept the case (不予受理, 2002 规定 Art. 22, 24): the case closes as not_accepted and the parties get a 不予受理告知书.',
    },
  ),
} as const;
