import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { WebhookDelivery, WebhookSubscription } from '../db/entities';
import type { DisputeEvent, DisputeView } from '../domain/types';
import { refusedTarget, signedPost } from './signed-post';

export const WEBHOOK_REFUSED = 'WebhookRefused';
/** The event type of a test delivery (POST /api/v1/webhooks/{id}/test): no case, nothing to act on. */
export const PING_EVENT = 'ping';

/**
 * The outbox, as a CTE of the projection's statement (so it commits with the events): one delivery
 * row per matching subscription of the integrator that created the case and per event (unique per
 * subscription and event, so a retry adds nothing), and a select of the events' deliveries still
 * pending (those inserted now, and those an earlier attempt inserted but did not start), in event
 * order. The payload names the event and the case, not its personal data: the integrator reads the
 * case through the API. Undefined for cases not created by an integrator. The events are one step's,
 * so their seqs are consecutive.
 */
export function deliveriesSql(
  events: DisputeEvent[],
  view: DisputeView,
): { sql: string; select: string; params: unknown[] } | undefined {
  if (view.reportedBy.type !== 'integrator' || events.length === 0) return undefined;
  const dispute = {
    id: view.disputeId,
    caseNumber: view.caseNumber,
    stage: view.stage,
    outcome: view.outcome,
    unitCode: view.unit?.code,
    level: view.level,
  };
  const rows = events.map((event) => [
    event.seq,
    event.type,
    JSON.stringify({ type: event.type, seq: event.seq, at: event.at, dispute }),
  ]);
  return {
    sql: `enqueued as (
       insert into webhook_deliveries (id, subscription_id, dispute_id, event_seq, event_type, payload)
       select gen_random_uuid()::text, s.id, ?, e.seq, e.type, e.payload
       from webhook_subscriptions s cross join (values ${rows.map(() => '(?::int, ?::text, ?::jsonb)').join(', ')}) as e (seq, type, payload)
       where s.owner_id = ? and s.active and (s.events @> jsonb_build_array(e.type) or s.events @> '["*"]'::jsonb)
       on conflict (subscription_id, dispute_id, event_seq) do nothing
       returning id, event_seq
     )`,
    select: `select id from (
       select id, event_seq from enqueued
       union select id, event_seq from webhook_deliveries where dispute_id = ? and event_seq between ? and ? and status = 'pending'
     ) pending order by event_seq, id`,
    params: [
      view.disputeId,
      ...rows.flat(),
      view.reportedBy.id,
      view.disputeId,
      events[0]!.seq,
      events[events.length - 1]!.seq,
    ],
  };
}

/**
 * One attempt at a delivery, logged. A 2xx marks it delivered; anything else fails the activity so
 * Temporal retries it with backoff; a target that became private (DNS) is refused for good.
 */
export async function deliverWebhook(em: EntityManager, allowPrivate: boolean, deliveryId: string): Promise<void> {
  const delivery = await em.findOne(WebhookDelivery, { id: deliveryId });
  if (!delivery || delivery.status === 'delivered') return;
  const subscription = await em.findOne(WebhookSubscription, { id: delivery.subscriptionId });
  if (!subscription?.active) throw ApplicationFailure.nonRetryable('subscription removed', WEBHOOK_REFUSED);
  const refused = await refusedTarget(subscription.url, allowPrivate);
  if (refused) throw ApplicationFailure.nonRetryable(`target refused: ${refused}`, WEBHOOK_REFUSED);
  const body = JSON.stringify({ deliveryId, ...delivery.payload });
  let status: number | undefined;
  let error: string | undefined;
  try {
    status = await signedPost(
      subscription.url,
      subscription.secret,
      body,
      { 'x-fengqiao-delivery': deliveryId, 'x-fengqiao-event': delivery.eventType },
      { allowPrivate },
    );
  } catch (err) {
    error = (err as Error).message.slice(0, 500);
  }
  const ok = status !== undefined && status >= 200 && status < 300;
  await em.execute(
    `update webhook_deliveries set attempts = attempts + 1, last_status_code = ?, last_error = ?, status = ?, delivered_at = ? where id = ?`,
    [
      status ?? null,
      ok ? null : (error ?? `HTTP ${status}`),
      ok ? 'delivered' : 'pending',
      ok ? new Date() : null,
      deliveryId,
    ],
  );
  if (!ok) throw new Error(`delivery ${deliveryId}: ${error ?? `HTTP ${status}`}`);
}

export async function markDeliveryFailed(em: EntityManager, req: { deliveryId: string; error: string }): Promise<void> {
  await em.execute(
    `update webhook_deliveries set status = 'failed', last_error = ? where id = ? and status <> 'delivered'`,
    [req.error.slice(0, 500), req.deliveryId],
  );
}
