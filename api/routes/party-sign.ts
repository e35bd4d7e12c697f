/**
 * The signing page (issue 22, item 4): a party (or its 法定代理人) opens the final agreement from a
 * one-time 'sign' link, reads exactly the text that will be sealed with its hash, asks for a code sent
 * to the phone on file, and signs with it; or refuses to sign, with a reason. Server-rendered,
 * mobile-first, no JavaScript, Chinese first; every form carries a CSRF token (api/esign/page.ts);
 * the party's identity is the party session the link opens (api/party-session.ts), never a form field.
 *
 * GET  /p/sign/{token}  the page (opens the party session)
 * POST /p/sign/code     sends a code to the phone on file (parties/codes.ts: 1 a minute, 5 an hour)
 * POST /p/sign/confirm  code + the hash shown: the workflow's `sign` as the party (electronic)
 * POST /p/sign/refuse   reason: the workflow's `reject-agreement` as the party (拒绝签字)
 */
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROJECT_ROOT } from '../../config/paths';
import type { DisputeView } from '../../domain/types';
import { CodeRefused, codeSmsText, issueCode, verifyCode } from '../../parties/codes';
import { partyLinkSecret, readPartyLinkToken } from '../../parties/links';
import { AppError } from '../errors';
import { registerPages } from '../pages';
import { partyFromRequest, startPartySession } from '../party-session';
import type { AppDeps } from '../app';
import { messagePage, signCsrfToken, signCsrfValid, signPageModel, type SignPageModel } from '../esign/page';
import { caseState, draftFor, refuseToSign, signElectronically, whatNext } from '../esign/service';

const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// The forms' fields are checked by the handlers, which answer with the page and a bilingual error (not problem+json).
const Field = (description: string, maxLength = 100) => Type.Optional(Type.String({ maxLength, description }));
const Form = (props: Record<string, ReturnType<typeof Field>>, description: string) =>
  Type.Object({ _csrf: Field('The form token of the page'), ...props }, { description });
const Round = Field('The draft (round) the page showed', 4);
const Hash = Field('The SHA-256 the page showed (64 hex digits)', 64);

const sessionExpired = (): AppError =>
  new AppError(
    'unauthenticated',
    '签署会话已过期，请重新打开短信中的签署链接 / the signing session has ended: open the link in the SMS again',
  );
const csrfRefused = (): AppError =>
  new AppError('forbidden', '页面已过期，请重新打开签署链接 / the form has expired: open the signing link again');

/** A refused code, as the page says it: 429 when too many were asked for, else 422. */
const codeProblem = (err: CodeRefused): AppError =>
  new AppError(err.reason === 'rate_limited' ? 'rate_limited' : 'action_invalid', err.message);

export interface PartySignOptions {
  sendCode?: AppDeps['sendCode'];
}

const partySign: FastifyPluginAsyncTypebox<PartySignOptions> = async (app, opts) => {
  await registerPages(app, path.join(PROJECT_ROOT, 'views/party-sign'));
  // Pages for people, not API (like the parties' pages, api/routes/party.ts): kept out of the OpenAPI
  // document; the staff route that issues a signing link is documented (api/routes/signing-link.ts).
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true };
  });
  // The page's forms, in this plugin only (the API takes JSON).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  const page = (reply: FastifyReply, status: number, model: SignPageModel) =>
    reply
      .code(status)
      .header('content-security-policy', PAGE_CSP)
      .header('cache-control', 'no-store')
      .view('sign.hbs', model);

  /** The page for the session's party with the draft, or a page with only the error when there is none. */
  const showError = async (
    request: FastifyRequest,
    reply: FastifyReply,
    err: unknown,
    who?: { disputeId: string; partyIndex: number; view?: DisputeView; codeSent?: boolean },
  ) => {
    const problem = err instanceof CodeRefused ? codeProblem(err) : err;
    if (!(problem instanceof AppError)) throw err;
    if (who?.view && problem.code !== 'forbidden' && problem.code !== 'unauthenticated') {
      try {
        const draft = draftFor(who.view, who.partyIndex);
        const secret = await partyLinkSecret(app.orm.em.fork());
        return page(
          reply,
          problem.status,
          signPageModel(who.view, who.partyIndex, draft, {
            error: problem.message,
            codeSent: who.codeSent === true,
            csrf: signCsrfToken(request, reply, secret, who),
          }),
        );
      } catch {
        // No draft to show any more: the error alone.
      }
    }
    return page(reply, problem.status, messagePage({ error: problem.message }));
  };

  app.get(
    '/p/sign/:token',
    {
      config: { public: true },
      schema: {
        tags: ['party-pages'],
        summary: 'The signing page (签署页面): the agreement to sign, from a one-time link',
        description:
          'Opens the party session for the link’s party and shows the draft agreement exactly as it will be sealed, its SHA-256 ' +
          '(domain/agreement-hash.ts) and two buttons: 发送验证码 (send code) and 拒绝签字 (refuse). A link for an earlier draft says the text has changed. HTML.',
        params: Type.Object({ token: Type.String({ maxLength: 512 }) }),
      },
    },
    async (request, reply) => {
      const em = app.orm.em.fork();
      const secret = await partyLinkSecret(em);
      const claim = readPartyLinkToken(secret, request.params.token);
      const unknown = () =>
        page(
          reply,
          404,
          messagePage({
            error: '签署链接无效或已过期，请联系调解委员会 / this signing link is not valid or has expired',
          }),
        );
      if (!claim || claim.purpose !== 'sign') return unknown();
      const view = await caseState(app, claim.disputeId);
      if (!view?.parties[claim.partyIndex]) return unknown();
      // A link for a superseded draft opens nothing (no session): it says the text has changed.
      if (claim.round !== undefined && view.agreement?.round !== undefined && claim.round !== view.agreement.round)
        return page(reply, 409, messagePage({ changed: true }));
      const who = { disputeId: claim.disputeId, partyIndex: claim.partyIndex };
      await startPartySession(reply, who);
      try {
        const draft = draftFor(view, claim.partyIndex);
        if (claim.round !== undefined && claim.round !== draft.round)
          return page(reply, 409, messagePage({ changed: true }));
        return page(
          reply,
          200,
          signPageModel(view, claim.partyIndex, draft, { csrf: signCsrfToken(request, reply, secret, who) }),
        );
      } catch (err) {
        if (err instanceof AppError && err.code === 'action_refused') {
          const effective = !!view.agreement?.effectiveAt;
          return page(
            reply,
            effective ? 200 : 409,
            messagePage(
              effective
                ? { message: `调解协议已生效（${view.agreement!.number ?? ''}） / the agreement has taken effect` }
                : { changed: claim.round !== undefined && claim.round !== view.agreement?.round, error: err.message },
            ),
          );
        }
        return showError(request, reply, err);
      }
    },
  );

  /** The party of the session, checked against the form's CSRF token; the case as recorded. */
  const formSession = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await partyFromRequest(request, reply);
    if (!session) throw sessionExpired();
    const secret = await partyLinkSecret(app.orm.em.fork());
    if (!signCsrfValid(request, secret, session, (request.body as Record<string, unknown>)?._csrf)) throw csrfRefused();
    const view = await caseState(app, session.disputeId);
    if (!view) throw sessionExpired();
    return { ...session, view };
  };
  const roundOf = (body: unknown): number | undefined => {
    const r = (body as { round?: unknown })?.round;
    return typeof r === 'string' && /^[0-9]{1,3}$/.test(r) ? Number(r) : undefined;
  };

  app.post(
    '/p/sign/code',
    {
      config: { public: true },
      schema: {
        tags: ['party-pages'],
        summary: 'Signing page: send a one-time code (发送验证码) to the phone on file',
        description:
          'To the party’s phone on file, or its 法定代理人’s — never to a number typed in. 6 digits, valid 5 minutes, at most 1 a minute and 5 an hour (429). HTML.',
        consumes: ['application/x-www-form-urlencoded'],
        body: Form({ round: Round, hash: Hash }, 'The page’s send-code form'),
      },
    },
    async (request, reply) => {
      let who: Parameters<typeof showError>[3];
      try {
        const s = await formSession(request, reply);
        who = s;
        const draft = draftFor(s.view, s.partyIndex, { round: roundOf(request.body) ?? -1 });
        if (draft.signed)
          throw new AppError('action_refused', '您已签署本协议 / you have already signed this agreement');
        if (!draft.phone)
          throw new AppError(
            'action_invalid',
            '未登记可接收验证码的手机号码，请到调解委员会签署 / no phone on file: sign at the committee',
          );
        if (!opts.sendCode)
          throw new AppError(
            'unavailable',
            '短信服务暂不可用，请稍后再试 / the SMS service is unavailable: try again later',
          );
        const issued = await issueCode(app.orm.em.fork(), {
          purpose: 'sign',
          disputeId: s.disputeId,
          partyIndex: s.partyIndex,
          phone: draft.phone,
        });
        await opts.sendCode({ phone: draft.phone, text: codeSmsText(issued.code), key: `sign-code:${issued.codeRef}` });
        const secret = await partyLinkSecret(app.orm.em.fork());
        const model = signPageModel(s.view, s.partyIndex, draft, {
          codeSent: true,
          csrf: signCsrfToken(request, reply, secret, s),
        });
        model.message = `验证码已发送至尾号${model.phoneTail}的手机，5分钟内有效 / a code was sent to the phone ending ${model.phoneTail}, valid 5 minutes`;
        return page(reply, 200, model);
      } catch (err) {
        return showError(request, reply, err, who);
      }
    },
  );

  app.post(
    '/p/sign/confirm',
    {
      config: { public: true },
      schema: {
        tags: ['party-pages'],
        summary: 'Signing page: sign with the code (确认签署)',
        description:
          'Verifies the code (single use, 5 minutes, locked after 5 wrong tries) and that the hash shown is the current draft’s, then records the electronic signature ' +
          'through the workflow’s `sign` as the party (method electronic, contentSha256, channel sms_otp, codeRef). Answers 签署成功 and what the agreement waits for. HTML.',
        consumes: ['application/x-www-form-urlencoded'],
        body: Form({ round: Round, hash: Hash, code: Field('The 6-digit code', 12) }, 'The page’s confirm form'),
      },
    },
    async (request, reply) => {
      let who: Parameters<typeof showError>[3];
      try {
        const s = await formSession(request, reply);
        who = { ...s, codeSent: true };
        const body = request.body as { hash?: unknown; code?: unknown };
        const draft = draftFor(s.view, s.partyIndex, {
          round: roundOf(body) ?? -1,
          sha256: typeof body.hash === 'string' ? body.hash : '',
        });
        if (draft.signed)
          throw new AppError('action_refused', '您已签署本协议 / you have already signed this agreement');
        if (!draft.phone) throw new AppError('action_invalid', '未登记手机号码 / no phone on file');
        const { codeRef } = await verifyCode(app.orm.em.fork(), {
          purpose: 'sign',
          disputeId: s.disputeId,
          partyIndex: s.partyIndex,
          code: typeof body.code === 'string' ? body.code : '',
        });
        const after = await signElectronically(app, s.disputeId, s.actor, {
          round: draft.round,
          sha256: draft.sha256,
          codeRef,
          phone: draft.phone,
        });
        const next = whatNext(after);
        return page(
          reply,
          200,
          messagePage({
            message: '签署成功 / Signed',
            messageMore: next.effective
              ? '调解协议已生效 / the agreement has taken effect'
              : next.waitingForSeal
                ? '各方已签署，等待调解委员会盖章后生效 / everyone has signed: the agreement takes effect once the committee seals it'
                : `等待其他人签署：${next.stillToSign.join('、')} / waiting for the others to sign`,
          }),
        );
      } catch (err) {
        return showError(request, reply, err, who);
      }
    },
  );

  app.post(
    '/p/sign/refuse',
    {
      config: { public: true },
      schema: {
        tags: ['party-pages'],
        summary: 'Signing page: refuse to sign (拒绝签字), with the reason',
        description:
          'Records the refusal through the workflow’s `reject-agreement` as the party (for itself, for the draft shown): the case goes back to mediation. HTML.',
        consumes: ['application/x-www-form-urlencoded'],
        body: Form({ round: Round, reason: Field('Why (拒绝签字的理由)', 2000) }, 'The page’s refuse form'),
      },
    },
    async (request, reply) => {
      let who: Parameters<typeof showError>[3];
      try {
        const s = await formSession(request, reply);
        who = s;
        const reason = String((request.body as { reason?: unknown }).reason ?? '').trim();
        if (!reason || reason.length > 2000)
          throw new AppError(
            'action_invalid',
            '请写明拒绝签字的理由（2000字以内） / give a reason for refusing (at most 2000 characters)',
          );
        const draft = draftFor(s.view, s.partyIndex, { round: roundOf(request.body) ?? -1 });
        await refuseToSign(app, s.disputeId, s.actor, { round: draft.round, reason });
        return page(
          reply,
          200,
          messagePage({
            message: '已记录您拒绝签字 / your refusal to sign is recorded',
            messageMore:
              '协议未生效，调解员将与您联系 / the agreement does not take effect; the mediator will contact you',
          }),
        );
      } catch (err) {
        return showError(request, reply, err, who);
      }
    },
  );
};

export default partySign;
