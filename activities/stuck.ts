/**
 * A stuck case: one whose step has used up its retries or whose data the database refuses. The
 * workflow records it here (what the API's /metrics and GET /admin/stuck-cases read) and raises a
 * `case_stuck` alert; it clears the row when its step goes through again.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export interface StuckReport {
  disputeId: string;
  caseNumber?: string;
  unitCode?: string;
  activity: string;
  failure: string;
  retryState: string;
  since: string;
}

export async function markStuck(em: EntityManager, r: StuckReport): Promise<void> {
  await em.execute(
    `insert into stuck_cases (dispute_id, case_number, unit_code, activity, failure, retry_state, since, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, now())
     on conflict (dispute_id) do update set activity = excluded.activity, failure = excluded.failure,
       retry_state = excluded.retry_state, updated_at = now()`,
    [r.disputeId, r.caseNumber ?? null, r.unitCode ?? null, r.activity, r.failure.slice(0, 200), r.retryState, r.since],
  );
}

export async function clearStuck(em: EntityManager, disputeId: string): Promise<void> {
  await em.execute('delete from stuck_cases where dispute_id = ?', [disputeId]);
}
