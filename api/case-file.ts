import type { EntityManager } from '@mikro-orm/postgresql';
import { freezeCaseFile, sealedAgreementsOf } from '../activities/case-file';
import { CaseFileRecord } from '../db/entities';
import { stampCaseFileDigest } from '../domain/case-file';
import { caseFileModel } from '../templates/case-file-model';
import type { DisputeView } from '../domain/types';
import type { Lang } from '../templates/labels';
import type { DocumentRenderer } from '../templates/render';

/**
 * The case file (卷宗) as the documents route serves it: the frozen original of a closed case (frozen
 * now if the closing step could not: the same file from the same closed case), a courtesy translation
 * rendered from the case, or, for a case still open, a preview marked as not frozen.
 */
export async function caseFileDocument(
  em: EntityManager,
  renderer: DocumentRenderer,
  view: DisputeView,
  lang: Lang,
): Promise<{ html: string; sha256?: string }> {
  let stored = await em.findOne(CaseFileRecord, { disputeId: view.disputeId });
  if (!stored && view.stage === 'closed') {
    await freezeCaseFile(em, renderer, view);
    stored = await em.fork().findOne(CaseFileRecord, { disputeId: view.disputeId });
  }
  // The digest is printed only in the copy served (domain/case-file.ts): the stored original, which it covers, keeps the slot empty.
  if (stored && lang === 'zh-CN')
    return { html: stampCaseFileDigest(stored.html, stored.sha256), sha256: stored.sha256 };
  const model = caseFileModel(
    view,
    await sealedAgreementsOf(em, view.disputeId),
    stored ? stored.frozenAt.toISOString() : null,
    lang,
  );
  const html = renderer.render('case-file', model, lang);
  return { html: stored ? stampCaseFileDigest(html, stored.sha256) : html, sha256: stored?.sha256 };
}
