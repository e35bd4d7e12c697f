/**
 * Remote participation in a joint mediation (issue 22 item 6), through the API on the real workflow:
 * - a meeting marked remote carries its link and platform: the notice the agencies receive and the
 *   invitation (联合调解邀请函) name the link and how to join, Chinese first; the link stays out of events;
 * - a remote or mixed meeting without a link, a javascript: link, a link with credentials, an on-site
 *   meeting without a place: 400 problem+json, in Chinese and English, naming the field;
 * - attendance per participant (each party, each invited agency's representative, other persons),
 *   present or not and how: 到场 / 远程视频参加 / 未到 in the mediation record (调解记录) and the case file;
 * - the older record-attendance form (agency codes and persons) still works.
 */
import { Notification } from '../../db/entities';
import { ISO_INSTANT } from '../../domain/beijing-time';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf, type Headers } from '../helpers/api';
import { recordHistory } from '../helpers/histories';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

const LINK = 'https://meeting.tencent.com/dm/Fq22AbCd';
const PLATFORM = '腾讯会议 会议号 123-456-789';

/** A community case (渔父祠, 桃李小区), accepted, with each party's consent on record. */
async function communityCase(): Promise<{ id: string; mediator: Headers }> {
  const created = await api.create({
    gridCode: 'yufuci-taoli',
    category: 'neighbour',
    priority: 'normal',
    title: '楼上漏水纠纷',
    description: '楼上卫生间漏水，渗至楼下天花板，双方就维修与赔偿发生争执。',
    parties: [
      { name: '赵某', role: 'applicant', kind: 'person' },
      { name: '钱某', role: 'respondent', kind: 'person' },
    ],
    channel: 'grid',
  });
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator);
  return { id: created.id, mediator };
}

/** The invitation the agencies were sent (recorded by the notification step, moments after the action). */
const noticeOf = (id: string) =>
  eventually(() => sys.orm.em.fork().findOne(Notification, { key: `${id}:summons:1` }), 10_000, 'the summons notice');

const document = async (id: string, kind: string, headers: Headers, lang = 'zh-CN') => {
  const res = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/${kind}?lang=${lang}`, headers });
  expect(res.statusCode).toBe(200);
  return res.body;
};

it('a remote meeting: refused without a link or with an unsafe one (400, bilingual); its notice and invitation name the link', async () => {
  const { id, mediator } = await communityCase();
  const base = { at: meetingSoon(60_000), agencies: ['safety-station', 'housing-center'] };

  const refusals: Array<[object, string, RegExp]> = [
    [
      { mode: 'remote' },
      'body/remoteLink',
      /^远程或混合方式召开的会议须提供会议链接.* \/ a remote or mixed meeting needs its link/,
    ],
    [{ mode: 'mixed', place: '渔父祠社区会议室' }, 'body/remoteLink', /须提供会议链接/],
    [{ mode: 'remote', remoteLink: 'javascript:alert(1)' }, 'body/remoteLink', /须以 https:\/\/ 开头 \/ .*https:\/\//],
    [{ mode: 'remote', remoteLink: 'http://meeting.tencent.com/dm/x' }, 'body/remoteLink', /https:\/\//],
    [
      { mode: 'remote', remoteLink: 'https://zhang:secret@meeting.tencent.com/dm/x' },
      'body/remoteLink',
      /不得含用户名或密码 \/ .*user name or password/,
    ],
    [{ mode: 'remote', remoteLink: 'https://javascript:alert(1)/' }, 'body/remoteLink', /不是有效的网址/],
    [{ mode: 'remote', remoteLink: 'https://meeting.tencent.com/"><script>' }, 'body/remoteLink', /不是有效的网址/],
    [{}, 'body/place', /^现场或混合方式召开的会议须写明地点.* \/ an on-site or mixed meeting needs its place/],
  ];
  for (const [extra, field, message] of refusals) {
    const res = await api.tryAct(id, 'schedule-meeting', { ...base, ...extra }, mediator);
    expect({ extra, status: res.statusCode }).toEqual({ extra, status: 400 });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(problem.detail).toMatch(message);
  }
  // Over 500 characters: refused by the schema.
  const long = await api.tryAct(
    id,
    'schedule-meeting',
    { ...base, mode: 'remote', remoteLink: `https://meeting.tencent.com/${'a'.repeat(480)}` },
    mediator,
  );
  expect(long.statusCode).toBe(400);
  expect((await api.get(id, mediator)).meeting).toBeUndefined();

  const scheduled = await api.act(
    id,
    'schedule-meeting',
    { ...base, mode: 'remote', remoteLink: LINK, remotePlatform: PLATFORM },
    mediator,
  );
  expect(scheduled.meeting).toMatchObject({ mode: 'remote', remoteLink: LINK, remotePlatform: PLATFORM });
  expect(scheduled.stage).toBe('meeting_scheduled');

  // The invitation the agencies received: how it meets, the platform and the link, Beijing time.
  const notice = await noticeOf(id);
  expect(notice.message).toMatch(/^联合调解邀请函：/);
  expect(notice.message).toContain('以远程视频方式进行调解');
  expect(notice.message).toContain(`会议平台：${PLATFORM}`);
  expect(notice.message).toContain(`入会链接：${LINK}`);
  expect(notice.message).toContain('请于会议开始前10分钟点击链接入会');
  expect(notice.message).not.toMatch(ISO_INSTANT);

  const zh = await document(id, 'summons', mediator);
  expect(zh).toContain('会议方式：远程视频。');
  expect(zh).toContain(`会议平台：${PLATFORM}。`);
  expect(zh).toContain(`入会链接：<a href="${LINK.replace(/=/g, '&#x3D;')}">${LINK}</a>`);
  const en = await document(id, 'summons', mediator, 'en');
  expect(en).toContain('How the meeting is held: remote (video).');
  expect(en).toContain(`Link to join: <a href="${LINK}">`);

  // Who attends reads the link (the holder, the agencies invited); the reporting integrator and a public copy do not.
  expect((await api.get(id, await api.as('rep@safety-station'))).meeting).toMatchObject({ remoteLink: LINK });
  const reporterView = (await api.get(id)).meeting;
  expect(reporterView.mode).toBe('remote');
  expect(reporterView.remoteLink).toBeUndefined();
  expect(reporterView.remotePlatform).toBeUndefined();
  const publicRes = await sys.app.inject({
    url: `/api/v1/disputes/${id}/documents/summons?copy=public`,
    headers: mediator,
  });
  expect(publicRes.statusCode).toBe(200);
  const publicCopy = publicRes.body;
  expect(publicCopy).toContain('副本');
  expect(publicCopy).not.toContain(LINK);
  expect(publicCopy).not.toContain('123-456-789');

  // The link (and a meeting password in the platform text) stays out of the events webhooks receive.
  const scheduledEvent = (await api.events(id, mediator)).find((e) => e.type === 'meeting_scheduled')!;
  expect(scheduledEvent.payload.mode).toBe('remote');
  expect(JSON.stringify(scheduledEvent.payload)).not.toContain(LINK);
});

it('attendance per participant: 到场 / 远程视频参加 / 未到 in the record and the case file; the older form still works', async () => {
  const { id, mediator } = await communityCase();
  const at = meetingSoon(2_500);
  const mixed = await api.act(
    id,
    'schedule-meeting',
    {
      at,
      mode: 'mixed',
      place: '渔父祠社区会议室',
      remoteLink: LINK,
      agencies: ['safety-station', 'housing-center'],
    },
    mediator,
  );
  expect(mixed.meeting).toMatchObject({ mode: 'mixed', place: '渔父祠社区会议室', remoteLink: LINK });
  const notice = await noticeOf(id);
  expect(notice.message).toContain('在渔父祠社区会议室（可远程视频参加）进行调解');
  expect(notice.message).toContain(`入会链接：${LINK}`);

  // The reminder before it, to the agencies and the parties: the place, and the link to join by.
  const reminder = await eventually(
    () => sys.orm.em.fork().findOne(Notification, { key: `${id}:reminder:1` }),
    10_000,
    'the meeting reminder',
  );
  expect(reminder.message).toContain('在渔父祠社区会议室（可远程视频参加）召开。远程参加：');
  expect(reminder.message).toContain(`入会链接：${LINK}`);

  await untilMeetingStarts(at);
  const joinedAt = new Date(Date.parse(at) + 60_000).toISOString();
  const participants = [
    { party: 0, present: true, how: 'on_site' },
    { party: 1, present: true, how: 'remote', joinedAt },
    { agency: 'safety-station', name: '张某', present: true, how: 'remote' },
    { agency: 'housing-center', present: false },
    { name: '孙某', unit: '渔父祠社区', present: true },
  ];
  // Refused with reasons in both languages (422 from the workflow's checks).
  for (const [bad, reason] of [
    [[{ agency: 'police', present: true }], /police 未受邀参加本次联合调解 \/ police was not invited/],
    [[{ party: 5, present: true }], /没有当事人 5 \/ no party 5/],
    [[{ party: 0, present: false, how: 'remote' }], /未到者不记参加方式或时间 \/ an absent participant/],
    [[{ present: true }], /其他参加人员须写明姓名 \/ another person needs a name/],
    [
      [
        { party: 0, present: true },
        { party: 0, present: false },
      ],
      /重复登记 \/ listed twice/,
    ],
  ] as const) {
    const res = await api.tryAct(id, 'record-attendance', { participants: bad }, mediator);
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toMatch(reason);
  }
  const both = await api.tryAct(id, 'record-attendance', { present: ['safety-station'], participants }, mediator);
  expect(both.statusCode).toBe(422);
  expect(both.json().detail).toMatch(
    /只能用一种方式登记部门到会 \/ give agencies either in present or in participants/,
  );

  const recorded = await api.act(id, 'record-attendance', { participants }, mediator);
  expect(recorded.meeting.attendance).toMatchObject({
    present: ['safety-station'],
    participants: [
      { party: 0, present: true, how: 'on_site' },
      { party: 1, present: true, how: 'remote', joinedAt },
      { agency: 'safety-station', name: '张某', present: true, how: 'remote' },
      { agency: 'housing-center', present: false },
      // Present with no way given: on site.
      { name: '孙某', unit: '渔父祠社区', present: true, how: 'on_site' },
    ],
  });
  const event = (await api.events(id, mediator)).filter((e) => e.type === 'attendance_recorded').pop()!;
  expect(event.payload).toMatchObject({ participants: 5, remote: 2, present: ['safety-station'] });

  const record = await document(id, 'record', mediator);
  expect(record).toContain('实际到会：安监站');
  expect(record).toContain(`会议方式：现场与远程视频相结合；入会链接：${LINK.replace(/=/g, '&#x3D;')}`);
  expect(record).toMatch(
    /参加情况：赵某（申请人）：到场；钱某（被申请人）：远程视频参加（\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}入会）；安监站（张某）：远程视频参加；市住保中心：未到；孙某（渔父祠社区）：到场<\/p>/,
  );
  const recordEn = await document(id, 'record', mediator, 'en');
  expect(recordEn).toMatch(/Participants: 赵某 \(Applicant\): present on site; 钱某 \(Respondent\): joined by video/);
  expect(recordEn).toContain('市住保中心: absent');
  const caseFile = await document(id, 'case-file', mediator);
  expect(caseFile).toContain('参加情况');
  expect(caseFile).toMatch(/钱某（被申请人）：远程视频参加/);
  expect(caseFile).toContain('现场与远程视频相结合');

  // The older form: agency codes present and persons, as before; the record prints it as before.
  const old = await api.act(
    id,
    'record-attendance',
    { present: ['safety-station'], persons: [{ name: '孙某', unit: '渔父祠社区' }] },
    mediator,
  );
  expect(old.meeting.attendance).toMatchObject({ present: ['safety-station'], persons: [{ name: '孙某' }] });
  expect(old.meeting.attendance.participants).toBeUndefined();
  const oldRecord = await document(id, 'record', mediator);
  expect(oldRecord).toContain('实际到会：安监站；到会人员：孙某（渔父祠社区）');
  expect(oldRecord).not.toContain('参加情况');
  // Kept for the replay test: a remote meeting and attendance per participant (new payload fields, no new command).
  await recordHistory(sys.temporalAddress, workflowIdFor(id), 'remote-meeting-participants');
});

it('the OpenAPI document describes the remote fields and the per-participant attendance', async () => {
  const doc = expectStatus(await sys.app.inject({ url: '/docs/json' }), 200);
  const body = (action: string) =>
    doc.paths[`/api/v1/disputes/{id}/signals/${action}`].post.requestBody.content['application/json'].schema;
  const schedule = body('schedule-meeting');
  expect(schedule.properties.mode.enum).toEqual(['on_site', 'remote', 'mixed']);
  expect(schedule.properties.remoteLink).toMatchObject({ maxLength: 500 });
  expect(schedule.properties.remoteLink.description).toMatch(/https:\/\/ only.*required when mode is remote or mixed/);
  expect(schedule.required).not.toContain('place');
  const participant = body('record-attendance').properties.participants.items;
  expect(participant.required).toEqual(['present']);
  expect(participant.properties.how.enum).toEqual(['on_site', 'remote']);
  expect(Object.keys(participant.properties)).toEqual(
    expect.arrayContaining(['party', 'agency', 'name', 'unit', 'joinedAt', 'leftAt']),
  );
});
