/**
 * The seed's 汪家桥 street case (issue 21 "Done when") through the staff console's own forms, as a
 * browser without JavaScript drives it: each person logs in, opens the case page, and posts the form
 * the page offers (its CSRF token and Idempotency-Key read from the HTML). It follows
 * test/api/seed-scenarios.test.ts, which runs the same case through the API: the community accepts and
 * escalates; the street takes it over under its own number (原案号 shown), records each party's consent
 * and the rights notice, convenes the agencies, who confirm on their summons page; the street records
 * who came and the agreed outcome (each term with its manner and deadline), the parties and the
 * mediator sign, the 主任 seals last (refused in Chinese before the mediator signed), and recording
 * each term's performance closes the case.
 */
import type { LightMyRequestResponse } from 'fastify';
import { apiOf } from '../helpers/api';
import { consoleLogin, cookiesOf, formCsrfOf } from '../helpers/console';
import { wangjiaqiaoMaintenanceFund } from '../helpers/fixtures';
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

async function login(username: string): Promise<string> {
  const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
  expect(res.statusCode).toBe(303);
  const session = cookiesOf(res).find((c) => c.startsWith('fq_session='));
  if (!session) throw new Error(`no session for ${username}: ${res.statusCode}`);
  return session;
}

const get = (cookie: string, url: string) => sys.app.inject({ url, headers: { cookie } });

/** What a person reads on a page: the text without tags, scripts and attribute values. */
const visible = (html: string): string =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The case page as its reader sees it: 200, Chinese, and no raw ISO instant in the text. */
async function casePage(cookie: string, id: string, query = ''): Promise<{ html: string; text: string }> {
  const res = await get(cookie, `/console/cases/${id}${query}`);
  expect(res.statusCode).toBe(200);
  const text = visible(res.body);
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  return { html: res.body, text };
}

/** The form the page offers for `action` (fails when the page does not offer it). */
function formOf(html: string, id: string, action: string): string {
  const start = html.indexOf(`action="/console/cases/${id}/actions/${action}"`);
  if (start < 0) throw new Error(`the page offers no ${action} form`);
  return html.slice(html.lastIndexOf('<form', start), html.indexOf('</form>', start));
}

/**
 * Posts the page's form for `action` with `fields` as a browser would: the hidden _csrf and _idem from
 * the form itself, and only fields the form has (a field the form lacks cannot be typed in).
 */
async function submit(
  cookie: string,
  id: string,
  html: string,
  action: string,
  fields: Fields,
): Promise<LightMyRequestResponse> {
  const form = formOf(html, id, action);
  for (const name of Object.keys(fields))
    expect({ action, field: name, inForm: form.includes(`name="${name}"`) }).toEqual({
      action,
      field: name,
      inForm: true,
    });
  const body = new URLSearchParams({ _csrf: formCsrfOf(form), _idem: /name="_idem" value="([^"]+)"/.exec(form)![1]! });
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return sys.app.inject({
    method: 'POST',
    url: `/console/cases/${id}/actions/${action}`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
}

/** Opens the case page, posts `action`'s form, expects the redirect back, and returns the page after it. */
async function act(
  cookie: string,
  id: string,
  action: string,
  fields: Fields,
): Promise<{ html: string; text: string }> {
  const before = await casePage(cookie, id);
  const res = await submit(cookie, id, before.html, action, fields);
  if (res.statusCode !== 303) throw new Error(`${action}: ${res.statusCode} ${visible(res.body).slice(0, 600)}`);
  expect(res.headers.location).toBe(`/console/cases/${id}?done=${action}`);
  return casePage(cookie, id, `?done=${action}`);
}

/** A datetime-local value (Beijing time, to the second) for an instant. */
const beijingLocal = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19);

it('汪家桥 through the console (issue 21): community escalates, the street takes it over under its own number, consent, convening, agencies report in on their page, outcome with terms, signatures, the 主任 seals last, performance per term closes it', async () => {
  const reported = await api.create(wangjiaqiaoMaintenanceFund(), api.integrator);
  const id = reported.id;

  // The community mediator accepts and escalates.
  const community = await login('mediator@wangjiaqiao-community');
  const first = await casePage(community, id);
  expect(first.text).toContain('待受理');
  expect(first.text).toContain('反映人（非当事人）：程某');
  const acceptedHere = await act(community, id, 'accept', { note: '社区接单' });
  expect(acceptedHere.text).toContain('已办理：受理');
  expect(acceptedHere.text).toContain('调解中');
  const escalated = await act(community, id, 'escalate', {
    reason: '涉及维修基金使用和安全责任，超出社区协调能力，申请街道协调',
  });
  expect(escalated.text).toContain('已办理：上报上级');
  // The ticket is the street's now: the community has nothing left to do on it.
  expect(escalated.html).not.toMatch(/actions\/accept"/);

  // The street mediator accepts: the case is the street committee's, under its own number, the community's printed as 原案号.
  const street = await login('mediator@wangjiaqiao-street');
  const offered = await casePage(street, id);
  expect(offered.text).toContain('汪家桥街道');
  const taken = await act(street, id, 'accept', { note: '街道接手' });
  const { caseNumber } = await api.get(id);
  expect(caseNumber).toMatch(/^（2026）汪人调受字第\d+号$/);
  expect(taken.text).toContain(caseNumber);
  expect(taken.text).toContain(`原案号：${reported.caseNumber}`);
  expect(taken.text).toContain('未记录同意调解');

  // Each party's consent and the rights notice (人民调解法 Art. 17, 20, 23–24; 2002 规定 Art. 30).
  for (const [party, manner] of [
    ['0', 'by_application'],
    ['1', 'oral'],
  ] as const) {
    await act(street, id, 'record-consent', {
      party,
      consented: 'yes',
      manner,
      rightsNotice: 'written',
      inviteOthers: 'yes',
    });
  }
  const consented = await casePage(street, id);
  expect(consented.text).toContain('权利义务已告知（书面送达并签收）');
  expect(consented.text).toContain('同意邀请他人参与');
  expect(consented.text).not.toContain('未记录同意调解');

  // The street convenes the safety station and the housing centre a few seconds ahead (Beijing time in the form).
  const at = beijingLocal(meetingSoon(8_000));
  const convened = await act(street, id, 'schedule-meeting', {
    at,
    place: '汪家桥社区某小区现场',
    agencies: ['safety-station', 'housing-center'],
    agenda: '明确维修责任、损失和维修方案',
  });
  expect(convened.text).toContain('联合调解');
  // `at` is the form's Beijing local time (2026-12-07T04:42); the page writes it 2026年12月7日 04:42.
  const [ymd, hm] = at.split('T') as [string, string];
  const [y, m, d] = ymd.split('-').map(Number);
  expect(convened.text).toContain(`${y}年${m}月${d}日 ${hm.slice(0, 5)}`);
  expect(convened.text).toContain('安监站');
  expect(convened.text).toContain('市住保中心');

  // Each agency representative confirms on their summons page.
  for (const [rep, note] of [
    ['rep@safety-station', '安排两名安全员到场'],
    ['rep@housing-center', '派员说明维修基金使用程序'],
  ] as const) {
    const cookie = await login(rep);
    const list = await get(cookie, '/console/summonses');
    expect(list.statusCode).toBe(200);
    const text = visible(list.body);
    expect(text).toContain('物业公司与业委会维修基金使用纠纷');
    expect(text).toContain('汪家桥社区某小区现场');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    const start = list.body.indexOf(`action="/console/cases/${id}/actions/confirm-attendance"`);
    expect(start).toBeGreaterThan(0);
    const form = list.body.slice(list.body.lastIndexOf('<form', start), list.body.indexOf('</form>', start));
    const res = await sys.app.inject({
      method: 'POST',
      url: `/console/cases/${id}/actions/confirm-attendance`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: formCsrfOf(form),
        _idem: /name="_idem" value="([^"]+)"/.exec(form)![1]!,
        _return: '/console/summonses?done=1',
        note,
      }).toString(),
    });
    expect(res.statusCode).toBe(303);
    const after = visible((await get(cookie, '/console/summonses?done=1')).body);
    expect(after).toContain('已答复：确认报到');
  }
  expect((await api.get(id)).meeting.agencies.map((a: { answer: string }) => a.answer)).toEqual([
    'confirmed',
    'confirmed',
  ]);

  // Once the meeting has started: who came, then the agreed outcome, each term with its manner and deadline.
  await untilMeetingStarts(new Date(`${at}+08:00`).toISOString());
  const attended = await act(street, id, 'record-attendance', {
    present: ['safety-station', 'housing-center'],
    persons: '汪家桥社区工作人员（汪家桥社区）\n周某，某小区业主委员会',
  });
  expect(attended.text).toContain('已办理：登记到会情况');
  expect((await api.get(id)).meeting.attendance).toMatchObject({
    present: ['safety-station', 'housing-center'],
    persons: [
      { name: '汪家桥社区工作人员', unit: '汪家桥社区' },
      { name: '周某', unit: '某小区业主委员会' },
    ],
  });
  const agreed = await act(street, id, 'record-outcome', {
    result: 'agreed',
    facts: '经安监站现场查勘，电梯曳引机与外墙存在安全隐患；市住保中心说明维修基金使用程序。',
    matters: '维修基金使用程序、维修责任与费用分担。',
    responsibilities: '物业公司负责组织维修，业委会负责召集业主表决，社区监督。',
    losses: '电梯停运期间业主出行不便，无直接财产损失。',
    'term0.text': '业委会于十五日内召开业主大会表决维修基金使用方案',
    'term0.obligor': '某小区业主委员会',
    'term0.method': '召开业主大会表决',
    'term0.dueDate': '2026-12-15',
    'term1.text': '物业公司在表决通过后三十日内完成电梯与外墙维修',
    'term1.obligor': '津市市某物业服务有限公司',
    'term1.amount': '86,500',
    'term1.method': '使用住房维修基金支付',
    'term1.dueDate': '2027-01-15',
    signingPlace: '汪家桥街道人民调解委员会',
  });
  expect(agreed.text).toContain('待签署');
  expect(agreed.text).toContain('人民调解协议书');
  const drafted = await api.get(id);
  expect(drafted.agreement.terms).toMatchObject([
    { method: '召开业主大会表决', dueDate: '2026-12-15' },
    { method: '使用住房维修基金支付', dueDate: '2027-01-15', amountFen: 8_650_000 },
  ]);

  // The parties seal (the reporter 程某 is no party and is not offered as a signer).
  const signForm = formOf(agreed.html, id, 'sign');
  expect(signForm).toContain('某小区业主委员会');
  expect(signForm).not.toContain('程某');
  for (const signer of ['party:0', 'party:1']) {
    const page = await act(street, id, 'sign', { signer, method: 'seal', witness: '汪家桥社区网格员' });
    expect(page.text).toContain('已办理：登记签署');
  }

  // The 主任 tries to seal before the mediator signed: refused, in Chinese, naming the rule.
  const director = await login('supervisor@wangjiaqiao-street');
  // The page no longer offers the seal before every signature (issue 24: the seal last); a form
  // from an old tab posted anyway is still refused by the API, in Chinese, naming the rule.
  const before = await casePage(director, id);
  expect(before.html).not.toContain(`actions/seal"`);
  expect(before.text).toContain('尚缺');
  const early = await sys.app.inject({
    method: 'POST',
    url: `/console/cases/${id}/actions/seal`,
    headers: { cookie: director, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: formCsrfOf(before.html), _idem: 'early-seal-from-an-old-tab' }).toString(),
  });
  expect(early.statusCode).toBe(422);
  const refusal = visible(early.body);
  expect(refusal).toContain('未能办理：加盖公章');
  expect(refusal).toContain('各方当事人和人民调解员签名后方可加盖人民调解委员会印章');
  expect(refusal).toContain('人民调解法第二十九条');
  expect(refusal).not.toMatch(/\d{4}-\d{2}-\d{2}T/);

  await act(street, id, 'sign', { signer: 'mediator', method: 'signature' });
  const effective = await act(director, id, 'seal', { note: '主任审核后盖章' });
  expect(effective.text).toContain('已办理：加盖公章');
  expect(effective.text).toContain('协议生效');
  expect(effective.text).toContain('回访');
  const { agreement } = await api.get(id);
  expect(agreement.number).toMatch(/^（2026）汪人调字第\d+号$/);
  expect(effective.text).toContain(`调解协议 ${agreement.number}`);
  // The per-term performance table: both terms not yet due.
  expect(effective.text).toContain('协议履行情况');
  expect(effective.text).toMatch(
    /1\. 业委会于十五日内召开业主大会表决维修基金使用方案 某小区业主委员会 2026-12-15 未到期/,
  );
  expect(effective.text).toMatch(
    /2\. 物业公司在表决通过后三十日内完成电梯与外墙维修 津市市某物业服务有限公司 2027-01-15 未到期/,
  );

  // The street supervises performance term by term: one done leaves it open, both done close it.
  const one = await act(street, id, 'record-performance', { term: '1', status: 'done', note: '业主大会已表决通过' });
  expect(one.text).toMatch(
    /1\. 业委会于十五日内召开业主大会表决维修基金使用方案 某小区业主委员会 2026-12-15 已履行 业主大会已表决通过/,
  );
  expect(one.text).toContain('回访');
  expect((await api.get(id)).stage).toBe('follow_up');
  const closed = await act(street, id, 'record-performance', { term: '2', status: 'done', note: '电梯已恢复运行' });
  expect(closed.text).toContain('已结案');
  expect(closed.text).toContain('调解成功');
  expect(closed.text).toContain('人民调解卷宗');
  // Closed: what remains is recording the court's ruling on the parties' application (人民调解法 Art. 33).
  expect([...closed.html.matchAll(/action="\/console\/cases\/[^/]+\/actions\/([a-z-]+)"/g)].map((m) => m[1])).toEqual([
    'record-judicial-confirmation',
  ]);
  expect(await api.get(id)).toMatchObject({ stage: 'closed', outcome: 'resolved' });
});
