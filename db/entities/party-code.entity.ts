import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/**
 * A one-time code sent to a party's phone on file (parties/codes.ts): to open the party's page
 * ('access') or to confirm a signature ('sign'). Only its HMAC is kept; `codeRef` (the primary key)
 * is what a signature records as its code reference.
 */
@Entity({ tableName: 'party_codes' })
@Index({ properties: ['disputeId', 'partyIndex', 'purpose', 'createdAt'] })
export class PartyCode {
  @PrimaryKey({ type: 'string', length: 40 })
  codeRef!: string;

  @Property({ type: 'string', length: 64 })
  disputeId!: string;

  @Property({ type: 'integer' })
  partyIndex!: number;

  @Property({ type: 'string', length: 16 })
  purpose!: string;

  /** HMAC-SHA256 (hex) of the code under the installation's party-link secret, bound to codeRef. */
  @Property({ type: 'string', length: 64 })
  codeHash!: string;

  /** The phone it was sent to, masked (138****0000): which number, for the audit, without keeping it whole. */
  @Property({ type: 'string', length: 32 })
  phoneMasked!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'integer', default: 0 })
  attempts: Opt<number> = 0;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  lockedAt?: Date | null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}
