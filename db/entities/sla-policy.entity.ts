import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * SLA policy per category × priority × level; `*` matches any. The most specific row wins.
 * Durations are in seconds of the policy's calendar.
 */
@Entity({ tableName: 'sla_policies' })
@Unique({ properties: ['category', 'priority', 'level'] })
export class SlaPolicy {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 32 })
  category!: string;

  @Property({ type: 'string', length: 16 })
  priority!: string;

  @Property({ type: 'string', length: 16 })
  level!: string;

  @Property({ type: 'integer' })
  acceptSeconds!: number;

  @Property({ type: 'integer' })
  handlingSeconds!: number;

  @Property({ type: 'double', default: 0.8 })
  warningShare: number = 0.8;

  @Property({ type: 'boolean', default: true })
  autoEscalate: boolean = true;

  @Property({ type: 'string', length: 16, default: 'wall-clock' })
  calendar: string = 'wall-clock';
}
