/**
 * How a party reaches its page: a signed link from a notice (GET /p/{token}), or its case number and
 * the phone on file with a one-time code (GET/POST /p/login, POST /p/login/verify). The login never
 * says whether a case or a phone exists: the same neutral answer either way, and a code goes only to
 * the phone on file. Limits: per IP on the routes, per case on the code requests, and the code's own
 * (parties/codes.ts: 1 a minute, 5 an hour, 5 wrong tries).
 */
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { Dispute } from '../../db/entities';
import type { DisputeView } from '../../domain/types';
import { CodeRefused, codeSmsText, issueCode, verifyCode } from '../../parties/codes';
import { partyLinkSecret, readPartyLinkToken } from '../../parties/links';
import { endPartySession, startPartySession } from '../party-session';
import { AppError } from '../errors';
import { messagePage, type PartyPagesOptions } from './party';

/** A mainland mobile as its last 11 digits (+86, 0086, spaces and hyphens dropped). */
export function phoneKey(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  return digits.length >= 11 ? digits.slice(-11) : digits;
}

/** The parties of a case whose phone on file (or their legal representative's) is `phone`. */
export function partiesWithPhone(view: DisputeView, phone: string): Array<{ index: number; phone: string }> {
  const key = phoneKey(phone);
  if (key.length < 7) return [];
  const out: Array<{ index: number; phone: string }> = [];
  view.parties.forEach((p, index) => {
    for (const onFile of [p.phone, p.legalRepresentative?.phone])
      if (onFile && phoneKey(onFile) === key) {
        out.push({ index, phone: onFile });
        return;
      }
  });
  return out;
}

const NEUTRAL =
  '如果案号和手机号与登记信息一致，验证码已发送到该手机，5分钟内有效。/ If the case number and phone match our records, a code has been sent to that phone.';
const CODE_FAILED =
  '验证码不正确、已过期或已失效，请核对后重试或重新获取。/ The code is wrong, expired or no longer valid: check it or request a new one.';

const str = (v: unknown, max: number): string => (typeof v === 'string' ? v.trim().slice(0, max) : '');

async function findByNumber(app: FastifyInstance, caseNumber: string): Promise<Dispute | null> {
  if (!caseNumber) return null;
  return app.orm.em.fork().findOne(Dispute, { caseNumber });
}

const partyAccess: FastifyPluginAsync<PartyPagesOptions> = async (app, opts) => {
  const perMinute = opts.perMinute ?? 10;
  const perIp = {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (r: { ip: string }) => `p-login:${normalizeIP(r.ip)}`,
  };
  // Per case and phone: 10 code requests an hour whatever the address (one case cannot be used to
  // spray SMS), counted apart for each phone typed, so that someone typing wrong phones for a case
  // (its number is public on Open311) cannot lock its parties out.
  const perCase = app.createRateLimit({
    max: 10,
    timeWindow: 3600_000,
    keyGenerator: (r) => {
      const body = (r.body ?? {}) as Record<string, unknown>;
      return `p-code-case:${str(body.caseNumber, 64)}:${str(body.phone, 20).replace(/\D/g, '')}`;
    },
  });

  const loginPage = (
    reply: import('fastify').FastifyReply,
    status: number,
    v: { caseNumber?: string; phone?: string; message?: string; error?: boolean },
  ) =>
    reply.status(status).view('login.hbs', {
      pageTitle: '查看我的案件',
      csrf: reply.generateCsrf(),
      caseNumber: v.caseNumber ?? '',
      phone: v.phone ?? '',
      message: v.message ?? null,
      error: v.error ?? false,
    });

  app.get('/p/login', { config: { public: true } }, async (_request, reply) => loginPage(reply, 200, {}));

  app.post(
    '/p/login',
    { config: { public: true, rateLimit: perIp }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, unknown>;
      const caseNumber = str(form.caseNumber, 64);
      const phone = str(form.phone, 20);
      if (!caseNumber || !phone)
        return loginPage(reply, 400, {
          caseNumber,
          phone,
          message: '请填写案号和手机号 / Enter the case number and phone',
          error: true,
        });
      const limited = await perCase(request);
      if (!limited.isAllowed && limited.isExceeded)
        throw new AppError('rate_limited', '请求过于频繁，请稍后再试 / too many requests: try again later');
      const found = await findByNumber(app, caseNumber);
      const match = found ? partiesWithPhone(found.state, phone)[0] : undefined;
      if (found && match) {
        try {
          const issued = await issueCode(app.orm.em.fork(), {
            purpose: 'access',
            disputeId: found.id,
            partyIndex: match.index,
            phone: match.phone,
          });
          // Not awaited: the answer takes the same time whether or not the phone is on file.
          if (opts.sendCode)
            void opts
              .sendCode({ phone: match.phone, text: codeSmsText(issued.code), key: issued.codeRef })
              .catch((err: unknown) => request.log.error({ err }, 'access code not sent'));
          else request.log.warn('no SMS channel configured: the access code was not sent');
        } catch (err) {
          // Refused (too many codes) or not sent: the same neutral answer, nothing told about the case.
          if (!(err instanceof CodeRefused)) request.log.error({ err }, 'access code not sent');
        }
      }
      return reply.view('verify.hbs', {
        pageTitle: '输入验证码',
        csrf: reply.generateCsrf(),
        caseNumber,
        phone,
        message: NEUTRAL,
        error: null,
      });
    },
  );

  app.post(
    '/p/login/verify',
    { config: { public: true, rateLimit: perIp }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, unknown>;
      const caseNumber = str(form.caseNumber, 64);
      const phone = str(form.phone, 20);
      const code = str(form.code, 12);
      const found = await findByNumber(app, caseNumber);
      const match = found ? partiesWithPhone(found.state, phone)[0] : undefined;
      if (found && match) {
        try {
          await verifyCode(app.orm.em.fork(), {
            purpose: 'access',
            disputeId: found.id,
            partyIndex: match.index,
            code,
          });
          await startPartySession(reply, { disputeId: found.id, partyIndex: match.index });
          return reply.redirect('/p/case', 303);
        } catch (err) {
          if (!(err instanceof CodeRefused)) throw err;
        }
      }
      // Every refusal the same words: whether the case, the phone or a code exists stays unsaid.
      return reply.status(400).view('verify.hbs', {
        pageTitle: '输入验证码',
        csrf: reply.generateCsrf(),
        caseNumber,
        phone,
        message: NEUTRAL,
        error: CODE_FAILED,
      });
    },
  );

  app.post('/p/logout', { config: { public: true }, preHandler: app.csrfProtection }, async (_request, reply) => {
    endPartySession(reply);
    return reply.redirect('/p/login', 303);
  });

  // A link from a notice (case purpose only; signing links are /p/sign/{token}).
  app.get('/p/:token', { config: { public: true, rateLimit: perIp } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const claim = readPartyLinkToken(await partyLinkSecret(app.orm.em.fork()), token);
    const found = claim?.purpose === 'case' ? await app.orm.em.fork().findOne(Dispute, { id: claim.disputeId }) : null;
    if (!claim || !found || !found.state.parties[claim.partyIndex])
      return messagePage(reply, 404, {
        heading: '链接无效或已过期',
        message:
          '这个链接无效或已过期。请用案号和手机号登录。/ This link is not valid or has expired: sign in with the case number and phone.',
        error: true,
        back: { href: '/p/login', label: '登录 / Sign in' },
      });
    await startPartySession(reply, { disputeId: claim.disputeId, partyIndex: claim.partyIndex });
    return reply.redirect('/p/case', 303);
  });
};

export default partyAccess;
