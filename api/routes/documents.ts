import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { AgreementRecord } from '../../db/entities';
import { verificationKey } from '../../db/verification-key';
import { verificationCode, verificationUrl } from '../../security/verification-code';
import type { Signature } from '../../domain/types';
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
import { LANGS } from '../../templates/labels';
import { PdfBusyError, type PdfRenderer } from '../../templates/pdf';
import { DOCUMENT_KINDS, type DocumentKind, type DocumentRenderer } from '../../templates/render';
import { caseFileDocument } from '../case-file';
import { refusalNoticeModel, rightsNoticeModel } from '../../templates/voluntariness-models';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { findVisibleCase } from '../disputes-repository';
import { audienceOf } from '../case-access';
import { caseFor, lensFor, signaturesFor } from '../../security/visibility';
import { problemRef, standardErrors, stringEnum } from '../schemas/common';

/** Documents are user data rendered as HTML: nothing in them may run, load or frame anything. */
const DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

const NOT_YET: Record<DocumentKind, string> = {
  agreement: 'the case has no agreement yet',
  intake: '',
  summons: 'no meeting has been convened',
  record: '',
  'follow-up': 'no follow-up visit has been recorded',
  referral: 'mediation has not failed',
  'judicial-confirmation': 'no agreement has taken effect',
  certificate: 'no agreement has taken effect',
  'case-file': '',
  'rights-notice': '',
  'refusal-notice': 'the case has not been refused (不予受理)',
  'oral-agreement': 'no oral agreement has been recorded (人民调解法第二十八条)',
};

/** A PDF, or 503 with Retry-After while every renderer is busy and the queue full (PDF_CONCURRENCY, PDF_QUEUE_*). */
async function pdfOrBusy(pdf: PdfRenderer, html: string): Promise<Buffer> {
  try {
    return await pdf.pdf(html);
  } catch (err) {
    if (!(err instanceof PdfBusyError)) throw err;
    const busy = new AppError('unavailable', '文书生成繁忙，请稍后重试 / PDF rendering is busy, try again shortly');
    busy.transient = true;
    busy.retryAfterSeconds = err.retryAfterSeconds;
    throw busy;
  }
}

const documents: FastifyPluginAsyncTypebox<{
  renderer: DocumentRenderer;
  publicUrl: string;
  pdf?: PdfRenderer;
}> = async (app, { renderer, publicUrl, pdf }) => {
  app.get(
    '/disputes/:id/documents/:kind',
    {
      schema: {
        tags: ['documents'],
        summary: "A case's document as print-ready A4 HTML (the agreement: the frozen copy once effective)",
        description:
          'Kinds: agreement 人民调解协议书, intake 受理登记表, summons 联合调解通知, record 调解记录, follow-up 回访记录, referral 告知书 (Art. 26), judicial-confirmation 司法确认申请书, certificate 签署审计证书, case-file 人民调解卷宗 (the whole file, frozen at closing; the staff holding the case only; its SHA-256 in X-Case-File-SHA256), rights-notice 权利义务告知书 (人民调解法 Art. 23–24, with each party’s acknowledgment), refusal-notice 不予受理告知书 (once the case was refused), oral-agreement 口头协议登记表 (人民调解法 Art. 28: an oral agreement as the mediator recorded it). ' +
          'The staff holding the case get the original (the sealed agreement as sealed). Everyone else (integrators, agency representatives, grid workers), and `copy=public`, ' +
          'get a copy marked 副本（已脱敏） rendered from the case as they may see it: phone and identity numbers masked or left out, and with `copy=public` or an area grant names and addresses too.',
        params: Type.Object({
          id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }),
          kind: stringEnum(DOCUMENT_KINDS),
        }),
        querystring: Type.Object({
          copy: Type.Optional(Type.Literal('public')),
          lang: Type.Optional(
            stringEnum(LANGS, { description: 'zh-CN (the legal original, default) or en (courtesy translation)' }),
          ),
          format: Type.Optional(
            stringEnum(['html', 'pdf'] as const, { description: 'pdf where a browser engine is installed (else 501)' }),
          ),
        }),
        response: {
          200: {
            description: 'The document: print-ready HTML, or a PDF with format=pdf',
            content: {
              'text/html': { schema: Type.String() },
              'application/pdf': { schema: Type.String({ format: 'binary' }) },
            },
          },
          501: problemRef,
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const em = app.orm.em.fork();
      const principal = principalOf(request);
      const found = await findVisibleCase(em, principal, request.params.id);
      // Who reads decides what a document shows (security/visibility.ts): the holder gets the
      // original; anyone else, and a public copy, a copy rendered from the case as they may see it.
      const audience = request.query.copy === 'public' ? 'public' : audienceOf(principal, found);
      const original = audience === 'holder';
      const lens = lensFor(audience, found.state);
      const view = caseFor(audience, found.state);
      const kind = request.params.kind;
      // The current agreement (frozen once effective, else the draft); with none, the last effective one.
      const current = view.agreement;
      const frozen = current
        ? await em.findOne(AgreementRecord, { disputeId: found.id, round: current.round ?? 1 })
        : await em.findOne(AgreementRecord, { disputeId: found.id }, { orderBy: { round: 'desc' } });
      const lang = request.query.lang ?? 'zh-CN';
      const ctx: DocumentContext = {
        lang,
        masked: !original,
        copy: original ? undefined : { number: frozen?.number ?? null, sha256: frozen?.sha256 ?? null },
        frozen: frozen
          ? {
              number: frozen.number,
              sha256: frozen.sha256,
              effectiveAt: frozen.effectiveAt.toISOString(),
              signatures: signaturesFor(lens, frozen.signatures as Signature[], found.state.parties),
              code: verificationCode(await verificationKey(em), frozen.number),
            }
          : undefined,
      };
      let html: string | undefined;
      if (kind === 'case-file') {
        // The whole file (卷宗) is for the committee and the staff over it, never a copy.
        if (!original)
          throw new AppError(
            'forbidden',
            '人民调解卷宗仅供承办调委会及其上级工作人员查阅 / the case file is for the committee holding the case and the staff over it',
          );
        const file = await caseFileDocument(em, renderer, found.state, lang);
        if (file.sha256) reply.header('x-case-file-sha256', file.sha256);
        html = file.html;
      } else if (kind === 'agreement') {
        if (original) {
          // The sealed original is the frozen Chinese document; a translation is rendered from the case.
          if (frozen && lang === 'zh-CN') html = frozen.html;
          // An oral agreement (人民调解法 Art. 28) has no 协议书: its record is the `oral-agreement` document.
          else if (current && current.form !== 'oral')
            html = renderer.render('agreement', agreementModel(view, ctx.frozen, lang), lang);
        } else {
          // A masked copy: the sealed agreement's round as the reader may see it (else the draft), its
          // number and seal's hash printed with the copy mark; the original stays as it was sealed.
          const agreement = frozen
            ? [view.agreement, ...(view.pastAgreements ?? [])].find((a) => a && (a.round ?? 1) === frozen.round)
            : view.agreement;
          if (agreement && agreement.form !== 'oral')
            html = renderer.render(
              'agreement',
              agreementModel({ ...view, agreement }, ctx.frozen, lang, ctx.copy),
              lang,
            );
        }
      } else {
        if (kind === 'certificate' && ctx.frozen) {
          ctx.verifyUrl = verificationUrl(publicUrl, ctx.frozen.number, ctx.frozen.code!, ctx.frozen.sha256);
          ctx.qrSvg = await QRCode.toString(ctx.verifyUrl, { type: 'svg', margin: 1 });
        }
        const model = {
          intake: intakeModel,
          summons: summonsModel,
          record: recordModel,
          'follow-up': followUpModel,
          referral: referralModel,
          'judicial-confirmation': judicialModel,
          certificate: certificateModel,
          'rights-notice': rightsNoticeModel,
          'refusal-notice': refusalNoticeModel,
          'oral-agreement': oralAgreementModel,
        }[kind](view, ctx);
        if (model) html = renderer.render(kind, model, lang);
      }
      if (html === undefined) throw new AppError('not_found', NOT_YET[kind]);
      if (request.query.format === 'pdf') {
        if (!pdf)
          throw new AppError(
            'not_implemented',
            'no browser engine is installed for PDF here (set CHROMIUM_PATH); the HTML is print-ready',
          );
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${kind}-${found.id}.pdf"`)
          .send(await pdfOrBusy(pdf, html));
      }
      return reply.type('text/html; charset=utf-8').header('content-security-policy', DOCUMENT_CSP).send(html);
    },
  );
};

export default documents;
