/**
 * POST /api/v1/disputes/{id}/parties/{index}/signing-link (issue 22, item 4): the holding
 * committee's mediators issue (or resend) a party's one-time signing link for the current draft.
 * The link names the case, the party and the draft's round (parties/links.ts, valid 7 days); with
 * `send: true` it also goes by SMS to the phone on file (the party's, or its 法定代理人's).
 * Who: those who may record signatures on the case (domain/committee.ts signRefusal); a case outside
 * the caller's view is 404.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { committeeRefusal, mayAct } from '../../domain/permissions';
import { linkFor } from '../../parties/links';
import { checkMayActOn } from '../case-access';
import { findVisibleCase } from '../disputes-repository';
import { AppError } from '../errors';
import { actorOf, principalOf } from '../plugins/auth';
import { problemRef, standardErrors } from '../schemas/common';
import type { AppDeps } from '../app';
import { draftFor, phoneTail } from '../esign/service';

export interface SigningLinkOptions {
  publicUrl: string;
  sendCode?: AppDeps['sendCode'];
}

const signingLink: FastifyPluginAsyncTypebox<SigningLinkOptions> = async (app, opts) => {
  app.post(
    '/disputes/:id/parties/:index/signing-link',
    {
      schema: {
        tags: ['agreements'],
        summary: 'Issue or resend a party’s signing link (签署链接)',
        description:
          'For the draft awaiting signatures: a one-time link to the signing page (GET /p/sign/{token}), where the party (or its 法定代理人) ' +
          'reads the text that will be sealed with its SHA-256 and signs with a code sent to the phone on file. `send: true` also sends the link ' +
          'by SMS to that phone. The mediators of the holding committee only (403); 409 when no written draft awaits signatures; ' +
          '422 when the party has no phone on file (it signs on paper).',
        params: Type.Object({
          id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }),
          index: Type.Integer({ minimum: 0, maximum: 19 }),
        }),
        body: Type.Optional(
          Type.Object(
            { send: Type.Optional(Type.Boolean({ description: 'Also send the link by SMS to the phone on file' })) },
            { additionalProperties: false },
          ),
        ),
        response: {
          200: Type.Object({
            url: Type.String({ description: 'The signing link, to show or send to the party' }),
            expiresAt: Type.String({ format: 'date-time' }),
            round: Type.Integer({ description: 'The draft the link is for' }),
            contentSha256: Type.String({ description: 'SHA-256 of the draft’s text (domain/agreement-hash.ts)' }),
            phoneTail: Type.String({ description: 'The last 4 digits of the phone the code will go to' }),
            sent: Type.Boolean({ description: 'Whether the link was sent by SMS' }),
          }),
          409: problemRef,
          422: problemRef,
          ...standardErrors,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const found = await findVisibleCase(app.orm.em.fork(), principal, request.params.id);
      const view = found.state;
      checkMayActOn(principal, found, 'sign');
      const actor = actorOf(principal);
      const scope = {
        unitCode: view.unit?.code,
        unitPath: view.unit?.path,
        summoned: [],
        committeeName: view.unit?.committeeName,
      };
      if (!mayAct(actor, 'sign', scope))
        throw new AppError(
          'forbidden',
          committeeRefusal(actor, 'sign', scope) ?? 'you may not record signatures on this case',
        );
      const draft = draftFor(view, request.params.index);
      if (draft.signed) throw new AppError('action_refused', '该当事人已签署 / this party has already signed');
      if (!draft.phone)
        throw new AppError(
          'action_invalid',
          '该当事人（或其法定代理人）未登记手机号码，请安排纸质签署 / no phone on file for this party (or its legal representative): sign on paper',
        );
      const link = await linkFor(app.orm.em.fork(), opts.publicUrl, {
        disputeId: view.disputeId,
        partyIndex: request.params.index,
        purpose: 'sign',
        round: draft.round,
      });
      let sent = false;
      if (request.body?.send) {
        if (!opts.sendCode) throw new AppError('unavailable', '短信服务未配置 / no SMS service is configured');
        const committee = view.unit?.committeeName ?? '人民调解委员会';
        await opts.sendCode({
          phone: draft.phone,
          text: `【枫桥调解】${committee}：您的调解协议（${view.caseNumber ?? view.disputeId}）已拟定，请在7日内打开链接核对全文并签署：${link.url}`,
          // One SMS per link issued: a retry of the same request in the same minute sends nothing twice.
          key: `sign-link:${view.disputeId}:${request.params.index}:${draft.round}:${Math.floor(Date.now() / 60_000)}`,
        });
        sent = true;
      }
      return {
        url: link.url,
        expiresAt: link.claim.expiresAt.toISOString(),
        round: draft.round,
        contentSha256: draft.sha256,
        phoneTail: phoneTail(draft.phone),
        sent,
      };
    },
  );
};

export default signingLink;
