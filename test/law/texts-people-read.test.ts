/**
 * Times and words people read (issue 21 item 8), through the API on the real workflow with short
 * wall-clock policies: every alert and notice a case sends on the way (accept warning and breach with
 * the automatic escalation, high risk and the police referral, a community's invitation with its
 * reminder and a decline, handling warning and breach, signatures overdue, an effective agreement,
 * a street's notice with the report-in breach and its 督办) and the rendered meeting notices show
 * Beijing time in Chinese form, never an ISO instant, and no English codes inside the Chinese.
 *
 * And 人民调解法 Art. 25: the police referral of a high-risk report is proposed to the mediator at
 * intake and sent only when the mediator confirms it with the preventive measures taken.
 */
import { Alert, Notification } from '../../db/entities';
import { ISO_INSTANT } from '../../domain/beijing-time';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf, type Headers } from '../helpers/api';
import { consoleLogin, cookiesOf, formCsrfOf } from '../helpers/console';
import { recordHistory } from '../helpers/histories';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { TEST_PASSWORD } from '../helpers/run-state';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { LAW_CATEGORY, LAW_PRIORITY, insertLawPolicies } from './policies';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  await insertLawPolicies(sys);
});
afterAll(() => sys?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const report = (gridCode: string, extra: object = {}) => ({
  gridCode,
  category: LAW_CATEGORY,
  priority: LAW_PRIORITY,
  title: '承包地边界纠纷',
  description: '两户村民因承包地边界发生争执。',
  parties: [
    { name: '赵某', role: 'applicant', kind: 'person' },
    { name: '钱某', role: 'respondent', kind: 'person' },
  ],
  channel: 'grid',
  ...extra,
});
const alertsOf = async (id: string) => sys.orm.em.fork().find(Alert, { disputeId: id }, { orderBy: { id: 'asc' } });
const noticesOf = async (id: string) => sys.orm.em.fork().find(Notification, { disputeId: id });
const documentText = async (id: string, kind: string, headers: Headers, lang: string) => {
  const res = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/${kind}?lang=${lang}`, headers });
  expect(res.statusCode).toBe(200);
  return res.body;
};

it('the police referral of a high-risk report is proposed at intake and sent when the mediator confirms it (Art. 25)', async () => {
  const created = await api.create(
    report('yufuci-taoli', { highRisk: true, description: '一方扬言持刀上门，两户村民因承包地边界发生争执。' }),
  );
  expect(created.risk.reasons).toEqual(expect.arrayContaining(['reporter flagged high risk', 'keyword: 持刀']));
  // Accepted at once (this file's policy escalates an unaccepted ticket after 3 s).
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);
  const supervisor = await api.as('supervisor@yufuci-community');
  const highRisk = await eventually(
    async () => (await api.alerts(created.id, supervisor)).find((a) => a.kind === 'high_risk'),
    10_000,
    'high_risk alert',
  );
  // In Chinese, with the reasons as the practice says them, proposing the report to the mediator.
  expect(highRisk.message).toContain('反映人标记为高风险');
  expect(highRisk.message).toContain('关键词：持刀');
  expect(highRisk.message).toContain('报告当地公安机关');
  expect(highRisk.message).not.toMatch(/reporter flagged|keyword:/);
  // Proposed, not sent: no notice to the police yet.
  await sleep(500);
  expect((await noticesOf(created.id)).filter((n) => n.kind === 'high_risk_referral')).toEqual([]);

  const measures = '已分别约谈双方，告知不得采取过激行为，并安排网格员每日走访';
  const referred = await api.act(created.id, 'refer-to-police', { measures, note: '请派出所关注' }, mediator);
  expect(referred.policeReferral).toMatchObject({ measures, note: '请派出所关注' });
  const notice = await eventually(
    async () => (await noticesOf(created.id)).find((n) => n.kind === 'high_risk_referral'),
    10_000,
    'police referral notice',
  );
  expect(notice.recipients).toEqual(['police']);
  expect(notice.message).toContain(`已采取的预防措施：${measures}`);
  expect(notice.message).toContain('人民调解法第二十五条');
  expect(notice.message).not.toMatch(ISO_INSTANT);
  // Once: a second referral is refused, naming when it was sent.
  const again = await api.tryAct(created.id, 'refer-to-police', { measures: '再次报告' }, mediator);
  expect(again.statusCode).toBe(422);
  expect(again.json().detail).toMatch(/^已于\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}报告公安机关/);
  await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'law-high-risk-police-referral-confirmed');
});

it('every alert and notice on the way, and the meeting notices, show Beijing time in Chinese and no codes', async () => {
  const ids: string[] = [];

  // 1. Nobody accepts: accept warning and breach, escalated to the street (3 s at community level).
  const unanswered = await api.create(report('yufuci-taoli', { description: '一方扬言报复，两户村民发生争执。' }));
  ids.push(unanswered.id);

  // 2. A community's invitation (reminder, a decline), then handling warning and breach, signatures overdue, an effective agreement.
  const community = await api.create(report('yufuci-taoli'));
  ids.push(community.id);
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(community.id, 'accept', {}, mediator);
  await api.consentAll(community.id, mediator);
  const at = meetingSoon(2_000);
  await api.act(
    community.id,
    'schedule-meeting',
    { at, place: '渔父祠社区会议室', agencies: ['safety-station'] },
    mediator,
  );
  await api.act(community.id, 'decline-attendance', { reason: '当日另有任务' }, await api.as('rep@safety-station'));
  await untilMeetingStarts(at);
  await api.act(
    community.id,
    'record-outcome',
    {
      result: 'agreed',
      facts: '双方对边界走向认识不一。',
      matters: '承包地边界。',
      responsibilities: '双方各负同等责任。',
      terms: [
        {
          text: '双方按确权图重新埋设界桩',
          obligor: '赵某',
          method: '共同施工',
          place: '承包地现场',
          dueDate: '2099-12-20',
        },
      ],
    },
    mediator,
  );

  // 3. The street convenes; the agency does not report in: breach and 督办.
  const streetCase = await api.create(report('wangjiaqiao-g1'));
  ids.push(streetCase.id);
  const wangjiaqiao = await api.as('mediator@wangjiaqiao-community');
  await api.act(streetCase.id, 'accept', {}, wangjiaqiao);
  await api.act(streetCase.id, 'escalate', { reason: '需街道协调' }, wangjiaqiao);
  const street = await api.as('mediator@wangjiaqiao-street');
  await api.act(streetCase.id, 'accept', {}, street);
  await api.consentAll(streetCase.id, street);
  await api.act(
    streetCase.id,
    'schedule-meeting',
    { at: meetingSoon(60_000), place: '汪家桥街道会议室', agencies: ['housing-center'] },
    street,
  );

  const expected = [
    'accept_warning',
    'accept_breach',
    'high_risk',
    'attendance_declined',
    'handling_warning',
    'handling_breach',
    'signature_overdue',
    'report_in_breach',
    'report_in_supervision',
  ];
  const all = await eventually(
    async () => {
      const alerts = (await Promise.all(ids.map(alertsOf))).flat();
      const kinds = new Set<string>(alerts.map((a) => a.kind));
      return expected.every((k) => kinds.has(k)) ? alerts : undefined;
    },
    20_000,
    `alerts ${expected.join(', ')}`,
  );

  // The agreement takes effect (every party and the mediator sign, the committee's seal).
  const supervisor = await api.as('supervisor@yufuci-community');
  for (const signer of ['party:0', 'party:1', 'mediator'])
    await api.tryAct(community.id, 'sign', { signer, method: 'signature' }, mediator);
  await api.tryAct(community.id, 'seal', {}, supervisor);

  const notices = (await Promise.all(ids.map(noticesOf))).flat();
  expect(new Set(notices.map((n) => n.kind))).toEqual(new Set(['meeting_summons', 'meeting_reminder']));
  const texts = [...all.map((a) => `${a.kind}: ${a.message}`), ...notices.map((n) => `${n.kind}: ${n.message}`)];
  for (const text of texts) {
    expect(text).not.toMatch(ISO_INSTANT);
    // No English inside the Chinese text (the kind before the colon is the test's own label).
    expect(text.replace(/^[a-z_]+: /, '')).not.toMatch(/[A-Za-z]{3,}/);
  }
  const byKind = (k: string) => all.find((a) => a.kind === k)!.message;
  const BEIJING = /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/;
  expect(byKind('accept_warning')).toMatch(new RegExp(`将于${BEIJING.source}超时`));
  expect(byKind('handling_warning')).toMatch(new RegExp(`调处期限将于${BEIJING.source}届满`));
  expect(byKind('high_risk')).toContain('关键词：报复');
  expect(notices.find((n) => n.kind === 'meeting_reminder')!.message).toMatch(
    new RegExp(`联合调解将于${BEIJING.source}在渔父祠社区会议室召开`),
  );

  // The rendered meeting notices, in both languages.
  const pairs: Array<[string, Headers]> = [
    [community.id, mediator],
    [streetCase.id, street],
  ];
  for (const [id, headers] of pairs) {
    for (const lang of ['zh-CN', 'en']) {
      const html = await documentText(id, 'summons', headers, lang);
      expect(html).not.toMatch(ISO_INSTANT);
    }
  }
});

it('the console offers the mediator 报告公安机关 with the measures taken, Chinese first', async () => {
  const created = await api.create(report('yufuci-taoli', { highRisk: true }));
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);
  const login = await consoleLogin(sys.app, {
    username: 'mediator@yufuci-community',
    password: TEST_PASSWORD,
    next: '/console',
  });
  expect(login.statusCode).toBe(303);
  const cookie = cookiesOf(login).join('; ');
  const casePage = await sys.app.inject({ url: `/console/cases/${created.id}`, headers: { cookie } });
  expect(casePage.statusCode).toBe(200);
  expect(casePage.body).toContain('报告公安机关');
  expect(casePage.body).toContain('处置措施');
  const body = new URLSearchParams({
    _csrf: formCsrfOf(casePage.body),
    _idem: `idem-police-${created.id}`,
    measures: '已约谈双方并安排网格员每日走访',
  });
  const posted = await sys.app.inject({
    method: 'POST',
    url: `/console/cases/${created.id}/actions/refer-to-police`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
  expect(posted.statusCode).toBe(303);
  expect((await api.get(created.id, mediator)).policeReferral).toMatchObject({
    measures: '已约谈双方并安排网格员每日走访',
  });
});
