/**
 * The console case page's "notices to people" section (console/views/notices.hbs): the case's
 * deliveries as GET /api/v1/disputes/{id}/notices answers them (recipients masked), Chinese first.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callApi, checkCsrf, signedIn, type ConsoleContext } from './context';
import { beijingDateTime } from '../domain/beijing-time';
import type { DeliveryView } from '../notifications/deliveries';

const KIND: Record<string, [string, string]> = {
  acceptance: ['受理通知', 'Acceptance'],
  meeting_invitation: ['调解会通知', 'Meeting invitation'],
  meeting_reminder: ['调解会提醒', 'Meeting reminder'],
  agreement_to_sign: ['协议签署', 'Agreement to sign'],
  judicial_window: ['司法确认期限', 'Judicial confirmation window'],
  follow_up: ['回访评价', 'Follow-up'],
  agency_invitation: ['部门邀请', 'Agency invitation'],
  high_risk_alert: ['高风险预警', 'High-risk alert'],
  one_time_code: ['验证码', 'One-time code'],
};
const STATUS: Record<string, [string, string]> = {
  queued: ['待发送', 'queued'],
  sent: ['已发送', 'sent'],
  failed: ['发送失败', 'failed'],
  skipped: ['未发送', 'skipped'],
};
const REASON: Record<string, [string, string]> = {
  no_consent: ['未同意接收', 'no consent'],
  no_address: ['无联系方式', 'no contact'],
  channel_not_allowed: ['未选此方式', 'channel not chosen'],
  attempts_exhausted: ['多次重试失败', 'retries exhausted'],
};
const CHANNEL: Record<string, [string, string]> = { sms: ['短信', 'SMS'], email: ['邮件', 'e-mail'] };

interface ContactView {
  consent: boolean;
  channels: string[];
  email?: string | null;
  consentAt?: string | null;
}

/**
 * Each party's consent to be contacted and its channels, as GET …/contacts/{i} answers it, with the
 * form that records it (PUT …/contacts/{i}: staff holding the case; others see no form).
 */
async function contactsView(
  app: FastifyInstance,
  request: FastifyRequest,
  ctx: ConsoleContext,
  caseId: string,
  parties: Array<{ name: string; phone?: string }>,
  zh: boolean,
) {
  return Promise.all(
    parties.map(async (p, index) => {
      const res = await callApi<ContactView>(
        app,
        request,
        ctx,
        'GET',
        `/api/v1/disputes/${encodeURIComponent(caseId)}/contacts/${index}`,
      );
      const pref = res.status === 200 ? res.body : undefined;
      const channels = pref?.channels ?? [];
      return {
        index,
        name: p.name,
        status: pref?.consent
          ? `${zh ? '已同意接收' : 'consented'}：${channels.map((c) => word(CHANNEL, c, zh ? 0 : 1)).join('、') || '—'}`
          : zh
            ? '未同意接收通知'
            : 'no consent to be contacted',
        consent: !!pref?.consent,
        sms: channels.includes('sms'),
        email: channels.includes('email'),
        emailAddress: pref?.email ?? '',
        action: `/console/cases/${encodeURIComponent(caseId)}/contacts/${index}`,
      };
    }),
  );
}

const word = (table: Record<string, [string, string]>, v: string | undefined, i: number) =>
  v ? (table[v]?.[i] ?? v) : null;

/** POST /console/cases/{id}/contacts/{index}: record a party's consent and channels, then back to the case. */
export function registerContactForm(app: FastifyInstance): void {
  app.post('/console/cases/:id/contacts/:index', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const { id, index } = request.params as { id: string; index: string };
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id) || !/^[0-9]{1,2}$/.test(index)) return reply.redirect('/console/inbox', 303);
    checkCsrf(ctx, request.body);
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    const channels = [form.sms === 'on' ? 'sms' : undefined, form.email === 'on' ? 'email' : undefined].filter(
      (c): c is string => !!c,
    );
    const answer = await callApi(
      app,
      request,
      ctx,
      'PUT',
      `/api/v1/disputes/${encodeURIComponent(id)}/contacts/${index}`,
      {
        consent: form.consent === 'yes',
        channels,
        ...(form.emailAddress?.trim() ? { email: form.emailAddress.trim() } : {}),
        ...(form.source && /^(in_person|phone|written)$/.test(form.source) ? { source: form.source } : {}),
      },
    );
    const back = `/console/cases/${encodeURIComponent(id)}`;
    if (answer.status === 401) return reply.redirect(`/console/login?expired=1&next=${encodeURIComponent(back)}`, 303);
    return reply.redirect(`${back}?contact=${answer.status === 200 ? 'saved' : answer.status}#h-notices`, 303);
  });
}

export async function noticesView(
  app: FastifyInstance,
  request: FastifyRequest,
  ctx: ConsoleContext,
  caseId: string,
  parties: Array<{ name: string; phone?: string }> = [],
  opts: { mayRecord?: boolean; saved?: string } = {},
) {
  const i = ctx.lang === 'zh-CN' ? 0 : 1;
  const word = (table: Record<string, [string, string]>, v?: string) => (v ? (table[v]?.[i] ?? v) : null);
  const res = await callApi<{ items: DeliveryView[] }>(
    app,
    request,
    ctx,
    'GET',
    `/api/v1/disputes/${encodeURIComponent(caseId)}/notices`,
  );
  const items = res.status === 200 ? res.body.items : [];
  const zh = i === 0;
  return {
    contacts: await contactsView(app, request, ctx, caseId, parties, zh),
    mayRecord: !!opts.mayRecord,
    saved:
      opts.saved === 'saved'
        ? zh
          ? '已记录当事人接收通知的意愿'
          : 'the party’s consent is recorded'
        : opts.saved
          ? `${zh ? '未能记录' : 'not recorded'} (${opts.saved})`
          : null,
    words: zh
      ? {
          contactsTitle: '当事人接收通知的意愿',
          consent: '同意接收通知',
          withdraw: '不同意 / 撤回同意',
          sms: '短信',
          email: '邮件',
          emailAddress: '邮箱',
          source: '告知方式',
          sources: { in_person: '当面', phone: '电话', written: '书面' },
          save: '记录',
        }
      : {
          contactsTitle: 'Consent to be contacted',
          consent: 'consents to notices',
          withdraw: 'no consent / withdrawn',
          sms: 'SMS',
          email: 'e-mail',
          emailAddress: 'e-mail address',
          source: 'given',
          sources: { in_person: 'in person', phone: 'by phone', written: 'in writing' },
          save: 'Record',
        },
    title: i === 0 ? '通知送达' : 'Notices to people',
    head: i === 0 ? ['通知', '方式', '接收人', '状态', '时间'] : ['Notice', 'Channel', 'To', 'Status', 'Time'],
    none: i === 0 ? '尚无通知' : 'No notices yet',
    rows: items.map((d) => ({
      kind: word(KIND, d.kind),
      channel: word(CHANNEL, d.channel),
      to: d.recipient,
      status: d.status,
      statusLabel: word(STATUS, d.status),
      reason: word(REASON, d.reason),
      attempts: d.attempts > 1 ? (i === 0 ? `重试${d.attempts - 1}次` : `${d.attempts} attempts`) : null,
      at: beijingDateTime(d.sentAt ?? d.notBefore ?? d.createdAt),
    })),
  };
}
