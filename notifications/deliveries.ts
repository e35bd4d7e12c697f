/**
 * The delivery log (notice_deliveries): one row per notice key, written before anything is sent
 * (queued, or skipped with its reason), then each attempt. The unique key is what makes a notice go
 * out at most once: a second enqueue of the same key inserts nothing, and an attempt on a row that
 * is already sent sends nothing.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NoticeDelivery } from '../db/entities';
import type { DeliveryStatus } from '../db/entities/notice-delivery.entity';
import { maskPhone } from '../security/pii';

export type DeliveryChannel = 'sms' | 'email';

export interface NewDelivery {
  key: string;
  disputeId?: string;
  kind: string;
  channel: DeliveryChannel;
  recipient: string;
  subject?: string;
  text: string;
  urgent: boolean;
  notBefore?: Date;
  status: Extract<DeliveryStatus, 'queued' | 'skipped'>;
  reason?: string;
}

/** `138****5678`, `c***@example.org`. */
export function maskRecipient(channel: string, recipient: string): string {
  if (!recipient) return '—';
  if (channel === 'email') {
    const [local = '', domain = ''] = recipient.split('@');
    return `${[...local][0] ?? ''}***@${domain}`;
  }
  return maskPhone(recipient);
}

/** Adds the row unless its key is there already; the id of a row inserted now and queued, else undefined. */
export async function enqueueDelivery(em: EntityManager, d: NewDelivery): Promise<string | undefined> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into notice_deliveries (id, key, dispute_id, kind, channel, recipient, recipient_masked, subject, text, urgent, not_before, status, reason)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (key) do nothing returning id`,
    [
      randomUUID(),
      d.key,
      d.disputeId ?? null,
      d.kind,
      d.channel,
      d.recipient,
      maskRecipient(d.channel, d.recipient),
      d.subject ?? null,
      d.text,
      d.urgent,
      d.notBefore ?? null,
      d.status,
      d.reason ?? null,
    ],
  );
  return rows[0] && d.status === 'queued' ? rows[0].id : undefined;
}

/** Queued rows of these keys (an enqueue whose workflow start failed before: started again). */
export async function queuedIds(
  em: EntityManager,
  keys: string[],
): Promise<Array<{ id: string; notBefore: Date | null }>> {
  if (keys.length === 0) return [];
  const rows = await em.execute<{ id: string; not_before: Date | null }[]>(
    `select id, not_before from notice_deliveries where key in (${keys.map(() => '?').join(', ')}) and status = 'queued'`,
    keys,
  );
  return rows.map((r) => ({ id: r.id, notBefore: r.not_before ? new Date(r.not_before) : null }));
}

export async function findDelivery(em: EntityManager, id: string): Promise<NoticeDelivery | null> {
  return em.findOne(NoticeDelivery, { id });
}

export async function recordAttempt(
  em: EntityManager,
  id: string,
  result: { ok: true; providerMessageId?: string } | { ok: false; error: string },
): Promise<void> {
  await em.execute(
    result.ok
      ? `update notice_deliveries set attempts = attempts + 1, status = 'sent', provider_message_id = ?, last_error = null, sent_at = now(), updated_at = now() where id = ?`
      : `update notice_deliveries set attempts = attempts + 1, last_error = ?, updated_at = now() where id = ?`,
    [result.ok ? (result.providerMessageId ?? null) : result.error.slice(0, 500), id],
  );
}

/** Every attempt failed: the row says so (never over a sent one). */
export async function markFailed(em: EntityManager, id: string, error: string): Promise<void> {
  await em.execute(
    `update notice_deliveries set status = 'failed', reason = 'attempts_exhausted', last_error = ?, updated_at = now() where id = ? and status <> 'sent'`,
    [error.slice(0, 500), id],
  );
}

export interface DeliveryView {
  key: string;
  kind: string;
  channel: string;
  recipient: string;
  status: string;
  reason?: string;
  attempts: number;
  providerMessageId?: string;
  lastError?: string;
  createdAt: string;
  notBefore?: string;
  sentAt?: string;
}

/** A case's deliveries for staff, newest first, recipients masked, no text (it may hold a link token). */
export async function caseDeliveries(em: EntityManager, disputeId: string, limit = 200): Promise<DeliveryView[]> {
  const rows = await em.find(NoticeDelivery, { disputeId }, { orderBy: { createdAt: 'desc', key: 'asc' }, limit });
  const iso = (d?: Date | null) => (d ? new Date(d).toISOString() : undefined);
  return rows.map((r) => ({
    key: r.key,
    kind: r.kind,
    channel: r.channel,
    recipient: r.recipientMasked,
    status: r.status,
    reason: r.reason ?? undefined,
    attempts: r.attempts,
    providerMessageId: r.providerMessageId ?? undefined,
    lastError: r.lastError ?? undefined,
    createdAt: iso(r.createdAt)!,
    notBefore: iso(r.notBefore),
    sentAt: iso(r.sentAt),
  }));
}
