import type { EntityManager } from '@mikro-orm/postgresql';
import { AgreementRecord, CaseFileRecord } from '../db/entities';
import { canonicalCaseFile } from '../domain/case-file';
import { caseFileModel } from '../templates/case-file-model';
import type { DisputeView } from '../domain/types';
import { sha256Hex } from '../security/credentials';
import type { DocumentRenderer } from '../templates/render';

/** The sealed agreements of a case (number, round, hash, effectiveness), first to last. */
export async function sealedAgreementsOf(em: EntityManager, disputeId: string) {
  const rows = await em.find(AgreementRecord, { disputeId }, { orderBy: { round: 'asc' } });
  return rows.map((r) => ({
    number: r.number,
    round: r.round,
    sha256: r.sha256,
    effectiveAt: r.effectiveAt.toISOString(),
  }));
}

/**
 * At the closing (结案): freeze the whole case file (人民调解卷宗) as one document, the SHA-256 over its
 * canonical form, and store it once (the database refuses any later change). Called with the case as
 * the closing step recorded it; a retry, or a later step of a closed case (the judicial-confirmation
 * window closing after the case), finds it stored and changes nothing. Returns undefined for a case
 * that is not closed.
 */
export async function freezeCaseFile(
  em: EntityManager,
  renderer: DocumentRenderer,
  view: DisputeView,
): Promise<{ sha256: string } | undefined> {
  if (view.stage !== 'closed') return undefined;
  const stored = await em.findOne(CaseFileRecord, { disputeId: view.disputeId });
  if (stored) return { sha256: stored.sha256 };
  const closedAt = view.closedAt ?? new Date().toISOString();
  const caseNumber = view.caseNumber ?? '';
  const html = renderer.render(
    'case-file',
    caseFileModel(view, await sealedAgreementsOf(em, view.disputeId), closedAt),
  );
  const sha256 = sha256Hex(canonicalCaseFile(view.disputeId, caseNumber, html));
  await em.execute(
    `insert into case_files (dispute_id, case_number, html, sha256, closed_at, frozen_at) values (?, ?, ?, ?, ?, ?)
     on conflict (dispute_id) do nothing`,
    [view.disputeId, caseNumber, html, sha256, closedAt, closedAt],
  );
  const row = await em.fork().findOneOrFail(CaseFileRecord, { disputeId: view.disputeId });
  return { sha256: row.sha256 };
}
