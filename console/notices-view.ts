/**
 * The console case page's "notices to people" section (console/views/notices.hbs): the case's
 * deliveries as GET /api/v1/disputes/{id}/notices answers them (recipients masked), Chinese first.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callApi, type ConsoleContext } from './context';
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

export async function noticesView(app: FastifyInstance, request: FastifyRequest, ctx: ConsoleContext, caseId: string) {
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
  return {
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
