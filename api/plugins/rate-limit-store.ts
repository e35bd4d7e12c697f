/**
 * A store for @fastify/rate-limit whose counters live in PostgreSQL (the `rate_limits` table), so that
 * every API process counts the same requests: rate-limiter-flexible's RateLimiterPostgres on the ORM's
 * connection pool, behind the store contract @fastify/rate-limit asks for (`incr`, `read`, `child`).
 * A counter is a fixed window per key: the first hit opens it for `timeWindow`, later hits add one, the
 * next hit after its end opens a new one (one upsert statement, atomic under concurrency).
 *
 * While PostgreSQL cannot be reached, rate-limiter-flexible falls back to its insurance limiter, an
 * in-process counter (each process then counts on its own until the database is back), so a database
 * outage neither stops nor unlimits the API.
 */
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { MikroORM } from '@mikro-orm/postgresql';
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';

export const RATE_LIMIT_TABLE = 'rate_limits';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

const counted = (res: RateLimiterRes | null) =>
  res ? { current: res.consumedPoints, ttl: Math.max(0, res.msBeforeNext) } : { current: 0, ttl: 0 };

/**
 * The store class for @fastify/rate-limit's `store` option. `namespace` prefixes every key: API
 * processes of one installation share it (the default), tests give each system its own.
 */
export function postgresRateLimitStore(orm: MikroORM, namespace: string): FastifyRateLimitStoreCtor {
  const insuranceLimiter = new RateLimiterMemory({ keyPrefix: namespace, points: 1, duration: 60 });
  const limiter = new RateLimiterPostgres({
    storeClient: orm.em.getConnection().getKnex(),
    storeType: 'knex',
    tableName: RATE_LIMIT_TABLE,
    // The migration creates the table; expired rows are dropped by the API's housekeeping.
    tableCreated: true,
    clearExpiredByTimeout: false,
    keyPrefix: namespace,
    // @fastify/rate-limit compares the count with each limit's own maximum: here a hit only counts.
    points: 1,
    duration: 60,
    insuranceLimiter,
  });

  return class PostgresRateLimitStore implements FastifyRateLimitStore {
    constructor(_options?: FastifyRateLimitOptions) {}

    incr(key: string, callback: Callback, timeWindow: number): void {
      limiter.penalty(key, 1, { customDuration: timeWindow / 1000 }).then(
        (res) => callback(null, counted(res)),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    }

    read(key: string, callback: Callback): void {
      limiter.get(key).then(
        (res) => callback(null, counted(res)),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    }

    /** Route limits share the table: their keys differ (the key generators name the limit). */
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

/** Housekeeping: counters whose window ended more than `olderThanMs` ago. */
export async function purgeRateLimits(orm: MikroORM, olderThanMs = 3600_000): Promise<number> {
  const res = await orm.em
    .fork()
    .getConnection()
    .execute(`delete from ${RATE_LIMIT_TABLE} where expire < ?`, [Date.now() - olderThanMs], 'run');
  return (res as { affectedRows?: number }).affectedRows ?? 0;
}
