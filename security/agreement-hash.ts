/**
 * The SHA-256 of a draft agreement's content (domain/agreement-hash.ts says what it covers): shown on
 * the signing page, recorded with each electronic signature, printed on the sealed agreement.
 */
import { createHash } from 'node:crypto';
import { agreementContentText, type HashedCase } from '../domain/agreement-hash';
import type { Agreement, DisputeView } from '../domain/types';

/** SHA-256 (hex) of the agreement's content (see above). */
export const agreementContentSha256 = (view: HashedCase, agreement: Agreement): string =>
  createHash('sha256').update(agreementContentText(view, agreement), 'utf8').digest('hex');

/** The hash of the case's current draft, with its round; undefined when no written draft awaits signatures. */
export function currentDraftHash(view: DisputeView): { round: number; sha256: string } | undefined {
  const a = view.agreement;
  if (!a || a.form === 'oral' || a.sealedAt || a.effectiveAt || view.stage !== 'awaiting_signatures') return undefined;
  return { round: a.round ?? 1, sha256: agreementContentSha256(view, a) };
}
