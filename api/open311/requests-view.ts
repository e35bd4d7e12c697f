/**
 * Open311 service requests as answers: the words (service names, status notes), the filter of
 * GET requests.json, and the two views of a case: the integrator's own (ServiceRequestSchema) and the
 * public one, which GeoReport v2 makes keyless: status, dates, the responsible committee and the
 * case number only. It carries no description, name, phone, address, `address_id` or coordinates:
 * a place finer than the committee (a grid of ~1,500 people, a map point) can name a household.
 */
import { Type } from '@sinclair/typebox';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Category } from '../../domain/lifecycle';
import type { DisputeView } from '../../domain/types';
import { nextDeadline } from '../../domain/sla';
import { stringEnum } from '../schemas/common';

export const SERVICE_NAMES: Record<Category, { name: string; description: string }> = {
  neighbour: { name: '邻里纠纷', description: 'Disputes between neighbours: water leaks, shared spaces, boundaries' },
  property: { name: '物业纠纷', description: 'Property management, owners’ committees, maintenance funds' },
  noise: { name: '噪音扰民', description: 'Noise from shops, works or neighbours' },
  family: { name: '婚姻家庭纠纷', description: 'Family and marriage disputes, support, inheritance' },
  labour: { name: '劳动争议', description: 'Wages, injuries at work, contracts' },
  consumer: { name: '消费纠纷', description: 'Purchases, services, refunds' },
  land: { name: '土地山林纠纷', description: 'Homesteads, land use, forests' },
  traffic: { name: '交通事故纠纷', description: 'Compensation after a traffic accident' },
  other: { name: '其他纠纷', description: 'Other civil disputes' },
};

const STAGE_NOTES: Record<string, string> = {
  awaiting_acceptance: '待受理',
  in_mediation: '调解中',
  meeting_scheduled: '联合调解已安排',
  awaiting_signatures: '调解协议待签署',
  follow_up: '协议已生效，待回访',
  closed: '已结案',
};
const OUTCOME_NOTES: Record<string, string> = {
  resolved: '调解成功',
  failed: '调解不成，已告知其他途径',
  withdrawn: '当事人撤回',
  merged: '已合并',
};

/** The public answer's fields, and nothing else (additionalProperties: false drops any other). */
export const PublicRequestSchema = Type.Object(
  {
    service_request_id: Type.String(),
    status: stringEnum(['open', 'closed'] as const),
    status_notes: Type.String({ description: 'The stage in Chinese (待受理, 调解中, 已结案：调解成功, …)' }),
    service_name: Type.String(),
    service_code: Type.String(),
    agency_responsible: Type.String({ description: 'The mediation committee handling the case' }),
    service_notice: Type.String({ description: 'The case number (受理号)' }),
    requested_datetime: Type.String(),
    updated_datetime: Type.String(),
    expected_datetime: Type.Optional(Type.String({ description: 'The next deadline of the case, where one runs' })),
  },
  { additionalProperties: false },
);

/** A request as GET answers it: the public fields, and with a key, for the integrator's own cases, two more. */
export const ServiceRequestSchema = Type.Object({
  ...PublicRequestSchema.properties,
  description: Type.Optional(Type.String({ description: 'With a key only: the description, numbers masked' })),
  address_id: Type.Optional(Type.String({ description: 'With a key only: the grid or community code' })),
});

/** What anyone may read of a case: status, dates, the committee, the case number. */
export function publicRequest(view: DisputeView, updatedAt: string) {
  const code = view.category;
  const expected = view.stage === 'closed' ? undefined : nextDeadline(view);
  return {
    service_request_id: view.disputeId,
    status: view.stage === 'closed' ? ('closed' as const) : ('open' as const),
    status_notes:
      view.stage === 'closed' && view.outcome
        ? `${STAGE_NOTES.closed}：${OUTCOME_NOTES[view.outcome]}`
        : STAGE_NOTES[view.stage]!,
    service_name: SERVICE_NAMES[code].name,
    service_code: code,
    agency_responsible: view.unit?.committeeName ?? '',
    service_notice: view.caseNumber ?? '',
    requested_datetime: view.receivedAt,
    updated_datetime: updatedAt,
    ...(expected ? { expected_datetime: expected } : {}),
  };
}

/** The integrator's view of its own case: the public one, its description (numbers masked) and where it arose. */
export function integratorRequest(view: DisputeView, updatedAt: string) {
  return {
    ...publicRequest(view, updatedAt),
    description: view.description,
    address_id: view.originCode,
  };
}

/** Keyless readers see every case this way (cases are public as status only: the spec makes GETs public). */
export async function publicCasesWhere(
  em: EntityManager,
  where: string[],
  params: unknown[],
  limit = 1000,
): Promise<Array<{ state: DisputeView; updated_at: Date }>> {
  return em.execute(
    `select state, updated_at from disputes where ${where.length ? where.join(' and ') : 'true'} order by created_at desc limit ?`,
    [...params, limit],
  );
}
