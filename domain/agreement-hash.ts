/**
 * The draft agreement's hash (issue 22, item 4: signing on one's own phone). A party who signs on
 * the phone is shown the agreement's text and this hash; the electronic signature records it
 * (`Signature.contentSha256`), the sealed agreement prints it beside that signature, and anyone
 * holding the case's data can compute it again and check that what was signed is what was sealed.
 *
 * What it covers — the agreement's content as it will be sealed, in canonical JSON (domain/canonical.ts:
 * keys sorted, absent members left out), version `v: 1`:
 * - the case (id, number, the committee) and the draft's identity (`round`, `draftedAt`);
 * - each party as the agreement prints it: name, role, kind, sex, ethnicity, age, occupation, phone,
 *   address, service address, an organisation's representative, its title, type and credit code,
 *   the 法定代理人 (name, relation, phone, address) and the 委托代理人 (name, relation, authority,
 *   授权委托书) — never an identity number, which the agreement does not print;
 * - facts, matters, responsibilities, losses, the terms (every field), the variation it makes, its
 *   form and the signing place as printed (the committee when none was agreed).
 * Not covered: the signatures, the seal, the number and the verification code, which come after the
 * text is fixed (the seal's own SHA-256, activities/agreements.ts, covers those with the frozen text).
 *
 * The text cannot change under a signer: while the case awaits signatures only sign, seal,
 * reject-agreement, add-note, withdraw and refer-to-police are allowed (domain/lifecycle.ts), and a
 * new draft takes a new `round`, which the workflow's `sign` checks (workflows/dispute/esign.ts).
 * The SHA-256 itself is in security/agreement-hash.ts (node:crypto): domain code stays deterministic,
 * and the workflow does not hash.
 */
import { canonicalJson } from './canonical';
import type { Agreement, DisputeView, Party } from './types';

/** The version of the canonical form below; a change of what is covered takes a new one. */
export const AGREEMENT_HASH_VERSION = 1;

const partyContent = (p: Party) => ({
  name: p.name,
  role: p.role,
  kind: p.kind,
  sex: p.sex,
  ethnicity: p.ethnicity,
  age: p.age,
  occupation: p.occupation,
  phone: p.phone,
  address: p.address,
  serviceAddress: p.serviceAddress,
  representative: p.representative,
  representativeTitle: p.representativeTitle,
  orgType: p.orgType,
  creditCode: p.creditCode,
  legalRepresentative: p.legalRepresentative && {
    name: p.legalRepresentative.name,
    relation: p.legalRepresentative.relation,
    phone: p.legalRepresentative.phone,
    address: p.legalRepresentative.address,
  },
  agents: p.agents?.map((a) => ({
    name: a.name,
    relation: a.relation,
    authority: a.authority,
    powerOfAttorney: a.powerOfAttorney,
  })),
});

export type HashedCase = Pick<DisputeView, 'disputeId' | 'caseNumber' | 'parties' | 'unit'>;

/** The content an agreement's hash covers (see above), as a plain object. */
export function agreementContent(view: HashedCase, agreement: Agreement) {
  return {
    v: AGREEMENT_HASH_VERSION,
    disputeId: view.disputeId,
    caseNumber: view.caseNumber,
    committee: view.unit?.committeeName,
    round: agreement.round ?? 1,
    draftedAt: agreement.draftedAt,
    parties: view.parties.map(partyContent),
    facts: agreement.facts,
    matters: agreement.matters,
    responsibilities: agreement.responsibilities,
    losses: agreement.losses,
    terms: agreement.terms,
    varies: agreement.varies?.number,
    form: agreement.form ?? 'written',
    signingPlace: agreement.signingPlace ?? view.unit?.committeeName,
  };
}

/** The canonical bytes hashed: what a checker recomputes. */
export const agreementContentText = (view: HashedCase, agreement: Agreement): string =>
  canonicalJson(agreementContent(view, agreement));

/** A hash as people read it aloud or compare it: groups of 4 hex digits. */
export const groupedHash = (sha256: string): string => sha256.replace(/(.{4})(?=.)/g, '$1 ');
