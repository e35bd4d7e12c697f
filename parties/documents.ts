/**
 * A party's copy of a document of its case (the notice of acceptance, the rights notice, the meeting
 * notice, the agreement, the referral or refusal notice): rendered from the case as the party sees it
 * (parties/case-page.ts `caseForParty`), marked 副本（已脱敏） like every copy that is not the original
 * (docs/security.md), with the sealed agreement's number and hash where there is one. The sealed
 * original stays with the committee; a party verifies it by its number, code and hash.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AgreementRecord } from '../db/entities';
import type { DisputeView, Signature } from '../domain/types';
import { lensFor, signaturesFor } from '../security/visibility';
import { agreementModel, intakeModel, referralModel, summonsModel, type DocumentContext } from '../templates/models';
import type { DocumentRenderer } from '../templates/render';
import { refusalNoticeModel, rightsNoticeModel } from '../templates/voluntariness-models';
import { caseForParty, partyDocuments } from './case-page';

/** The HTML of `kind` for party `index`, or undefined when that document is not (yet) meant for it. */
export async function partyDocument(
  em: EntityManager,
  renderer: DocumentRenderer,
  full: DisputeView,
  index: number,
  kind: string,
): Promise<string | undefined> {
  const view = caseForParty(full, index);
  if (!partyDocuments(view).some((d) => d.kind === kind)) return undefined;
  const frozen = view.agreement
    ? await em.findOne(AgreementRecord, { disputeId: full.disputeId, round: view.agreement.round ?? 1 })
    : null;
  const ctx: DocumentContext = {
    lang: 'zh-CN',
    masked: true,
    copy: { number: frozen?.number ?? null, sha256: frozen?.sha256 ?? null },
    ...(frozen
      ? {
          frozen: {
            number: frozen.number,
            sha256: frozen.sha256,
            effectiveAt: frozen.effectiveAt.toISOString(),
            signatures: signaturesFor(lensFor('agency', full), frozen.signatures as Signature[], full.parties),
          },
        }
      : {}),
  };
  switch (kind) {
    case 'agreement':
      return view.agreement
        ? renderer.render('agreement', agreementModel(view, ctx.frozen, 'zh-CN', ctx.copy), 'zh-CN')
        : undefined;
    case 'intake':
      return renderer.render('intake', intakeModel(view, ctx), 'zh-CN');
    case 'summons': {
      const model = summonsModel(view, ctx);
      return model ? renderer.render('summons', model, 'zh-CN') : undefined;
    }
    case 'referral': {
      const model = referralModel(view, ctx);
      return model ? renderer.render('referral', model, 'zh-CN') : undefined;
    }
    case 'rights-notice': {
      const model = rightsNoticeModel(view, ctx);
      return model ? renderer.render('rights-notice', model, 'zh-CN') : undefined;
    }
    case 'refusal-notice': {
      const model = refusalNoticeModel(view, ctx);
      return model ? renderer.render('refusal-notice', model, 'zh-CN') : undefined;
    }
    default:
      return undefined;
  }
}
