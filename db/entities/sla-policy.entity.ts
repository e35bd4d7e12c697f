import { Entity, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';

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

  /** Meeting report-in (报到): how long summoned agencies have to answer. */
  @Property({ type: 'integer', default: 14400 })
  reportInSeconds: number & Opt = 14400;

  /** From the drafted agreement to every signature and the seal. */
  @Property({ type: 'integer', default: 70200 })
  signatureSeconds: number & Opt = 70200;

  /** Follow-up visit this many calendar days after effectiveness when no term has a due date. */
  @Property({ type: 'integer', default: 15 })
  followUpDays: number & Opt = 15;

  @Property({ type: 'double', default: 0.8 })
  warningShare: number & Opt = 0.8;

  @Property({ type: 'boolean', default: true })
  autoEscalate: boolean & Opt = true;

  @Property({ type: 'string', length: 16, default: 'wall-clock' })
  calendar: string & Opt = 'wall-clock';
}
