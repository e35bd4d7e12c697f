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

/** The PostgreSQL channel on which every newly raised alert is announced (see api/plugins/alert-stream.ts). */
export const ALERTS_CHANNEL = 'fengqiao_alerts';

/**
 * What is announced on {@link ALERTS_CHANNEL} for each new alert (JSON). `raisedAt` is ISO 8601 UTC.
 * NOTIFY payloads are limited to 8000 bytes: the message column (500 characters) keeps it well under.
 */
export interface AlertNotification {
  id: string;
  disputeId: string;
  caseNumber: string | null;
  kind: AlertKind;
  unitCode: string;
  unitPath: string;
  message: string;
  raisedAt: string;
}

/**
 * One alert per (case, kind, stage entry), addressed to the supervisors of the unit. Idempotent.
 *
 * The insert and the NOTIFY are one statement: the notification is sent for the row the insert
 * returns, so only when a row was actually inserted (a retried activity, or a replayed one, finds
 * the row there and notifies nobody), and PostgreSQL delivers it only when the surrounding
 * transaction commits (nothing is announced for a rolled-back insert).
 */
export async function raiseAlert(em: EntityManager, req: RaiseAlertRequest): Promise<void> {
  await em.execute(
    `with inserted as (
       insert into alerts (dispute_id, kind, stage_entry, unit_code, unit_path, case_number, message, raised_at)
       select ?, ?, ?, u.code, u.path, ?, ?, ? from units u where u.code = ?
       on conflict (dispute_id, kind, stage_entry) do nothing
       returning id, dispute_id, case_number, kind, unit_code, unit_path, message, raised_at
     )
     select pg_notify('${ALERTS_CHANNEL}', json_build_object(
       'id', id::text,
       'disputeId', dispute_id,
       'caseNumber', case_number,
       'kind', kind,
       'unitCode', unit_code,
       'unitPath', unit_path,
       'message', message,
       'raisedAt', to_char(raised_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
     )::text) from inserted`,
    [req.disputeId, req.kind, req.stageEntry, req.caseNumber ?? null, req.message, req.at, req.unitCode],
  );
}
