/**
 * The joint mediation (吹哨报到, issue 21 item 7), through the API on the real workflow:
 * - the street convenes (吹哨): its notice (联合调解通知) obliges the agencies to report in (报到) by a
 *   deadline; a non-answer is 督办'd upward, to the unit above the convenor;
 * - a community committee only invites (人民调解法 Art. 20): 联合调解邀请函, no report-in duty, no breach;
 * - a decline alerts the convening unit's supervisors;
 * - who confirmed is kept apart from who was present; the record lists who attended;
 * - no outcome (nor attendance) before the meeting starts;
 * - the notice carries its issue date (发文日期) and the convenor's telephone, and in English is a
 *   "Notice of a Joint Mediation Meeting", never a summons.
 */
import { Notification } from '../../db/entities';
import { ISO_INSTANT } from '../../domain/beijing-time';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf, type Headers } from '../helpers/api';
import { recordHistory } from '../helpers/histories';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { LAW_CATEGORY, LAW_PRIORITY, insertLawPolicies } from './policies';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  // At the street, agencies have 2 s to report in (test/law/policies.ts).
  await insertLawPolicies(sys);
});
afterAll(() => sys?.close());

const report = (gridCode: string) => ({
  gridCode,
  category: LAW_CATEGORY,
  priority: LAW_PRIORITY,
  title: '宅基地边界纠纷',
  description: '两户村民因宅基地边界发生争执，涉及规划与确权。',
  parties: [
    { name: '赵某', role: 'applicant', kind: 'person' },
    { name: '钱某', role: 'respondent', kind: 'person' },
  ],
  channel: 'grid',
});

const document = async (id: string, kind: string, headers: Headers, lang = 'zh-CN') => {
  const res = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/${kind}?lang=${lang}`, headers });
  expect(res.statusCode).toBe(200);
  return res.body;
};

/** A case at 汪家桥街道: reported in the community, escalated, accepted by the street. */
async function streetCase(): Promise<{ id: string; street: Headers }> {
  const created = await api.create(report('wangjiaqiao-g1'));
  await api.act(created.id, 'accept', {}, await api.as('mediator@wangjiaqiao-community'));
  await api.act(
    created.id,
    'escalate',
    { reason: '涉及规划部门，需街道协调' },
    await api.as('mediator@wangjiaqiao-community'),
  );
  const street = await api.as('mediator@wangjiaqiao-street');
  await api.act(created.id, 'accept', {}, street);
  await api.consentAll(created.id, street);
  return { id: created.id, street };
}

it('the street convenes: agencies must report in, a non-answer is 督办 to the county, a decline alerts the street', async () => {
  const { id, street } = await streetCase();
  const at = meetingSoon(8_000);
  const convened = await api.act(
    id,
    'schedule-meeting',
    { at, place: '汪家桥街道会议室', agencies: ['safety-station', 'housing-center', 'environment'] },
    street,
  );
  expect(convened.meeting).toMatchObject({ kind: 'convened', convenor: { code: 'wangjiaqiao-street' } });
  expect(convened.deadlines.report_in).toBeDefined();

  // No outcome and no attendance before the meeting starts: 422, in both languages, naming the start.
  for (const [action, body] of [
    ['record-outcome', { result: 'adjourned', facts: '休会' }],
    ['record-attendance', { present: ['safety-station'] }],
  ] as const) {
    const early = await api.tryAct(id, action, body, street);
    expect(early.statusCode).toBe(422);
    expect(early.json().detail).toMatch(/^联合调解定于\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}开始，开始前不能/);
    expect(early.json().detail).toMatch(/only once the meeting has started/);
  }

  await api.act(id, 'confirm-attendance', {}, await api.as('rep@safety-station'));
  await api.act(id, 'decline-attendance', { reason: '当日有防汛任务' }, await api.as('rep@housing-center'));

  // The decline: to the convening unit's supervisors, naming the agency and its reason.
  const streetSupervisor = await api.as('supervisor@wangjiaqiao-street');
  const declined = await eventually(
    async () => (await api.alerts(id, streetSupervisor)).find((a) => a.kind === 'attendance_declined'),
    10_000,
    'attendance_declined alert',
  );
  expect(declined.unitCode).toBe('wangjiaqiao-street');
  expect(declined.message).toContain('市住保中心不能参加');
  expect(declined.message).toContain('当日有防汛任务');

  // 生态环境局 never answers: a breach to the street, and 督办 to the county above it.
  const county = await api.as('supervisor@jinshi');
  const supervision = await eventually(
    async () => (await api.alerts(id, county)).find((a) => a.kind === 'report_in_supervision'),
    15_000,
    'report_in_supervision alert',
  );
  expect(supervision.unitCode).toBe('jinshi');
  expect(supervision.message).toMatch(/^督办：/);
  expect(supervision.message).toContain('生态环境局');
  expect(supervision.message).not.toContain('安监站');
  const streetAlerts = await api.alerts(id, streetSupervisor);
  expect(streetAlerts.find((a) => a.kind === 'report_in_breach')?.unitCode).toBe('wangjiaqiao-street');
  // The 督办 is addressed above the street: its own supervisors are not the ones supervised.
  expect(streetAlerts.find((a) => a.kind === 'report_in_supervision')).toBeUndefined();

  // The notice the agencies received: a 通知 with the report-in time and the street's telephone.
  const notice = await sys.orm.em.fork().findOneOrFail(Notification, { key: `${id}:summons:1` });
  expect(notice.message).toMatch(/^联合调解通知：/);
  expect(notice.message).toContain('前报到确认');
  expect(notice.message).toContain('联系电话：0736-4200110');
  expect(notice.message).not.toMatch(ISO_INSTANT);

  // Present is not confirmed: 安监站 confirmed but did not come; a person from 司法所 did.
  await untilMeetingStarts(at);
  const attended = await api.act(
    id,
    'record-attendance',
    { present: [], persons: [{ name: '孙某', unit: '汪家桥街道司法所' }] },
    street,
  );
  expect(attended.meeting.attendance).toMatchObject({
    present: [],
    persons: [{ name: '孙某', unit: '汪家桥街道司法所' }],
  });
  expect(attended.meeting.agencies.find((a: { code: string }) => a.code === 'safety-station').answer).toBe('confirmed');
  const stranger = await api.tryAct(id, 'record-attendance', { present: ['police'] }, street);
  expect(stranger.statusCode).toBe(422);
  await api.act(
    id,
    'record-attendance',
    { present: ['safety-station'], persons: [{ name: '孙某', unit: '汪家桥街道司法所' }] },
    street,
  );

  const zh = await document(id, 'summons', street);
  expect(zh).toContain('<h1>联合调解通知</h1>');
  expect(zh).toContain('联系电话：0736-4200110');
  expect(zh).toMatch(/发文日期：\d{4}年\d{1,2}月\d{1,2}日/);
  expect(zh).toContain('前报到确认');
  const en = await document(id, 'summons', street, 'en');
  expect(en).toContain('<h1>Notice of a Joint Mediation Meeting</h1>');
  expect(en).toContain('Telephone: 0736-4200110');
  expect(en).toMatch(/Issued on: \d{1,2} [A-Z][a-z]+ \d{4}/);
  expect(en).not.toMatch(/summons/i);

  const back = await api.act(id, 'record-outcome', { result: 'adjourned', facts: '部门未到齐，休会' }, street);
  expect(back.stage).toBe('in_mediation');
  const record = await document(id, 'record', street);
  expect(record).toContain('实际到会：安监站；到会人员：孙某（汪家桥街道司法所）');
  expect(record).toMatch(/市住保中心（不能参加（当日有防汛任务））|市住保中心（[^）]*当日有防汛任务/);
  await recordHistory(sys.temporalAddress, workflowIdFor(id), 'law-street-meeting-supervision-attendance');
});

it('a community committee only invites: 联合调解邀请函, no report-in duty; a decline still tells the community', async () => {
  const created = await api.create(report('yufuci-taoli'));
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator);
  const at = meetingSoon(2_500);
  const invited = await api.act(
    created.id,
    'schedule-meeting',
    { at, place: '渔父祠社区会议室', agencies: ['safety-station', 'housing-center'] },
    mediator,
  );
  expect(invited.meeting).toMatchObject({ kind: 'invitation', convenor: { code: 'yufuci-community' } });
  // An invitation sets no report-in deadline: an agency's answer is a courtesy, not a duty.
  expect(invited.deadlines.report_in).toBeUndefined();

  await api.act(created.id, 'decline-attendance', { reason: '不属本站职责' }, await api.as('rep@safety-station'));
  await api.act(created.id, 'decline-attendance', { reason: '人员不足' }, await api.as('rep@housing-center'));
  const supervisor = await api.as('supervisor@yufuci-community');
  const declines = await eventually(
    async () => {
      const found = (await api.alerts(created.id, supervisor)).filter((a) => a.kind === 'attendance_declined');
      return found.length === 2 ? found : undefined;
    },
    10_000,
    'two attendance_declined alerts',
  );
  expect(declines.map((a) => a.unitCode)).toEqual(['yufuci-community', 'yufuci-community']);
  expect(declines.map((a) => a.message).join('\n')).toMatch(/安监站不能参加[^\n]*联合调解邀请[^\n]*不属本站职责/);

  const notice = await sys.orm.em.fork().findOneOrFail(Notification, { key: `${created.id}:summons:1` });
  expect(notice.message).toMatch(/^联合调解邀请函：/);
  expect(notice.message).toContain('人民调解法第二十条');
  expect(notice.message).toContain('联系电话：0736-7200210');
  expect(notice.message).not.toContain('报到');
  const zh = await document(created.id, 'summons', mediator);
  expect(zh).toContain('<h1>联合调解邀请函</h1>');
  expect(zh).toContain('特邀请贵单位派员参加');
  expect(zh).not.toContain('报到确认');

  // Past the meeting's start: no report-in breach and no 督办 for an invitation.
  await untilMeetingStarts(at);
  await new Promise((r) => setTimeout(r, 1_000));
  const kinds = (await api.alerts(created.id, supervisor)).map((a) => a.kind);
  expect(kinds).not.toContain('report_in_breach');
  expect(kinds).not.toContain('report_in_supervision');
  const events = expectStatus(
    await sys.app.inject({ url: `/api/v1/disputes/${created.id}/events`, headers: mediator }),
    200,
  ).items.map((e: { type: string }) => e.type);
  expect(events).not.toContain('deadline_breached');
  await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'law-community-invitation-declined');
});
