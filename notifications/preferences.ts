/**
 * Each person's consent to be contacted and the channels they allow (contact_preferences). A party
 * is keyed by case and party index, a staff member by user id. No row, or consent withdrawn: the
 * service sends nothing and logs the notice as skipped (no_consent).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ContactPreference } from '../db/entities';
import { CONTACT_CHANNELS, type ContactChannel } from '../db/entities/contact-preference.entity';

export { CONTACT_CHANNELS, type ContactChannel };

export interface ContactPreferenceView {
  disputeId: string;
  partyIndex: number;
  consent: boolean;
  channels: ContactChannel[];
  email?: string;
  consentAt?: string;
  consentSource?: string;
  withdrawnAt?: string;
  withdrawnSource?: string;
  updatedAt?: string;
}

export interface ContactPreferenceInput {
  consent: boolean;
  channels: ContactChannel[];
  email?: string | null;
  /** Who recorded it and how: `staff:<username>`, `party_page`, … */
  source: string;
  at?: Date;
}

const partyId = (disputeId: string, partyIndex: number) => `${disputeId}:${partyIndex}`;
const iso = (d?: Date | null) => (d ? new Date(d).toISOString() : undefined);

function view(disputeId: string, partyIndex: number, row: ContactPreference | null): ContactPreferenceView {
  if (!row) return { disputeId, partyIndex, consent: false, channels: [] };
  return {
    disputeId,
    partyIndex,
    consent: row.consent,
    channels: row.channels,
    email: row.email ?? undefined,
    consentAt: iso(row.consentAt),
    consentSource: row.consentSource ?? undefined,
    withdrawnAt: iso(row.withdrawnAt),
    withdrawnSource: row.withdrawnSource ?? undefined,
    updatedAt: iso(row.updatedAt),
  };
}

/** A party's preference (no row: no consent, no channel). */
export async function getContactPreference(
  em: EntityManager,
  disputeId: string,
  partyIndex: number,
): Promise<ContactPreferenceView> {
  return view(disputeId, partyIndex, await em.findOne(ContactPreference, { id: partyId(disputeId, partyIndex) }));
}

/**
 * Records a party's consent (or its withdrawal) and channels. Giving consent stamps its time and
 * source; withdrawing stamps the withdrawal and keeps when it had been given.
 */
export async function setContactPreference(
  em: EntityManager,
  disputeId: string,
  partyIndex: number,
  input: ContactPreferenceInput,
): Promise<ContactPreferenceView> {
  const at = input.at ?? new Date();
  const id = partyId(disputeId, partyIndex);
  let row = await em.findOne(ContactPreference, { id });
  if (!row)
    row = em.create(ContactPreference, { id, disputeId, partyIndex, channels: [], consent: false, updatedAt: at });
  const channels = [...new Set(input.channels)].filter((c) => CONTACT_CHANNELS.includes(c));
  if (input.consent && !row.consent) {
    row.consentAt = at;
    row.consentSource = input.source.slice(0, 128);
    row.withdrawnAt = null;
    row.withdrawnSource = null;
  } else if (!input.consent && row.consent) {
    row.withdrawnAt = at;
    row.withdrawnSource = input.source.slice(0, 128);
  }
  row.consent = input.consent;
  row.channels = channels;
  if (input.email !== undefined) row.email = input.email || null;
  row.updatedAt = at;
  await em.persistAndFlush(row);
  return view(disputeId, partyIndex, row);
}
