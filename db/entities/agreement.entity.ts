import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** An effective agreement, frozen: its canonical HTML and the SHA-256 over it and the signatures. */
@Entity({ tableName: 'agreements' })
@Unique({ properties: ['disputeId', 'round'] })
export class AgreementRecord {
  @PrimaryKey({ type: 'string', length: 64 })
  number!: string;

  @Index()
  @Property({ type: 'string', length: 64 })
  disputeId!: string;

  /** 1 for a case's first agreement, 2 after a reopen, … */
  @Property({ type: 'integer', default: 1 })
  round: number = 1;

  @Property({ type: 'text' })
  html!: string;

  @Property({ type: 'json' })
  signatures!: unknown[];

  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'datetime' })
  effectiveAt!: Date;
}
