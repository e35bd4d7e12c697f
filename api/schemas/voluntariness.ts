/**
 * The API's fields for voluntariness on the record (domain/voluntariness.ts): the intake's `source`
 * and, on a case, its source, the parties' consent records and a refusal to accept.
 */
import { Type } from '@sinclair/typebox';
import {
  CASE_SOURCES,
  CONSENT_MANNERS,
  DEFAULT_SOURCE,
  MEDIATOR_CHOICES,
  NOTICE_MANNERS,
  PUBLICITY,
  REFUSAL_GROUNDS,
} from '../../domain/voluntariness';
import { stringEnum } from './common';

const SOURCE_DESCRIPTION =
  "Where the case comes from (人民调解法 Art. 17–18): party_application 当事人申请 (the default: the parties named applicant applied, and their application is their consent), ex_officio 调委会主动调解, court_referred 法院委派/委托, police_referred 公安移送, assigned 政府/有关部门交办. Every other party's consent must be recorded (record-consent) before a meeting or an agreement.";

/** On the intake (POST /api/v1/disputes). */
export const SOURCE_INTAKE_FIELD = {
  source: Type.Optional(stringEnum(CASE_SOURCES, { default: DEFAULT_SOURCE, description: SOURCE_DESCRIPTION })),
};

const ConsentRecordSchema = Type.Object({
  party: Type.Integer(),
  partyName: Type.Optional(Type.String()),
  consented: Type.Boolean(),
  manner: stringEnum(CONSENT_MANNERS),
  rightsNotice: Type.Optional(stringEnum(NOTICE_MANNERS)),
  inviteOthers: Type.Optional(Type.Boolean()),
  mediatorChoice: Type.Optional(stringEnum(MEDIATOR_CHOICES)),
  mediators: Type.Optional(Type.String()),
  recusal: Type.Optional(Type.String()),
  publicity: Type.Optional(stringEnum(PUBLICITY)),
  note: Type.Optional(Type.String()),
  at: Type.String({ format: 'date-time' }),
  recordedBy: Type.Object({ id: Type.String(), name: Type.String() }),
});

/** On a case as the API shows it. */
export const VOLUNTARINESS_VIEW_FIELDS = {
  source: Type.Optional(stringEnum(CASE_SOURCES, { description: SOURCE_DESCRIPTION })),
  consents: Type.Optional(
    Type.Array(ConsentRecordSchema, {
      description:
        "Each party's will as recorded, oldest first (record-consent): consent or refusal (Art. 17), the rights notice (2002 规定 Art. 30), mediators and recusal (Art. 19, 23), public or private (Art. 23), inviting others (Art. 20)",
    }),
  ),
  refusal: Type.Optional(
    Type.Object(
      {
        at: Type.String({ format: 'date-time' }),
        byName: Type.String(),
        grounds: Type.Array(stringEnum(REFUSAL_GROUNDS)),
        reason: Type.String(),
        referral: Type.Optional(Type.String()),
      },
      { description: 'The refusal to accept (不予受理): the case closed not_accepted' },
    ),
  ),
};
