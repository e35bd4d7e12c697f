import type { EntityManager } from '@mikro-orm/postgresql';
import { nextDeadline } from '../domain/sla';
import type { DisputeEvent, DisputeView } from '../domain/types';
import { deliveriesSql } from './webhooks';

const searchText = (view: DisputeView): string =>
  [view.caseNumber, view.title, view.description, ...view.parties.map((p) => p.name)].filter(Boolean).join('\n');

/**
 * The read-model row's values, in the column order of `insert into disputes (id, case_number, stage,
 * outcome, level, unit_code, <unit_path from unit_code>, <origin_path from origin_code>, category,
 * priority, title, created_by_type, created_by_id, next_deadline_at, overdue, search_text, seq, state,
 * closed_at, created_at, …)`: here and in the reconciler's re-projection (ops/reconcile-repair.ts).
 */
export const disputeRowParams = (view: DisputeView): unknown[] => [
  view.disputeId,
  view.caseNumber ?? null,
  view.stage,
  view.outcome ?? null,
  view.level ?? null,
  view.unit?.code ?? null,
  view.unit?.code ?? null,
  view.originCode,
  view.category,
  view.priority,
  view.title,
  view.reportedBy.type,
  view.reportedBy.id,
  nextDeadline(view) ?? null,
  view.overdue ?? false,
  searchText(view),
  view.seq,
  JSON.stringify(view),
  view.closedAt ?? null,
  view.receivedAt,
];

/**
 * Appends one step's events (an action's, or a deadline's consequences), projects the case after
 * them and enqueues their webhook deliveries, in one statement (one round trip, atomic: data-modifying
 * CTEs run once, all or nothing) and returns the ids of the deliveries still pending, to be started.
 * Idempotent: an event is keyed by (dispute, seq), the read model only moves forward (a replayed or
 * late projection with an older seq changes nothing), deliveries are unique per subscription and event.
 */
export async function recordEvents(
  em: EntityManager,
  { events, view }: { events: DisputeEvent[]; view: DisputeView },
): Promise<string[]> {
  if (events.length === 0) return [];
  const deliveries = deliveriesSql(events, view);
  const at = events[events.length - 1]!.at;
  const rows = await em.execute<{ id: string }[]>(
    `with appended as (
       insert into dispute_events (dispute_id, seq, type, at, actor, payload) values ${events.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
       on conflict (dispute_id, seq) do nothing
     ), projected as (
       insert into disputes (id, case_number, stage, outcome, level, unit_code, unit_path, origin_path, category, priority,
                             title, created_by_type, created_by_id, next_deadline_at, overdue, search_text, seq, state,
                             closed_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, (select path from units where code = ?), coalesce((select path from units where code = ?), '/'),
               ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (id) do update set
         case_number = excluded.case_number, stage = excluded.stage, outcome = excluded.outcome, level = excluded.level,
         unit_code = excluded.unit_code, unit_path = excluded.unit_path, next_deadline_at = excluded.next_deadline_at,
         overdue = excluded.overdue, search_text = excluded.search_text, closed_at = excluded.closed_at,
         seq = excluded.seq, state = excluded.state, updated_at = excluded.updated_at
       where disputes.seq < excluded.seq
     )${deliveries ? `, ${deliveries.sql}` : ''}
     ${deliveries ? deliveries.select : 'select null::text as id where false'}`,
    [
      ...events.flatMap((event) => [
        event.disputeId,
        event.seq,
        event.type,
        event.at,
        JSON.stringify(event.actor),
        JSON.stringify(event.payload),
      ]),
      ...disputeRowParams(view),
      at,
      ...(deliveries?.params ?? []),
    ],
  );
  return rows.map((r) => r.id);
}

/** One event and the case after it (cases recorded event by event, before `one-record-per-step`). */
export function recordEvent(
  em: EntityManager,
  { event, view }: { event: DisputeEvent; view: DisputeView },
): Promise<string[]> {
  return recordEvents(em, { events: [event], view });
}
