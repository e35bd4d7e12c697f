import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** An effective agreement, frozen: its canonical HTML and the SHA-256 over it and the signatures. */
@Entity({ tableName: 'agreements' })
export class AgreementRecord {
  @PrimaryKey({ type: 'string', length: 64 })
  number!: string;

  @Index()
  @Property({ type: 'string', length: 64, unique: true })
  disputeId!: string;

  @Property({ type: 'text' })
  html!: string;

  @Property({ type: 'json' })
  signatures!: unknown[];

  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'datetime' })
  effectiveAt!: Date;
}
