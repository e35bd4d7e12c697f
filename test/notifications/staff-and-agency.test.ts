/**
 * Notices beyond the parties: the summoned agency's representative gets the invitation by SMS at the
 * directory's contact, summoned parties get theirs, and a supervisor who opted in gets high-risk
 * alerts by SMS (at once, even in quiet hours). Real PostgreSQL and Temporal; SMS to a loopback receiver.
 */
import { HttpSmsGateway } from '../../notifications/channels';
import { setContactPreference } from '../../notifications/preferences';
import { parseQuietHours } from '../../notifications/quiet-hours';
import { NotificationService } from '../../notifications/service';
import { apiOf } from '../helpers/api';
import { agreedTerms, taoliLiftNoise } from '../helpers/fixtures';
import { startSmsReceiver, type SmsReceiver } from '../helpers/sms-receiver';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let receiver: SmsReceiver;
let service: NotificationService;
const AGENCY_PHONE = '13700003333';
const SUPERVISOR_PHONE = '13600004444';

beforeAll(async () => {
  receiver = await startSmsReceiver();
  service = new NotificationService({
    sms: new HttpSmsGateway(receiver.url, receiver.secret),
    linkFor: ({ disputeId, partyIndex, purpose }) =>
      `https://t.example.cn/p/${purpose}-${disputeId.slice(0, 6)}-${partyIndex}`,
    retry: { initialRetryMs: 100, maxAttempts: 3 },
  });
  sys = await startSystem({ notifications: service });
}, 60_000);
afterAll(async () => {
  await sys?.close();
  await receiver?.close();
});

it('sends the meeting invitation to the summoned party and to the agency at its directory contact', async () => {
  const api = apiOf(sys);
  const admin = await api.as('admin');
  const [agency] = await sys.orm.em
    .fork()
    .execute<{ name: string }[]>(`select name from agencies where code = 'safety-station'`);
  const put = await sys.app.inject({
    method: 'PUT',
    url: '/api/v1/admin/agencies/safety-station',
    headers: admin,
    payload: { name: agency!.name, contactPhone: AGENCY_PHONE },
  });
  expect(put.json()).toMatchObject({ contactPhone: AGENCY_PHONE });
  try {
    const m = await api.as('mediator@yufuci-community');
    const created = await api.create(taoliLiftNoise());
    await setContactPreference(sys.orm.em.fork(), created.id, 0, { consent: true, channels: ['sms'], source: 'test' });
    const accepted = await api.act(created.id, 'accept', {}, m);
    await api.consentAll(created.id, m);
    await api.act(
      created.id,
      'schedule-meeting',
      { at: '2099-01-01T02:00:00Z', place: '渔父祠社区调解室', agencies: ['safety-station'], parties: [0] },
      m,
    );
    const mine = () => receiver.messages.filter((s) => s.key.startsWith(created.id));
    await eventually(async () => mine().length >= 3, 15_000, 'acceptance, invitation and the agency SMS');
    const texts = mine().map((s) => [s.to, s.text]);
    expect(texts).toEqual(
      expect.arrayContaining([
        [
          '13800001111',
          `【枫桥调解】${accepted.caseNumber}调解会定于2099年1月1日 10:00在渔父祠社区调解室召开，请准时参加`,
        ],
        [
          AGENCY_PHONE,
          expect.stringMatching(
            new RegExp(`^【枫桥调解】.*邀请贵单位于2099年1月1日 10:00到渔父祠社区调解室参加.*联合调解$`),
          ),
        ],
      ]),
    );
  } finally {
    await sys.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/agencies/safety-station',
      headers: admin,
      payload: { name: agency!.name, contactPhone: null },
    });
  }
});

it('sends a high-risk alert by SMS to the supervisor who opted in, at once even in quiet hours', async () => {
  const api = apiOf(sys);
  const admin = await api.as('admin');
  const users = expectStatus(await sys.app.inject({ url: '/api/v1/admin/users', headers: admin }), 200).items as Array<{
    id: string;
    username: string;
  }>;
  const sup = users.find((u) => u.username === 'supervisor@yufuci-community')!;
  // No phone: refused.
  const refused = await sys.app.inject({
    method: 'PATCH',
    url: `/api/v1/admin/users/${sup.id}`,
    headers: admin,
    payload: { smsAlerts: true },
  });
  expect(refused.statusCode).toBe(400);
  // A phone on file but not opted in: a high-risk case sends the supervisor nothing.
  expect(
    (
      await sys.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${sup.id}`,
        headers: admin,
        payload: { phone: SUPERVISOR_PHONE },
      })
    ).statusCode,
  ).toBe(200);
  const before = await api.create({ ...taoliLiftNoise(), highRisk: true });
  await new Promise((r) => setTimeout(r, 2000));
  expect(receiver.messages.filter((s) => s.key.startsWith(`alert:${before.id}`))).toHaveLength(0);
  const patched = await sys.app.inject({
    method: 'PATCH',
    url: `/api/v1/admin/users/${sup.id}`,
    headers: admin,
    payload: { phone: SUPERVISOR_PHONE, smsAlerts: true },
  });
  expect(patched.json()).toMatchObject({ phone: SUPERVISOR_PHONE, smsAlerts: true });
  const now = new Date(Date.now() + 8 * 3600_000);
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  service.deps.quietHours = parseQuietHours(`${hhmm(now.getTime() - 3600_000)}-${hhmm(now.getTime() + 3600_000)}`);
  try {
    const created = await api.create({ ...taoliLiftNoise(), highRisk: true });
    const sms = await eventually(
      async () => receiver.messages.find((s) => s.key.startsWith(`alert:${created.id}`)),
      15_000,
      'the alert SMS',
    );
    expect(sms.to).toBe(SUPERVISOR_PHONE);
    expect(sms.text).toMatch(/^【枫桥调解】高风险预警：.+可能激化，请即登录处置$/);
  } finally {
    service.deps.quietHours = undefined;
    await sys.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${sup.id}`,
      headers: admin,
      payload: { smsAlerts: false, phone: null },
    });
  }
});

it('sends the party the agreement to sign (signing link), then the judicial-confirmation window once effective', async () => {
  const api = apiOf(sys);
  const m = await api.as('mediator@yufuci-community');
  const created = await api.create(taoliLiftNoise());
  await setContactPreference(sys.orm.em.fork(), created.id, 0, { consent: true, channels: ['sms'], source: 'test' });
  const accepted = await api.act(created.id, 'accept', {}, m);
  await api.consentAll(created.id, m);
  await api.act(created.id, 'resolve', agreedTerms(), m);
  for (const signer of ['party:0', 'party:1', 'mediator'])
    await api.act(created.id, 'sign', { signer, method: 'signature' }, m);
  const sealed = await api.act(created.id, 'seal', {}, m);
  const mine = () => receiver.messages.filter((s) => s.key.startsWith(created.id)).map((s) => s.text);
  await eventually(async () => mine().length >= 3, 15_000, 'acceptance, agreement and window SMS');
  const n = accepted.caseNumber;
  expect(mine()).toEqual(
    expect.arrayContaining([
      `【枫桥调解】${n}调解协议请核对签署：https://t.example.cn/p/sign-${created.id.slice(0, 6)}-0`,
      expect.stringMatching(
        new RegExp(
          `^【枫桥调解】.*${n.replace(/[()（）]/g, '.')}调解协议已生效，可于30日内（\\d{4}年\\d{1,2}月\\d{1,2}日前）共同向法院申请司法确认$`,
        ),
      ),
    ]),
  );
  expect(sealed.stage).toBeDefined();
});
