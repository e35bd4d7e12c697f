import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export const ALERT_KINDS = [
  'accept_warning',
  'accept_breach',
  'handling_warning',
  'handling_breach',
  'report_in_breach',
  'signature_overdue',
  'follow_up_due',
  'high_risk',
  /** A year without a national holiday arrangement (not about one case: `disputeId` is `holiday-calendar-<unit>`). */
  'holiday_data_missing',
  /** A step of the case keeps failing: the case waits for an operator's repair (docs/operations.md). */
  'case_stuck',
  /** An invited or summoned agency declined to attend a joint mediation: to the convening unit's supervisors. */
  'attendance_declined',
  /** 督办: agencies did not report in by the deadline; addressed to the unit above the convenor. */
  'report_in_supervision',
  /** 督办: a street (or a unit above) did not accept a ticket in time; addressed to the unit above it, the case stays. */
  'accept_supervision',
  /** 督促履行: a term of an effective agreement was found not performed (人民调解法 Art. 31); to the unit holding the case. */
  'performance_urged',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** One alert per (case, kind, stage entry), addressed to the supervisors of `unitCode`. */
@Entity({ tableName: 'alerts' })
@Unique({ properties: ['disputeId', 'kind', 'stageEntry'] })
export class Alert {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Index()
  @Property({ type: 'string', length: 64 })
  disputeId!: string;

  @Property({ type: 'string', length: 32 })
  kind!: AlertKind;

  @Property({ type: 'integer' })
  stageEntry!: number;

  @Index()
  @Property({ type: 'string', length: 64 })
  unitCode!: string;

  @Property({ type: 'string', length: 512 })
  unitPath!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  caseNumber?: string;

  @Property({ type: 'string', length: 500 })
  message!: string;

  /** Indexed for the Safety Index's breaches of a period. */
  @Index()
  @Property({ type: 'datetime' })
  raisedAt!: Date;

  @Property({ type: 'string', length: 64, nullable: true })
  ackedBy?: string;

  @Property({ type: 'datetime', nullable: true })
  ackedAt?: Date;

  @Property({ type: 'string', length: 500, nullable: true })
  ackNote?: string;
}
