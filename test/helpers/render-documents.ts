/**
 * Every document a case reaches, rendered straight from its state as the API would serve it: an
 * effective agreement frozen as sealing freezes it (the zh-CN original hashed, its verification URL
 * and QR code in the other documents). For the template tests (golden, hostile), without a database.
 */
import QRCode from 'qrcode';
import { canonicalAgreement } from '../../activities/agreements';
import { canonicalCaseFile, stampCaseFileDigest, type SealedAgreementRef } from '../../domain/case-file';
import type { DisputeView } from '../../domain/types';
import { sha256Hex } from '../../security/credentials';
import { verificationCode, verificationUrl } from '../../security/verification-code';
import { caseFileModel } from '../../templates/case-file-model';
import type { Lang } from '../../templates/labels';
import {
  agreementModel,
  certificateModel,
  followUpModel,
  intakeModel,
  judicialModel,
  oralAgreementModel,
  recordModel,
  referralModel,
  summonsModel,
  type DocumentContext,
} from '../../templates/models';
import type { DocumentKind, DocumentRenderer } from '../../templates/render';
import { refusalNoticeModel, rightsNoticeModel } from '../../templates/voluntariness-models';

const MODELS: Array<[DocumentKind, (v: DisputeView, c: DocumentContext) => object | undefined]> = [
  ['intake', intakeModel],
  ['summons', summonsModel],
  ['record', recordModel],
  ['follow-up', followUpModel],
  ['referral', referralModel],
  ['judicial-confirmation', judicialModel],
  ['certificate', certificateModel],
  ['oral-agreement', oralAgreementModel],
  ['rights-notice', rightsNoticeModel],
  ['refusal-notice', refusalNoticeModel],
];

const GOLDEN_VERIFICATION_KEY = Buffer.alloc(32, 0x5a);

/** The effective agreement's zh-CN original as sealing freezes it, and its SHA-256 (activities/agreements.ts). */
function sealAgreement(renderer: DocumentRenderer, view: DisputeView) {
  const a = view.agreement;
  if (!a?.number || !a.effectiveAt) return undefined;
  // A fixed key (an installation has its own, db/verification-key.ts): the golden codes stay put.
  const code = verificationCode(GOLDEN_VERIFICATION_KEY, a.number);
  const original = renderer.render(
    'agreement',
    agreementModel(view, { number: a.number, effectiveAt: a.effectiveAt, code }),
  );
  return { code, original, sha256: sha256Hex(canonicalAgreement(a.number, original, a.signatures)) };
}

export async function renderCaseDocuments(
  renderer: DocumentRenderer,
  view: DisputeView,
  lang: Lang = 'zh-CN',
): Promise<Partial<Record<DocumentKind, string>>> {
  const out: Partial<Record<DocumentKind, string>> = {};
  const ctx: DocumentContext = { masked: false, lang };
  const a = view.agreement;
  const seal = sealAgreement(renderer, view);
  if (a?.number && a.effectiveAt && seal) {
    const { code, original, sha256 } = seal;
    out.agreement =
      lang === 'zh-CN'
        ? original
        : renderer.render(
            'agreement',
            agreementModel(view, { number: a.number, effectiveAt: a.effectiveAt, sha256, code }, lang),
            lang,
          );
    ctx.frozen = { number: a.number, sha256, effectiveAt: a.effectiveAt, signatures: a.signatures, code };
    ctx.verifyUrl = verificationUrl('https://fengqiao.example.gov.cn', a.number, code, sha256);
    ctx.qrSvg = await QRCode.toString(ctx.verifyUrl, { type: 'svg', margin: 1 });
  }
  for (const [kind, model] of MODELS) {
    const m = model(view, ctx);
    if (m) out[kind] = renderer.render(kind, m, lang);
  }
  return out;
}

/**
 * The case file (卷宗) as the API serves it (api/case-file.ts, activities/case-file.ts): for a closed
 * case the file frozen at the closing (the SHA-256 over its canonical form, zh-CN the original, `en` a
 * translation with the same frozen instant); for an open case a preview. The sealed agreement comes
 * from freezing it as above (the agreements table, in the API).
 */
export async function renderCaseFile(
  renderer: DocumentRenderer,
  view: DisputeView,
  lang: Lang = 'zh-CN',
): Promise<{ html: string; sha256?: string }> {
  const a = view.agreement;
  const seal = sealAgreement(renderer, view);
  const sealed: SealedAgreementRef[] =
    a?.number && a.effectiveAt && seal
      ? [{ number: a.number, round: a.round ?? 1, sha256: seal.sha256, effectiveAt: a.effectiveAt }]
      : [];
  if (view.stage !== 'closed')
    return { html: renderer.render('case-file', caseFileModel(view, sealed, null, lang), lang) };
  const frozenAt = view.closedAt!;
  const original = renderer.render('case-file', caseFileModel(view, sealed, frozenAt));
  const sha256 = sha256Hex(canonicalCaseFile(view.disputeId, view.caseNumber ?? '', original));
  return {
    // As served: the digest stamped on the back page, outside the bytes it covers (domain/case-file.ts).
    html: stampCaseFileDigest(
      lang === 'zh-CN' ? original : renderer.render('case-file', caseFileModel(view, sealed, frozenAt, lang), lang),
      sha256,
    ),
    sha256,
  };
}
