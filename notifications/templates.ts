/**
 * The texts of notices to people, per kind: Chinese, short enough for one SMS (70 characters with
 * the 【枫桥调解】 signature, for the usual case number, place and link lengths: tested in
 * test/notifications/templates.test.ts); the e-mail carries the same Chinese, then English.
 * Times are Beijing time in Chinese form.
 */
import { beijingDate, beijingDateTime } from '../domain/beijing-time';

export const SMS_SIGNATURE = '枫桥调解';
/** One SMS: 70 characters (GSM 03.38 UCS-2 single segment), the signature included. */
export const SMS_LIMIT = 70;

export type NoticeKind =
  | 'acceptance'
  | 'meeting_invitation'
  | 'meeting_reminder'
  | 'agreement_to_sign'
  | 'judicial_window'
  | 'follow_up'
  | 'agency_invitation'
  | 'high_risk_alert'
  | 'one_time_code';

export interface NoticeData {
  caseNumber?: string;
  link?: string;
  /** ISO instant of a meeting. */
  at?: string;
  place?: string;
  remoteLink?: string;
  /** ISO instant: end of the judicial-confirmation window. */
  dueAt?: string;
  unitName?: string;
  code?: string;
  minutes?: number;
}

export interface NoticeText {
  /** The SMS body without the signature (Aliyun adds the SignName itself; the other channels prefix it). */
  sms: string;
  subject: string;
  /** Chinese first, then English. */
  email: string;
}

/** The SMS as the person reads it: 【枫桥调解】 and the body. */
/** The text with its SMS signature in front (once: a text that already opens with one keeps it). */
export const signedSms = (body: string, sign = SMS_SIGNATURE): string =>
  body.startsWith('【') ? body : `【${sign}】${body}`;

const need = (v: string | undefined, what: string): string => {
  if (!v) throw new Error(`notice text needs ${what}`);
  return v;
};

export function noticeText(kind: NoticeKind, d: NoticeData): NoticeText {
  const n = d.caseNumber ?? '';
  switch (kind) {
    case 'acceptance': {
      const link = need(d.link, 'a link');
      return {
        sms: `纠纷已受理，案号${n}，进展：${link}`,
        subject: `纠纷已受理 ${n} / Your dispute was accepted`,
        email: `您反映的纠纷已由人民调解委员会受理，案号${n}。案件进展、调解时间和文书请看：${link}\n\nYour dispute was accepted by the people's mediation committee, case number ${n}. Follow its progress: ${link}`,
      };
    }
    case 'meeting_invitation':
    case 'meeting_reminder': {
      const time = beijingDateTime(need(d.at, 'the meeting time'));
      const place = need(d.place, 'the place');
      const remote = d.remoteLink ? `，线上参加：${d.remoteLink}` : '';
      const head = kind === 'meeting_reminder' ? '提醒：' : '';
      return {
        sms: `${head}${n}调解会定于${time}在${place}召开${remote}，请准时参加`,
        subject: `${kind === 'meeting_reminder' ? '调解会提醒' : '调解会通知'} ${n} / Mediation meeting${kind === 'meeting_reminder' ? ' reminder' : ''}`,
        email:
          `${head}案件${n}的调解会定于${time}（北京时间）在${place}召开${remote}，请准时参加。\n\n` +
          `${kind === 'meeting_reminder' ? 'Reminder: ' : ''}The mediation meeting of case ${n} is at ${time} (Beijing time), at ${place}${d.remoteLink ? `; join remotely: ${d.remoteLink}` : ''}.`,
      };
    }
    case 'agreement_to_sign': {
      const link = need(d.link, 'a link');
      return {
        sms: `${n}调解协议请核对签署：${link}`,
        subject: `请签署调解协议 ${n} / Please sign the mediation agreement`,
        email: `案件${n}的调解协议已拟好，请核对全文后签署：${link}\n\nThe mediation agreement of case ${n} is ready: read it and sign: ${link}`,
      };
    }
    case 'judicial_window': {
      const due = beijingDate(need(d.dueAt, 'the end of the window'));
      return {
        sms: `${n}调解协议已生效，可于30日内（${due}前）共同向法院申请司法确认`,
        subject: `调解协议已生效 ${n} / The agreement is in force`,
        email:
          `案件${n}的调解协议已生效。双方可自协议生效之日起30日内（${due}前）共同向人民法院申请司法确认（人民调解法第三十三条）。\n\n` +
          `The agreement of case ${n} is in force. Within 30 days (by ${due}) the parties may jointly apply to the court for judicial confirmation.`,
      };
    }
    case 'follow_up': {
      const link = need(d.link, 'a link');
      return {
        sms: `${n}回访，请评价调解：${link}`,
        subject: `回访与评价 ${n} / Follow-up: rate the mediation`,
        email: `案件${n}回访：协议履行得如何？请对本次调解作出评价：${link}\n\nFollow-up of case ${n}: how is the agreement being performed? Please rate the mediation: ${link}`,
      };
    }
    case 'agency_invitation': {
      const time = beijingDateTime(need(d.at, 'the meeting time'));
      const place = need(d.place, 'the place');
      return {
        sms: `${d.unitName ?? ''}邀请贵单位于${time}到${place}参加${n}联合调解`,
        subject: `联合调解邀请 ${n} / Invitation to a joint mediation`,
        email:
          `${d.unitName ?? ''}邀请贵单位派员于${time}（北京时间）到${place}参加案件${n}的联合调解，请登录系统报到。\n\n` +
          `Invitation from ${d.unitName ?? 'the committee'}: your agency is invited to the joint mediation of case ${n} at ${time} (Beijing time), ${place}. Please report in on the system.`,
      };
    }
    case 'high_risk_alert':
      return {
        sms: `高风险预警：${n}（${d.unitName ?? ''}）可能激化，请即登录处置`,
        subject: `高风险预警 ${n} / High-risk alert`,
        email: `高风险预警：案件${n}（${d.unitName ?? ''}）可能激化，请即登录系统处置。\n\nHigh-risk alert: case ${n} (${d.unitName ?? ''}) may escalate. Please log in and act.`,
      };
    case 'one_time_code': {
      const code = need(d.code, 'the code');
      return {
        sms: `验证码${code}，${d.minutes ?? 10}分钟内有效，请勿告诉他人`,
        subject: `验证码 / Verification code`,
        email: `验证码${code}，${d.minutes ?? 10}分钟内有效，请勿告诉他人。\n\nYour code is ${code}, valid for ${d.minutes ?? 10} minutes. Do not share it.`,
      };
    }
  }
}

/** The one-time code's SMS body (for parties/ and the signing page): urgent, sent at once. */
export const oneTimeCodeText = (code: string, minutes = 10): string =>
  noticeText('one_time_code', { code, minutes }).sms;
