import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

export const DELIVERY_STATUSES = ['queued', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One notice to one person on one channel (notifications/), and its delivery log: at most one per
 * notice key (unique), whatever retries or replays happen.
 */
@Entity({ tableName: 'notice_deliveries' })
// Failures by status (metrics) and the purge of old deliveries: Migration202612062601, built CONCURRENTLY.
@Index({ properties: ['status', 'createdAt'] })
export class NoticeDelivery {
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  @Property({ type: 'string', length: 240, unique: true })
  key!: string;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  disputeId?: string | null;

  @Property({ type: 'string', length: 48 })
  kind!: string;

  /** sms, email, webhook, log */
  @Property({ type: 'string', length: 16 })
  channel!: string;

  /** The phone or address as entered (needed to send after quiet hours); never shown: see recipientMasked. */
  @Property({ type: 'string', length: 254, hidden: true })
  recipient!: string;

  @Property({ type: 'string', length: 254 })
  recipientMasked!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  subject?: string | null;

  @Property({ type: 'text', hidden: true })
  text!: string;

  @Property({ type: 'boolean', default: false })
  urgent: boolean = false;

  /** Not sent before (the end of quiet hours). */
  @Property({ type: 'datetime', nullable: true })
  notBefore?: Date | null;

  @Property({ type: 'string', length: 16 })
  status!: DeliveryStatus;

  /** Why skipped (no_consent, no_address, channel_not_allowed) or failed. */
  @Property({ type: 'string', length: 64, nullable: true })
  reason?: string | null;

  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Property({ type: 'string', length: 128, nullable: true })
  providerMessageId?: string | null;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  sentAt?: Date | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
