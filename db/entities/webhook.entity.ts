import { Entity, Index, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';

/** An integrator's subscription: case events of the cases it created, POSTed signed to its URL. */
@Entity({ tableName: 'webhook_subscriptions' })
export class WebhookSubscription {
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  /** The API key (integrator) that owns it. */
  @Index()
  @Property({ type: 'string', length: 64 })
  ownerId!: string;

  @Property({ type: 'string', length: 500 })
  url!: string;

  /** The HMAC-SHA256 signing secret, shown once to the integrator. */
  @Property({ type: 'string', length: 100, hidden: true })
  secret!: string;

  /** Event types to deliver (`received`, `accepted`, …), or `*` for all. */
  @Property({ type: 'json' })
  events!: string[];

  @Property({ type: 'boolean', default: true })
  active: boolean & Opt = true;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}

/** One delivery of one case event to one subscription, with its log. */
@Entity({ tableName: 'webhook_deliveries' })
// Failures by status (metrics) and the purge of old deliveries: Migration202612062601, built CONCURRENTLY.
@Index({ properties: ['status', 'createdAt'] })
@Unique({ properties: ['subscriptionId', 'disputeId', 'eventSeq'] })
export class WebhookDelivery {
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  @Index()
  @Property({ type: 'string', length: 64 })
  subscriptionId!: string;

  @Property({ type: 'string', length: 64 })
  disputeId!: string;

  @Property({ type: 'integer' })
  eventSeq!: number;

  @Property({ type: 'string', length: 64 })
  eventType!: string;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  /** pending, delivered or failed */
  @Property({ type: 'string', length: 16, default: 'pending' })
  status: string & Opt = 'pending';

  @Property({ type: 'integer', default: 0 })
  attempts: number & Opt = 0;

  @Property({ type: 'integer', nullable: true })
  lastStatusCode?: number;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError?: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  deliveredAt?: Date;
}
