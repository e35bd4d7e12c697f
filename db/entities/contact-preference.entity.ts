import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export const CONTACT_CHANNELS = ['sms', 'email'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/**
 * A person's consent to be contacted and the channels they allow (issue 22): a party of a case
 * (`disputeId` + `partyIndex`), or a staff member (`userId`). No row, or consent withdrawn: nothing is sent.
 */
@Entity({ tableName: 'contact_preferences' })
@Unique({ properties: ['disputeId', 'partyIndex'] })
export class ContactPreference {
  /** `<disputeId>:<partyIndex>` or `user:<userId>`. */
  @PrimaryKey({ type: 'string', length: 160 })
  id!: string;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  disputeId?: string | null;

  @Property({ type: 'integer', nullable: true })
  partyIndex?: number | null;

  @Property({ type: 'string', length: 64, nullable: true, unique: true })
  userId?: string | null;

  /** Allowed channels, a subset of CONTACT_CHANNELS. */
  @Property({ type: 'json' })
  channels!: ContactChannel[];

  /** An e-mail address the person gave (a party's phone is the case's). */
  @Property({ type: 'string', length: 254, nullable: true })
  email?: string | null;

  @Property({ type: 'boolean', default: false })
  consent: boolean = false;

  @Property({ type: 'datetime', nullable: true })
  consentAt?: Date | null;

  /** How the consent was given: 'staff:<username>' (in person, on the phone), 'party_page', … */
  @Property({ type: 'string', length: 128, nullable: true })
  consentSource?: string | null;

  @Property({ type: 'datetime', nullable: true })
  withdrawnAt?: Date | null;

  @Property({ type: 'string', length: 128, nullable: true })
  withdrawnSource?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
