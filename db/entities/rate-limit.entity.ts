import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One rate-limit counter (a key's requests in its current window), shared by every API process. The
 * layout is rate-limiter-flexible's RateLimiterPostgres, which reads and writes it
 * (api/plugins/rate-limit-store.ts); `expire` is the window's end in Unix milliseconds.
 */
@Entity({ tableName: 'rate_limits' })
export class RateLimit {
  @PrimaryKey({ type: 'string', length: 255 })
  key!: string;

  @Property({ type: 'integer', default: 0 })
  points: number = 0;

  @Index()
  @Property({ type: 'bigint', nullable: true })
  expire?: string | null;
}
