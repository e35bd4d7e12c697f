/**
 * A test delivery (`POST /api/v1/webhooks/{id}/test`): a signed `ping` sent now to the subscription's
 * URL through the path of every delivery (activities/webhooks.ts `deliverWebhook`: the same body
 * shape, headers, signature and SSRF guard), answered with its result and kept in the delivery log.
 * It is tried once, not retried: an attempt that fails is logged as failed at once.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WebhookDelivery, type WebhookSubscription } from '../db/entities';
import { deliverWebhook, markDeliveryFailed, PING_EVENT } from '../activities/webhooks';

export interface TestDeliveryResult {
  deliveryId: string;
  /** `delivered` (the receiver answered 2xx) or `failed`. */
  status: 'delivered' | 'failed';
  /** The receiver's HTTP status, when it answered. */
  statusCode?: number;
  /** Milliseconds from sending to the receiver's answer (or the failure). */
  durationMs: number;
  error?: string;
  /** Why the target was refused (loopback, private, … address): nothing was sent. */
  refused?: string;
}

/**
 * The ping's row: no case (`disputeId` empty), and a negative `eventSeq` below the subscription's
 * earlier pings (-1, -2, …), so that the unique (subscription, case, event) key of the log holds.
 */
async function enqueuePing(em: EntityManager, subscription: WebhookSubscription): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const id = randomUUID();
    const at = new Date().toISOString();
    const payload = { type: PING_EVENT, seq: 0, at, subscriptionId: subscription.id, test: true };
    const inserted = await em.execute<Array<{ id: string }>>(
      `insert into webhook_deliveries (id, subscription_id, dispute_id, event_seq, event_type, payload)
       select ?, ?, '', least(coalesce(min(event_seq), 0), 0) - 1, ?, ?::jsonb from webhook_deliveries where subscription_id = ? and dispute_id = ''
       on conflict (subscription_id, dispute_id, event_seq) do nothing
       returning id`,
      [id, subscription.id, PING_EVENT, JSON.stringify(payload), subscription.id],
    );
    if (inserted.length > 0) return id;
    if (attempt >= 5) throw new Error('could not log the test delivery');
  }
}

export async function sendTestDelivery(
  em: EntityManager,
  subscription: WebhookSubscription,
  allowPrivate: boolean,
): Promise<TestDeliveryResult> {
  const deliveryId = await enqueuePing(em, subscription);
  const started = performance.now();
  let failure: { message: string; type?: string } | undefined;
  try {
    await deliverWebhook(em, allowPrivate, deliveryId);
  } catch (err) {
    failure = { message: (err as Error).message, type: (err as { type?: string }).type };
  }
  const durationMs = Math.round(performance.now() - started);
  const attempted = await em.fork().findOneOrFail(WebhookDelivery, { id: deliveryId });
  // Not retried: a failed attempt (its error as the attempt logged it) or a refusal before any attempt is final.
  if (failure) await markDeliveryFailed(em, { deliveryId, error: attempted.lastError ?? failure.message });
  const row = await em.fork().findOneOrFail(WebhookDelivery, { id: deliveryId });
  const refused = /^target refused: (.*)$/s.exec(failure?.message ?? '')?.[1];
  return {
    deliveryId,
    status: row.status === 'delivered' ? 'delivered' : 'failed',
    ...(row.lastStatusCode != null ? { statusCode: row.lastStatusCode } : {}),
    durationMs,
    ...(row.status !== 'delivered' ? { error: row.lastError ?? failure?.message } : {}),
    ...(refused ? { refused } : {}),
  };
}
