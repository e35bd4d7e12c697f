import type { EntityManager } from '@mikro-orm/postgresql';
import { nextDeadline } from '../domain/sla';
import type { DisputeEvent, DisputeView } from '../domain/types';
import { deliveriesSql } from './webhooks';

const searchText = (view: DisputeView): string =>
  [view.caseNumber, view.title, view.description, ...view.parties.map((p) => p.name)].filter(Boolean).join('\n');

/**
 * Appends the event, projects the case and enqueues its webhook deliveries, in one statement (one
 * round trip, atomic: data-modifying CTEs run once, all or nothing) and returns the ids of the event's
 * deliveries still pending, to be started.
 * Idempotent: the event is keyed by (dispute, seq), the read model only moves forward (a replayed or
 * late projection with an older seq changes nothing), deliveries are unique per subscription and event.
 */
export async function recordEvent(em: EntityManager, { event, view }: { event: DisputeEvent; view: DisputeView }): Promise<string[]> {
  const deliveries = deliveriesSql(event, view);
  // em.execute: inside recordEvents' transaction when there is one.
  const rows = await em.execute<{ id: string }[]>(
    `with appended as (
       insert into dispute_events (dispute_id, seq, type, at, actor, payload) values (?, ?, ?, ?, ?, ?)
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
      event.disputeId,
      event.seq,
      event.type,
      event.at,
      JSON.stringify(event.actor),
      JSON.stringify(event.payload),
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
      event.at,
      ...(deliveries?.params ?? []),
    ],
  );
  return rows.map((r) => r.id);
}

/**
 * The events of one step (an action, or a deadline's consequences) and the case after them, in one
 * transaction: one activity per step instead of one per event. Idempotent like recordEvent.
 */
export async function recordEvents(em: EntityManager, { events, view }: { events: DisputeEvent[]; view: DisputeView }): Promise<string[]> {
  return em.transactional(async (tx) => {
    const ids: string[] = [];
    for (const event of events) ids.push(...(await recordEvent(tx, { event, view })));
    return ids;
  });
}
