import type { EntityManager } from '@mikro-orm/postgresql';
import type { AlertKind } from '../db/entities/alert.entity';

export interface RaiseAlertRequest {
  disputeId: string;
  caseNumber?: string;
  kind: AlertKind;
  stageEntry: number;
  unitCode: string;
  message: string;
  at: string;
}

/** One alert per (case, kind, stage entry), addressed to the supervisors of the unit. Idempotent. */
export async function raiseAlert(em: EntityManager, req: RaiseAlertRequest): Promise<void> {
  await em.execute(
    `insert into alerts (dispute_id, kind, stage_entry, unit_code, unit_path, case_number, message, raised_at)
     select ?, ?, ?, u.code, u.path, ?, ?, ? from units u where u.code = ?
     on conflict (dispute_id, kind, stage_entry) do nothing`,
    [req.disputeId, req.kind, req.stageEntry, req.caseNumber ?? null, req.message, req.at, req.unitCode],
  );
}
