import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/**
 * What was done with personal data on purpose, kept for good (ops/retention.ts, ops/personal-data-export.ts;
 * docs/retention.md): a closed case's file reduced after its archival period (`reduction`), one person's data
 * exported for an access request under 个人信息保护法 Art. 45 (`export`). Never the data itself: the subject
 * of an export is recorded masked.
 */
@Entity({ tableName: 'data_protection_log' })
@Index({ properties: ['kind', 'at'] })
export class DataProtectionLog {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** reduction | export */
  @Property({ type: 'string', length: 16 })
  kind!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  at: Date & Opt = new Date();

  /** Who: `staff:<username>`, `cli:<os user>`, `retention` (the hourly housekeeping). */
  @Property({ type: 'string', length: 128 })
  actor!: string;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  disputeId?: string | null;

  /** An export's query, masked (138****1234, 430***********1234, 陈**). */
  @Property({ type: 'string', length: 200, nullable: true })
  subject?: string | null;

  /** Counts and dates: what was reduced or found, never a value. */
  @Property({ type: 'json' })
  details: Record<string, unknown> & Opt = {};
}
