/**
 * Every document a case reaches, rendered straight from its state as the API would serve it: an
 * effective agreement frozen as sealing freezes it (the zh-CN original hashed, its verification URL
 * and QR code in the other documents). For the template tests (golden, hostile), without a database.
 */
import QRCode from 'qrcode';
import { canonicalAgreement } from '../../activities/agreements';
import type { DisputeView } from '../../domain/types';
import { sha256Hex } from '../../security/credentials';
import { verificationCode, verificationUrl } from '../../security/verification-code';
import type { Lang } from '../../templates/labels';
import {
  agreementModel,
  certificateModel,
  followUpModel,
  intakeModel,
  judicialModel,
  recordModel,
  referralModel,
  summonsModel,
  type DocumentContext,
} from '../../templates/models';
import type { DocumentKind, DocumentRenderer } from '../../templates/render';

const MODELS: Array<[DocumentKind, (v: DisputeView, c: DocumentContext) => object | undefined]> = [
  ['intake', intakeModel],
  ['summons', summonsModel],
  ['record', recordModel],
  ['follow-up', followUpModel],
  ['referral', referralModel],
  ['judicial-confirmation', judicialModel],
  ['certificate', certificateModel],
];

const GOLDEN_VERIFICATION_KEY = Buffer.alloc(32, 0x5a);

export async function renderCaseDocuments(
  renderer: DocumentRenderer,
  view: DisputeView,
  lang: Lang = 'zh-CN',
): Promise<Partial<Record<DocumentKind, string>>> {
  const out: Partial<Record<DocumentKind, string>> = {};
  const ctx: DocumentContext = { masked: false, lang };
  const a = view.agreement;
  if (a?.number && a.effectiveAt) {
    // A fixed key (an installation has its own, db/verification-key.ts): the golden codes stay put.
    const code = verificationCode(GOLDEN_VERIFICATION_KEY, a.number);
    const original = renderer.render(
      'agreement',
      agreementModel(view, { number: a.number, effectiveAt: a.effectiveAt, code }),
    );
    const sha256 = sha256Hex(canonicalAgreement(a.number, original, a.signatures));
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
