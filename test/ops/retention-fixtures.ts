/** Shared by test/ops/retention.test.ts and personal-data.test.ts: people with numbers of their own, and time travel. */
import { randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TestSystem } from '../helpers/system';

/** A mobile no other test uses (139 + 8 random digits). */
export const uniquePhone = (): string => `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;

/** An 18-digit identity number, unique enough (region 430702, born 1980-01-01, random sequence). */
export const uniqueIdNumber = (): string => `43070219800101${String(randomInt(0, 10_000)).padStart(4, '0')}`;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function shiftIsoStrings(value: unknown, ms: number): unknown {
  if (typeof value === 'string') return ISO.test(value) ? new Date(Date.parse(value) - ms).toISOString() : value;
  if (Array.isArray(value)) return value.map((v) => shiftIsoStrings(v, ms));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftIsoStrings(v, ms)]));
  return value;
}

/**
 * Moves a case `ms` into the past, as if it had happened then: every instant of its read model (the state's
 * too), its events, its case file and agreements' dates stay consistent with one another.
 */
export async function moveCaseBack(em: EntityManager, disputeId: string, ms: number): Promise<void> {
  const [row] = await em.execute<Array<{ state: unknown }>>(`select state from disputes where id = ?`, [disputeId]);
  const secs = ms / 1000;
  await em.execute(
    `update disputes set state = ?::jsonb, created_at = created_at - make_interval(secs => ?),
            closed_at = closed_at - make_interval(secs => ?), updated_at = updated_at - make_interval(secs => ?)
      where id = ?`,
    [JSON.stringify(shiftIsoStrings(row!.state, ms)), secs, secs, secs, disputeId],
  );
  await em.execute(`update dispute_events set at = at - make_interval(secs => ?) where dispute_id = ?`, [
    secs,
    disputeId,
  ]);
  await em.execute(`update alerts set raised_at = raised_at - make_interval(secs => ?) where dispute_id = ?`, [
    secs,
    disputeId,
  ]);
}

export const YEAR_MS = 365.25 * 86_400_000;

/** A case with `parties` reported by the integrator, accepted and withdrawn by the community's mediator: closed. */
export async function closedCase(
  sys: TestSystem,
  body: Record<string, unknown>,
  mediator: Record<string, string>,
): Promise<{ id: string; caseNumber: string }> {
  const created = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/disputes',
    headers: { authorization: `Bearer ${sys.apiKey}` },
    payload: body,
  });
  if (created.statusCode !== 201) throw new Error(`create: ${created.statusCode} ${created.body}`);
  const c = created.json<{ id: string; caseNumber: string }>();
  const res = await sys.app.inject({
    method: 'POST',
    url: `/api/v1/disputes/${c.id}/signals/withdraw`,
    headers: mediator,
    payload: { reason: '申请人撤回' },
  });
  if (res.statusCode !== 200) throw new Error(`withdraw: ${res.statusCode} ${res.body}`);
  return c;
}
