/** Every notice kind fits one SMS (70 characters with 【枫桥调解】) for usual values; e-mails are Chinese, then English. */
import { ISO_INSTANT } from '../../domain/beijing-time';
import { noticeText, signedSms, SMS_LIMIT, type NoticeKind } from '../../notifications/templates';
import { parseQuietHours, sendableAt } from '../../notifications/quiet-hours';

const data = {
  caseNumber: '（2026）武渔调字第128号',
  link: 'https://tj.changde.gov.cn/p/AbCdEf12',
  at: '2026-12-09T01:30:00Z',
  place: '渔父祠社区调委会调解室',
  dueAt: '2027-01-05T16:00:00Z',
  unitName: '渔父祠社区调委会',
  code: '482913',
  minutes: 10,
};
const KINDS: NoticeKind[] = [
  'acceptance',
  'meeting_invitation',
  'meeting_reminder',
  'agreement_to_sign',
  'judicial_window',
  'follow_up',
  'agency_invitation',
  'high_risk_alert',
  'one_time_code',
];

it.each(KINDS)('%s fits one SMS, in Beijing time, Chinese form', (kind) => {
  const t = noticeText(kind, data);
  const sms = signedSms(t.sms);
  expect([...sms].length).toBeLessThanOrEqual(SMS_LIMIT);
  expect(sms).not.toMatch(ISO_INSTANT);
  expect(t.email).toMatch(/^[\u4e00-\u9fa5（]/);
  expect(t.email.split('\n\n')[1]).toMatch(/^[A-Z]/);
});

it('writes times as Beijing time in Chinese form', () => {
  expect(noticeText('meeting_invitation', data).sms).toContain('2026年12月9日 09:30');
  expect(noticeText('judicial_window', data).sms).toContain('30日内（2027年1月6日前）');
});

it('quiet hours across midnight hold a notice until 08:00 Beijing time', () => {
  const quiet = parseQuietHours('21:00-08:00');
  expect(sendableAt(new Date('2026-12-06T14:30:00Z'), quiet).toISOString()).toBe('2026-12-07T00:00:00.000Z'); // 22:30 → 08:00
  expect(sendableAt(new Date('2026-12-06T23:59:00Z'), quiet).toISOString()).toBe('2026-12-07T00:00:00.000Z'); // 07:59
  expect(sendableAt(new Date('2026-12-06T05:00:00Z'), quiet).toISOString()).toBe('2026-12-06T05:00:00.000Z'); // 13:00: now
  expect(() => parseQuietHours('25:00-08:00')).toThrow();
});
