import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A POST's Idempotency-Key per caller: the request's hash and, once done, the answer to replay. */
@Entity({ tableName: 'idempotency_keys' })
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

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
