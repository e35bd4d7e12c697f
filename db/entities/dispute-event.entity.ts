import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Actor } from '../../domain/types';

/** The append-only history of a case: one row per (dispute, sequence number). */
@Entity({ tableName: 'dispute_events' })
@Unique({ properties: ['disputeId', 'seq'] })
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
