import type { EntityManager } from '@mikro-orm/postgresql';
import { AgreementRecord, Unit } from '../db/entities';
import { allocateNumber } from '../db/numbering';
import { verificationKey } from '../db/verification-key';
import { chinaYear } from '../domain/numbering';
import { canonicalJson } from '../domain/canonical';
import type { DisputeView } from '../domain/types';
import { sha256Hex } from '../security/credentials';
import { verificationCode } from '../security/verification-code';
import { agreementModel } from '../templates/models';
import type { DocumentRenderer } from '../templates/render';
import { unknownUnit } from './errors';

/** The canonical bytes that the seal's hash covers: the number, the frozen document and the signature records. */
export function canonicalAgreement(number: string, html: string, signatures: unknown[]): string {
  return canonicalJson({ number, html, signatures });
}

/**
 * At effectiveness (Art. 29): allocate the agreement number of the committee, freeze the rendered
 * document and store it with the SHA-256 over its canonical form. A retry returns what was stored.
 */
export async function sealAgreement(
  em: EntityManager,
  renderer: DocumentRenderer,
  { view, effectiveAt }: { view: DisputeView; effectiveAt: string },
): Promise<{ number: string; sha256: string }> {
  const round = view.agreement?.round ?? 1;
  const stored = await em.findOne(AgreementRecord, { disputeId: view.disputeId, round });
  if (stored) return { number: stored.number, sha256: stored.sha256 };
  const unit = view.unit && (await em.findOne(Unit, { code: view.unit.code }));
  if (!unit) throw unknownUnit(view.unit?.code ?? '(none)');
  const number = await allocateNumber(em, {
    ownerKey: round === 1 ? view.disputeId : `${view.disputeId}#${round}`,
    kind: 'agreement',
    unitCode: unit.code,
    committeeShort: unit.committeeShort,
    year: chinaYear(new Date(effectiveAt)),
  });
  const signatures = view.agreement?.signatures ?? [];
  // Its verification code (核验码) is printed under the number: part of what the seal covers.
  const code = verificationCode(await verificationKey(em), number);
  const html = renderer.render('agreement', agreementModel(view, { number, effectiveAt, code }));
  const sha256 = sha256Hex(canonicalAgreement(number, html, signatures));
  await em.execute(
    `insert into agreements (number, dispute_id, round, html, signatures, sha256, effective_at) values (?, ?, ?, ?, ?, ?, ?)
     on conflict do nothing`,
    [number, view.disputeId, round, html, JSON.stringify(signatures), sha256, effectiveAt],
  );
  const row = await em.fork().findOneOrFail(AgreementRecord, { disputeId: view.disputeId, round });
  return { number: row.number, sha256: row.sha256 };
}
