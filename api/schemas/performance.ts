/** The response fields of per-term performance supervision (人民调解法 Art. 31–32; domain/performance.ts). */
import { Type } from '@sinclair/typebox';
import { PERFORMANCE_STATUSES, VISIT_METHODS } from '../../domain/performance';
import { stringEnum } from './common';

const Status = stringEnum(PERFORMANCE_STATUSES, {
  description: 'not_due 未到期, in_progress 履行中, partly 部分履行, done 已履行, not_performed 未履行',
});

const VisitSchema = Type.Object({
  at: Type.String(),
  byName: Type.String(),
  method: stringEnum(VISIT_METHODS, { description: 'home 上门, phone 电话, video 视频, office 到场' }),
  met: Type.Array(Type.String()),
  statuses: Type.Array(Type.Object({ term: Type.Integer(), status: Status })),
  satisfaction: Type.Integer(),
  note: Type.Optional(Type.String()),
  risks: Type.Optional(Type.String()),
  measures: Type.Optional(Type.String()),
});

export const FollowUpSchema = Type.Object({
  dueAt: Type.String(),
  performed: Type.Optional(Type.Boolean()),
  satisfaction: Type.Optional(Type.Integer()),
  note: Type.Optional(Type.String()),
  risks: Type.Optional(Type.String()),
  measures: Type.Optional(Type.String()),
  recordedAt: Type.Optional(Type.String()),
  method: Type.Optional(Type.String()),
  met: Type.Optional(Type.Array(Type.String())),
  plan: Type.Optional(Type.Array(Type.String(), { description: 'The visits due, up to the last term’s deadline' })),
  visits: Type.Optional(Type.Array(VisitSchema)),
});

export const PERFORMANCE_VIEW_FIELDS = {
  performance: Type.Optional(
    Type.Array(
      Type.Object({
        term: Type.Integer(),
        text: Type.String(),
        obligor: Type.Union([Type.String(), Type.Null()]),
        dueDate: Type.Union([Type.String(), Type.Null()]),
        status: Status,
        note: Type.Union([Type.String(), Type.Null()]),
        recordedAt: Type.Union([Type.String(), Type.Null()]),
      }),
      { description: "人民调解法 Art. 31: each term's performance now (the sealed agreement itself never changes)" },
    ),
  ),
  varying: Type.Optional(
    Type.Object(
      { number: Type.String(), reason: Type.String(), at: Type.String() },
      {
        description:
          'A variation (变更协议) of this effective agreement is being negotiated; it stays in force meanwhile',
      },
    ),
  ),
  variations: Type.Optional(
    Type.Array(Type.Object({ original: Type.String(), variedBy: Type.String(), at: Type.String() })),
  ),
  performanceDispute: Type.Optional(
    Type.Object(
      {
        at: Type.String(),
        reason: Type.String(),
        referral: Type.String(),
        terms: Type.Array(Type.Integer()),
      },
      { description: 'Art. 32: the dispute over performance referred to the court (outcome performance_referred)' },
    ),
  ),
};
