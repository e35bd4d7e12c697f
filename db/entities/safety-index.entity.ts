import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/** One region's Safety Index (平安指数) for one period: the figures, the score, its band and rank. */
@Entity({ tableName: 'safety_index_snapshots' })
@Index({ properties: ['periodKind', 'periodStart', 'level'] })
export class SafetyIndexSnapshot {
  @PrimaryKey({ type: 'string', length: 64 })
  unitCode!: string;

  /** day or month */
  @PrimaryKey({ type: 'string', length: 8 })
  periodKind!: string;

  /** The first day of the period, YYYY-MM-DD (China's calendar). */
  @PrimaryKey({ type: 'string', length: 10 })
  periodStart!: string;

  @Property({ type: 'string', length: 16 })
  level!: string;

  @Property({ type: 'json' })
  metrics!: Record<string, number | null>;

  /** Null when the region had no case in the period (暂无数据): not a score of 100. */
  @Property({ type: 'double', nullable: true })
  score?: number | null;

  @Property({ type: 'string', length: 8 })
  band!: string;

  /** Rank among the units with the same parent (1 = best); null without data (listed after the ranked). */
  @Property({ type: 'integer', nullable: true })
  rank?: number | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  computedAt: Date & Opt = new Date();
}
