/**
 * The reconciler's repairs that write the read model from Temporal, the source of truth for a case:
 * the row re-projected from the workflow's state, and the audit events taken back from the history
 * (every step's events are the input of its `recordEvents` activity, kept in the history).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { disputeRowParams } from '../activities/projection';
import type { DisputeEvent, DisputeView } from '../domain/types';
import { workflowIdFor } from '../workflows/dispute.messages';

/**
 * Writes the case's row from the workflow's state, whatever the row holds (recordEvents only moves a
 * row forward by seq; a row edited or restored at the same seq would stay wrong). Webhooks are not
 * sent again: the row is what the API reads, the events are the record. A row reduced after its
 * archival period (ops/retention.ts) is left as it is.
 */
export async function reprojectCase(em: EntityManager, view: DisputeView): Promise<void> {
  await em.execute(
    `insert into disputes (id, case_number, stage, outcome, level, unit_code, unit_path, origin_path, category, priority,
                           title, created_by_type, created_by_id, next_deadline_at, overdue, search_text, seq, state,
                           closed_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, (select path from units where code = ?), coalesce((select path from units where code = ?), '/'),
             ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
     on conflict (id) do update set
       case_number = excluded.case_number, stage = excluded.stage, outcome = excluded.outcome, level = excluded.level,
       unit_code = excluded.unit_code, unit_path = excluded.unit_path, next_deadline_at = excluded.next_deadline_at,
       overdue = excluded.overdue, search_text = excluded.search_text, closed_at = excluded.closed_at,
       seq = excluded.seq, state = excluded.state, updated_at = excluded.updated_at
     where (to_jsonb(disputes) ->> 'reduced_at') is null`,
    disputeRowParams(view),
  );
}

/** The activities whose input carries a step's events: `recordEvents` ({ events, view }) and, on older histories, `recordEvent` ({ event, view }). */
const RECORDING = new Set(['recordEvents', 'recordEvent']);

/**
 * Puts back the case's events after `afterSeq` from its workflow history (decoded with the client's
 * payload codec: PAYLOAD_KEYS must hold the keys they were written with). Idempotent: an event already
 * there is kept. Returns how many were written.
 */
export async function restoreEvents(
  client: Client,
  em: EntityManager,
  disputeId: string,
  afterSeq: number,
): Promise<number> {
  const history = await client.workflow.getHandle(workflowIdFor(disputeId)).fetchHistory();
  const converter = client.workflow.options.loadedDataConverter;
  const events: DisputeEvent[] = [];
  for (const e of history.events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (!scheduled || !RECORDING.has(scheduled.activityType?.name ?? '')) continue;
    const [input] = (await decodeArrayFromPayloads(converter, scheduled.input?.payloads)) as Array<{
      events?: DisputeEvent[];
      event?: DisputeEvent;
    }>;
    for (const event of input?.events ?? (input?.event ? [input.event] : []))
      if (event.seq > afterSeq) events.push(event);
  }
  if (events.length === 0) return 0;
  const rows = await em.execute<{ seq: number }[]>(
    `insert into dispute_events (dispute_id, seq, type, at, actor, payload)
     values ${events.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
     on conflict (dispute_id, seq) do nothing returning seq`,
    events.flatMap((ev) => [
      ev.disputeId,
      ev.seq,
      ev.type,
      ev.at,
      JSON.stringify(ev.actor),
      JSON.stringify(ev.payload),
    ]),
  );
  return rows.length;
}
