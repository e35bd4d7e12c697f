import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/** A staff bearer token, stored as its SHA-256 only. */
@Entity({ tableName: 'sessions' })
export class Session {
  @PrimaryKey({ type: 'string', length: 64 })
  tokenHash!: string;

  @Index()
  @Property({ type: 'string', length: 64 })
  userId!: string;

  /** Indexed for the purge of ended sessions (Migration202612062601, built CONCURRENTLY). */
  @Index()
  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date;

  /** The last request made with it (written at most every few seconds): the idle timeout counts from here. */
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  lastSeenAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
