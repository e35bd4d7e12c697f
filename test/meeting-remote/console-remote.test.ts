/**
 * Remote meetings and attendance per participant through the staff console's own forms (issue 22
 * item 6), as a browser without JavaScript posts them: the schedule form's way, link and platform
 * (a remote meeting without a link, or with a javascript: link, is refused on the page, in Chinese);
 * the attendance form lists each party, each invited agency and rows for other persons, each with
 * 到场 / 远程视频参加 / 未到; the older agency checkboxes and persons still work.
 */
import type { LightMyRequestResponse } from 'fastify';
import { apiOf } from '../helpers/api';
import { consoleLogin, cookiesOf, formCsrfOf } from '../helpers/console';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { TEST_PASSWORD } from '../helpers/run-state';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

type Fields = Record<string, string | string[]>;
const LINK = 'https://meeting.tencent.com/dm/Console22';

async function login(username: string): Promise<string> {
  const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
  expect(res.statusCode).toBe(303);
  return cookiesOf(res).find((c) => c.startsWith('fq_session='))!;
}

const visible = (html: string): string =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

async function casePage(cookie: string, id: string, query = '') {
  const res = await sys.app.inject({ url: `/console/cases/${id}${query}`, headers: { cookie } });
  expect(res.statusCode).toBe(200);
  return { html: res.body, text: visible(res.body) };
}

function formOf(html: string, id: string, action: string): string {
  const start = html.indexOf(`action="/console/cases/${id}/actions/${action}"`);
  if (start < 0) throw new Error(`the page offers no ${action} form`);
  return html.slice(html.lastIndexOf('<form', start), html.indexOf('</form>', start));
}

/** Posts the page's form with `fields`, only fields the form has (as a browser can). */
async function submit(cookie: string, id: string, action: string, fields: Fields): Promise<LightMyRequestResponse> {
  const form = formOf((await casePage(cookie, id)).html, id, action);
  for (const name of Object.keys(fields))
    expect({ name, inForm: form.includes(`name="${name}"`) }).toEqual({ name, inForm: true });
  const body = new URLSearchParams({ _csrf: formCsrfOf(form), _idem: /name="_idem" value="([^"]+)"/.exec(form)![1]! });
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return sys.app.inject({
    method: 'POST',
    url: `/console/cases/${id}/actions/${action}`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
}

const beijingLocal = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19);

it('the console schedules a remote meeting with its link and records who attended how, per participant', async () => {
  const created = await api.create({
    gridCode: 'yufuci-taoli',
    category: 'neighbour',
    priority: 'normal',
    title: '楼道堆物纠纷',
    description: '邻居在楼道长期堆放杂物，影响通行与消防安全。',
    parties: [
      { name: '赵某', role: 'applicant', kind: 'person' },
      { name: '钱某', role: 'respondent', kind: 'person' },
    ],
    channel: 'grid',
  });
  const id = created.id;
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(id, 'accept', {}, mediator);
  await api.consentAll(id, mediator);
  const cookie = await login('mediator@yufuci-community');

  // The schedule form, Chinese labels first: the way, the link, the platform.
  const page = await casePage(cookie, id);
  const schedule = formOf(page.html, id, 'schedule-meeting');
  expect(visible(schedule)).toContain('会议方式');
  expect(visible(schedule)).toContain('远程会议链接');
  expect(visible(schedule)).toContain('远程视频');
  expect(visible(schedule)).toContain('会议平台');

  const at = beijingLocal(meetingSoon(4_000));
  const base = { at, agencies: ['safety-station', 'housing-center'] };
  // Remote without a link, and a javascript: link: refused on the page, what was typed kept.
  const noLink = await submit(cookie, id, 'schedule-meeting', { ...base, mode: 'remote' });
  expect(noLink.statusCode).toBe(400);
  // Said from the API's field code, naming the field (issue 24): the link is required for this mode.
  expect(visible(noLink.body)).toContain('请填写远程会议链接');
  const script = await submit(cookie, id, 'schedule-meeting', {
    ...base,
    mode: 'remote',
    remoteLink: 'javascript:alert(1)',
  });
  expect(script.statusCode).toBe(400);
  expect(visible(script.body)).toContain('远程会议链接须以“https://”开头');
  expect(script.body).not.toContain('href="javascript:');

  const done = await submit(cookie, id, 'schedule-meeting', {
    ...base,
    mode: 'remote',
    remoteLink: LINK,
    remotePlatform: '腾讯会议 会议号 987-654-321',
  });
  expect(done.statusCode).toBe(303);
  const scheduled = await casePage(cookie, id, '?done=schedule-meeting');
  expect(scheduled.text).toContain('会议方式：远程视频');
  expect(scheduled.text).toContain(LINK);
  expect(scheduled.text).toContain('腾讯会议 会议号 987-654-321');
  expect((await api.get(id, mediator)).meeting).toMatchObject({ mode: 'remote', remoteLink: LINK });

  // The attendance form lists every participant: the parties, the invited agencies, other persons.
  await untilMeetingStarts(new Date(`${at}+08:00`).toISOString());
  const attendance = visible(formOf((await casePage(cookie, id)).html, id, 'record-attendance'));
  for (const who of [
    '赵某（申请人）',
    '钱某（被申请人）',
    '安监站',
    '市住保中心',
    '其他参加人员 1',
    '远程视频参加',
    '未到',
  ])
    expect(attendance).toContain(who);

  // A name without its attendance is refused on the page.
  const half = await submit(cookie, id, 'record-attendance', { 'att.otherName.0': '孙某' });
  expect(half.statusCode).toBe(400);
  expect(visible(half.body)).toContain('姓名与参加情况须一并填写');

  const recorded = await submit(cookie, id, 'record-attendance', {
    'att.party.0': 'on_site',
    'att.party.1': 'remote',
    'att.agency.safety-station': 'remote',
    'att.rep.safety-station': '张某',
    'att.agency.housing-center': 'absent',
    'att.other.0': 'on_site',
    'att.otherName.0': '孙某',
    'att.otherUnit.0': '渔父祠社区',
  });
  expect(recorded.statusCode).toBe(303);
  const after = await casePage(cookie, id, '?done=record-attendance');
  expect(after.text).toContain('已办理：登记到会情况');
  expect(after.text).toContain('赵某（申请人）：到场');
  expect(after.text).toContain('钱某（被申请人）：远程视频参加');
  expect(after.text).toContain('安监站（张某）：远程视频参加');
  expect(after.text).toContain('市住保中心：未到');
  expect(after.text).toContain('孙某（渔父祠社区）：到场');
  expect((await api.get(id, mediator)).meeting.attendance).toMatchObject({
    present: ['safety-station'],
    participants: [
      { party: 0, present: true, how: 'on_site' },
      { party: 1, present: true, how: 'remote' },
      { agency: 'safety-station', name: '张某', present: true, how: 'remote' },
      { agency: 'housing-center', present: false },
      { name: '孙某', unit: '渔父祠社区', present: true, how: 'on_site' },
    ],
  });

  // The older fields of the same form: agencies ticked, persons one a line.
  const older = await submit(cookie, id, 'record-attendance', {
    present: ['safety-station'],
    persons: '孙某（渔父祠社区）',
  });
  expect(older.statusCode).toBe(303);
  expect((await api.get(id, mediator)).meeting.attendance).toMatchObject({
    present: ['safety-station'],
    persons: [{ name: '孙某', unit: '渔父祠社区' }],
  });
});
