import type { EntityManager } from '@mikro-orm/postgresql';
import { IdempotencyKey } from '../db/entities';
import { sha256Hex } from '../security/credentials';
import { AppError } from './errors';

/** A request counts as abandoned (its process died) when it is in flight for longer than this. */
const IN_FLIGHT_TAKEOVER_MS = 30_000;

export type Claim =
  | { kind: 'new'; disputeId: string }
  | { kind: 'replay'; status: number; body: unknown };

/** Canonical JSON: keys sorted, so the same body in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Claims (principal, key) for a request. The first request proceeds with `proposedId`; a repeat with
 * the same body gets the stored answer, or 409 while the first is still running; another body 422.
 * A claim left in flight by a crashed process is taken over, keeping its dispute id, so the retry
 * reaches the same workflow.
 */
export async function claimKey(
  em: EntityManager,
  req: { principal: string; key: string; body: unknown; proposedId: string },
): Promise<Claim> {
  const requestHash = sha256Hex(canonicalJson(req.body));
  const inserted = await em.execute<{ dispute_id: string }[]>(
    `insert into idempotency_keys (principal, key, request_hash, dispute_id) values (?, ?, ?, ?)
     on conflict do nothing returning dispute_id`,
    [req.principal, req.key, requestHash, req.proposedId],
  );
  if (inserted[0]) return { kind: 'new', disputeId: req.proposedId };

  const row = await em.fork().findOneOrFail(IdempotencyKey, { principal: req.principal, key: req.key });
  if (row.requestHash !== requestHash) throw new AppError('idempotency_key_reused');
  if (row.responseStatus) return { kind: 'replay', status: row.responseStatus, body: row.responseBody };
  if (Date.now() - row.createdAt.getTime() < IN_FLIGHT_TAKEOVER_MS) throw new AppError('request_in_flight');
  return { kind: 'new', disputeId: row.disputeId };
}

export async function completeKey(
  em: EntityManager,
  req: { principal: string; key: string; status: number; body: unknown },
): Promise<void> {
  await em.execute('update idempotency_keys set response_status = ?, response_body = ? where principal = ? and key = ?', [
      req.status,
      JSON.stringify(req.body),
      req.principal,
      req.key,
    ]);
}

/**
 * A first attempt that failed leaves its claim (and dispute id) for an immediate retry: the workflow
 * may have started before the failure, so a retry must reach the same id, never a new case.
 */
export async function abandonKey(em: EntityManager, req: { principal: string; key: string }): Promise<void> {
  await em.execute(`update idempotency_keys set created_at = 'epoch' where principal = ? and key = ? and response_status is null`, [
      req.principal,
      req.key,
    ]);
}
