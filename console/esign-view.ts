/**
 * The console's part of signing on one's own phone (issue 22, item 4): the case page lists how each
 * signature was given and who is still to sign (console/case-signing.ts: 现场签名, 按指印, 盖章 or
 * 电子签名 with the phone's last digits), and, while a written draft awaits signatures, a button
 * per party still to sign that sends it its signing link by SMS (POST /console/cases/{id}/signing-link/{index},
 * which calls POST /api/v1/disputes/{id}/parties/{index}/signing-link with send: true).
 */
import type { FastifyInstance } from 'fastify';
import { callApi, checkCsrf, signedIn } from './context';
import type { CaseDoc } from './case-view';
import { signatureChecklist } from './case-signing';
import type { ConsoleDict, ConsoleLang } from './i18n';

const WORDS = {
  zh: { title: '签署情况', send: '发送签署链接', sent: '签署链接已发送至尾号{tail}的手机', failed: '签署链接未发送' },
  en: {
    title: 'Signatures',
    send: 'Send the signing link',
    sent: 'Signing link sent to the phone ending {tail}',
    failed: 'The signing link was not sent',
  },
};

/** Why a link was not sent, by the API's status (fixed words: the query string reflects no text). */
const WHY: Record<string, { zh: string; en: string }> = {
  '403': { zh: '仅承办调委会的调解员可以发送', en: 'only the mediators of the committee holding the case send it' },
  '409': {
    zh: '该当事人已签署，或当前没有待签署的协议',
    en: 'the party has signed, or no agreement awaits signatures',
  },
  '422': { zh: '该当事人（或其法定代理人）未登记手机号码，请安排纸质签署', en: 'no phone on file: sign on paper' },
  '503': { zh: '短信服务暂不可用', en: 'the SMS service is unavailable' },
};

/**
 * The case page's signature block: the checklist (console/case-signing.ts) with a send-link button
 * beside each party still to sign. Null when there is no written agreement.
 */
export function signingView(
  c: CaseDoc,
  t: ConsoleDict,
  lang: ConsoleLang,
  query: Record<string, string | undefined> = {},
) {
  const checklist = signatureChecklist(c, t, lang);
  if (!checklist) return null;
  const w = lang === 'zh-CN' ? WORDS.zh : WORDS.en;
  const tail = /^[0-9]{4}$/.test(query.linkSent ?? '') ? query.linkSent! : null;
  const why = query.linkFailed ? (WHY[query.linkFailed] ?? { zh: '发送失败', en: 'sending failed' }) : undefined;
  const failed = why ? (lang === 'zh-CN' ? why.zh : why.en) : null;
  return {
    ...checklist,
    title: w.title,
    send: w.send,
    notice: tail ? w.sent.replace('{tail}', tail) : null,
    failed: failed ? `${w.failed}：${failed}` : null,
  };
}

/** POST /console/cases/{id}/signing-link/{index}: send a party its signing link, then back to the case. */
export function registerSigningLinkForm(app: FastifyInstance): void {
  app.post('/console/cases/:id/signing-link/:index', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const { id, index } = request.params as { id: string; index: string };
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id) || !/^[0-9]{1,2}$/.test(index)) return reply.redirect('/console/inbox', 303);
    checkCsrf(ctx, request.body);
    const answer = await callApi<{ phoneTail: string }>(
      app,
      request,
      ctx,
      'POST',
      `/api/v1/disputes/${encodeURIComponent(id)}/parties/${index}/signing-link`,
      { send: true },
    );
    const back = `/console/cases/${encodeURIComponent(id)}`;
    if (answer.status === 401) return reply.redirect(`/console/login?expired=1&next=${encodeURIComponent(back)}`, 303);
    if (answer.status === 200) return reply.redirect(`${back}?linkSent=${answer.body.phoneTail}#h-signatures`, 303);
    return reply.redirect(`${back}?linkFailed=${answer.status}#h-signatures`, 303);
  });
}
