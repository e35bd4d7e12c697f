import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Actor } from '../../domain/types';

/** The append-only history of a case: one row per (dispute, sequence number). */
@Entity({ tableName: 'dispute_events' })
@Unique({ properties: ['disputeId', 'seq'] })
// The Safety Index counts reopenings per period: a small partial index instead of scanning the history.
@Index({
  name: 'dispute_events_reopened_at_index',
  expression: `create index "dispute_events_reopened_at_index" on "dispute_events" ("at") where "type" = 'reopened'`,
})
export class DisputeEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'string', length: 64 })
  disputeId!: string;

  @Property({ type: 'integer' })
  seq!: number;

  @Property({ type: 'string', length: 64 })
  type!: string;

  @Property({ type: 'datetime' })
  at!: Date;

  @Property({ type: 'json' })
  actor!: Actor;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;
}
