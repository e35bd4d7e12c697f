import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/** A POST's Idempotency-Key per caller: the request's hash and, once done, the answer to replay (kept 24 h). */
@Entity({ tableName: 'idempotency_keys' })
@Index({ properties: ['createdAt'] })
export class IdempotencyKey {
  @PrimaryKey({ type: 'string', length: 80 })
  principal!: string;

  @PrimaryKey({ type: 'string', length: 200 })
  key!: string;

  @Property({ type: 'string', length: 64 })
  requestHash!: string;

  /** The dispute this request creates or acts on. */
  @Property({ type: 'string', length: 64 })
  disputeId!: string;

  @Property({ type: 'integer', nullable: true })
  responseStatus?: number;

  @Property({ type: 'json', nullable: true })
  responseBody?: unknown;

  /** The first attempt failed before it could answer: a retry may take the claim over at once. */
  @Property({ type: 'boolean', default: false })
  retryable: boolean & Opt = false;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
