/**
 * The staff console over HTTP (no browser): login and session cookie, CSRF, the inbox, a case page
 * that offers exactly the allowed actions, a refused action that shows the API's reason and keeps
 * what was typed, the agency representative's summonses, the admin page, and the English switch.
 * The browser flows are in test/browser/console.test.ts.
 */
import type { LightMyRequestResponse } from 'fastify';
import { apiOf } from '../helpers/api';
import { consoleLogin, cookiesOf } from '../helpers/console';
import { taoliLiftNoise } from '../helpers/fixtures';
import { TEST_PASSWORD } from '../helpers/run-state';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(async () => sys?.close());

const cookieOf = (res: LightMyRequestResponse): string => {
  const set = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('fq_session='));
  if (!set) throw new Error(`no session cookie: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return set.split(';')[0]!;
};

async function loginAs(username: string, lang?: 'en'): Promise<string> {
  const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
  expect(res.statusCode).toBe(303);
  const set = String([res.headers['set-cookie']].flat().find((c) => c?.startsWith('fq_session=')));
  expect(set).toMatch(/HttpOnly/);
  expect(set).toMatch(/SameSite=Strict/);
  return `${cookieOf(res)}${lang ? `; fq_lang=${lang}` : ''}`;
}

const page = (cookie: string, url: string) => sys.app.inject({ url, headers: { cookie } });
const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const post = (cookie: string, url: string, fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return sys.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
};

describe('the staff console', () => {
  it('sends a signed-out visitor to the login page and refuses a wrong password without a cookie', async () => {
    const res = await sys.app.inject({ url: '/console/inbox' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/console/login?next=%2Fconsole%2Finbox');
    const bad = await consoleLogin(sys.app, {
      username: 'mediator@yufuci-community',
      password: 'wrong-password',
      next: '/console',
    });
    expect(bad.statusCode).toBe(401);
    expect(cookiesOf(bad).filter((c) => c.startsWith('fq_session='))).toEqual([]);
    expect(bad.body).toContain('用户名或密码错误');
    // An open redirect is not possible through `next`.
    const login = await sys.app.inject({ url: '/console/login?next=//evil.example/x' });
    expect(login.body).toContain('name="next" value="/console"');
  });

  it("lists the unit's case in the inbox with its SLA light, and the case page offers exactly what the mediator may do now", async () => {
    const created = await api.create({ ...taoliLiftNoise(), title: `控制台收件箱测试 ${Date.now()}` });
    const cookie = await loginAs('mediator@yufuci-community');
    const home = await page(cookie, '/console');
    expect(home.headers.location).toBe('/console/inbox');
    const inbox = await page(cookie, `/console/inbox?q=${encodeURIComponent(created.title)}`);
    expect(inbox.statusCode).toBe(200);
    expect(inbox.headers['content-security-policy']).toContain("script-src 'self'");
    expect(inbox.body).toContain(created.title);
    expect(inbox.body).toContain('待受理');
    expect(inbox.body).toMatch(/class="sla sla-ok"[^>]*data-due="[^"]+"/);
    expect(inbox.body).toContain('剩余');

    const casePage = await page(cookie, `/console/cases/${created.id}`);
    expect(casePage.statusCode).toBe(200);
    const offered = [...casePage.body.matchAll(/action="\/console\/cases\/[^/]+\/actions\/([a-z-]+)"/g)]
      .map((m) => m[1])
      .sort();
    // awaiting_acceptance allows accept, decline, add-note, reassign, withdraw, refer-to-police, record-consent
    // and refuse (不予受理); reassign is a supervisor's.
    expect(offered).toEqual([
      'accept',
      'add-note',
      'decline',
      'record-consent',
      'refer-to-police',
      'refuse',
      'withdraw',
    ]);
    expect(casePage.body).toContain('陈某');
    expect(casePage.body).toContain('纠纷受理登记表');
  });

  it('applies an action from its form, refuses a stale form, and shows a refusal with its reason keeping what was typed', async () => {
    const created = await api.create({ ...taoliLiftNoise(), title: `控制台办理测试 ${Date.now()}` });
    const cookie = await loginAs('mediator@yufuci-community');
    const html = (await page(cookie, `/console/cases/${created.id}`)).body;
    const csrf = csrfOf(html);
    expect(csrf).not.toBe('');

    const forged = await post(cookie, `/console/cases/${created.id}/actions/accept`, { _csrf: 'forged', note: 'x' });
    expect(forged.statusCode).toBe(403);
    expect((await api.get(created.id)).stage).toBe('awaiting_acceptance');

    const accepted = await post(cookie, `/console/cases/${created.id}/actions/accept`, {
      _csrf: csrf,
      _idem: 'idem-console-accept-1',
      note: '已电话联系双方',
    });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe(`/console/cases/${created.id}?done=accept`);
    expect((await api.get(created.id)).stage).toBe('in_mediation');
    // The same form posted twice (a double click) applies once.
    const again = await post(cookie, `/console/cases/${created.id}/actions/accept`, {
      _csrf: csrf,
      _idem: 'idem-console-accept-1',
      note: '已电话联系双方',
    });
    expect(again.statusCode).toBe(303);
    expect((await api.events(created.id)).filter((e) => e.type === 'accepted')).toHaveLength(1);

    const after = await page(cookie, `/console/cases/${created.id}?done=accept`);
    expect(after.body).toContain('已办理：受理');
    expect(after.body).toContain('调解中');
    expect(after.body).toMatch(/actions\/escalate"/);
    expect(after.body).not.toMatch(/actions\/accept"/);

    // A resolve whose amount is not a number, then one the API refuses (no terms): reason shown, text kept.
    const typed = '双方就赔偿金额达成一致意见';
    const badAmount = await post(cookie, `/console/cases/${created.id}/actions/resolve`, {
      _csrf: csrf,
      facts: typed,
      matters: '赔偿',
      responsibilities: '小吃店',
      'term0.text': '支付补偿',
      'term0.amount': '一万元',
    });
    expect(badAmount.statusCode).toBe(400);
    expect(badAmount.body).toContain('未能办理');
    expect(badAmount.body).toContain(typed);
    expect(badAmount.body).toContain('一万元');
    const noTerms = await post(cookie, `/console/cases/${created.id}/actions/resolve`, {
      _csrf: csrf,
      facts: typed,
      matters: '赔偿',
      responsibilities: '小吃店',
    });
    expect(noTerms.statusCode).toBe(400);
    expect(noTerms.body).toMatch(/terms/);
    expect(noTerms.body).toContain(typed);
    expect((await api.get(created.id)).stage).toBe('in_mediation');

    // Escalating from the form hands it to the street: the community mediator may no longer act on it there.
    const escalated = await post(cookie, `/console/cases/${created.id}/actions/escalate`, {
      _csrf: csrf,
      reason: '涉及多个部门',
    });
    expect(escalated.statusCode).toBe(303);
    const view = await api.get(created.id);
    expect(view.stage).toBe('awaiting_acceptance');
    expect(view.unit.code).toBe('chuanzihe-street');
  });

  it('shows an agency representative the summons and records the answer', async () => {
    const created = await api.create({ ...taoliLiftNoise(), title: `控制台报到测试 ${Date.now()}` });
    const mediator = await api.as('mediator@yufuci-community');
    await api.act(created.id, 'accept', {}, mediator);
    await api.consentAll(created.id, mediator); // 人民调解法 Art. 17, 20, 23–24
    await api.act(
      created.id,
      'schedule-meeting',
      { at: new Date(Date.now() + 86_400_000).toISOString(), place: '渔父祠社区调解室', agencies: ['safety-station'] },
      mediator,
    );
    const cookie = await loginAs('rep@safety-station');
    expect((await page(cookie, '/console')).headers.location).toBe('/console/summonses');
    const list = await page(cookie, '/console/summonses');
    expect(list.body).toContain(created.title);
    const res = await post(cookie, `/console/cases/${created.id}/actions/confirm-attendance`, {
      _csrf: csrfOf(list.body),
      _idem: `idem-${created.id}`,
      _return: '/console/summonses?done=1',
      note: '安监站派员参加',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/console/summonses?done=1');
    const view = await api.get(created.id);
    expect(view.meeting.agencies[0].answer).toBe('confirmed');
    // Another agency's representative does not see the case at all.
    const other = await loginAs('rep@housing-center');
    expect((await page(other, `/console/cases/${created.id}`)).statusCode).toBe(404);
  });

  it('lets a supervisor acknowledge an alert and reassign a case with plain forms (no script)', async () => {
    const created = await api.create({
      ...taoliLiftNoise(),
      gridCode: 'wangjiaqiao-g1',
      title: `控制台督办测试 ${Date.now()}`,
      highRisk: true,
    });
    const cookie = await loginAs('supervisor@wangjiaqiao-street');
    expect((await page(cookie, '/console')).headers.location).toBe('/console/alerts');
    const supervisor = await api.as('supervisor@wangjiaqiao-street');
    const alert = await eventually(
      async () =>
        (await api.alerts(created.id, supervisor)).find((a) => a.kind === 'high_risk') as { id?: string } | undefined,
    );
    const board = await page(cookie, '/console/alerts');
    expect(board.body).toContain(`action="/console/alerts/${alert.id}/ack"`);
    const acked = await post(cookie, `/console/alerts/${alert.id}/ack`, {
      _csrf: csrfOf(board.body),
      note: '已联系派出所',
    });
    expect(acked.statusCode).toBe(303);
    expect(acked.headers.location).toBe(`/console/alerts?acked=${alert.id}`);
    const twice = await post(cookie, `/console/alerts/${alert.id}/ack`, { _csrf: csrfOf(board.body) });
    expect(decodeURIComponent(String(twice.headers.location))).toContain('已由 supervisor@wangjiaqiao-street');

    const casePage = await page(cookie, `/console/cases/${created.id}`);
    expect(casePage.body).toMatch(/actions\/reassign"/);
    // The reassign form offers units of the supervisor's area only.
    const options = /<select id="reassign-unitCode"[^>]*>([\s\S]*?)<\/select>/.exec(casePage.body)?.[1] ?? '';
    expect(options).toContain('value="wangjiaqiao-street"');
    expect(options).toContain('value="xindi-community"');
    for (const outside of ['yufuci-community', 'xiangyangjie-street', 'hejie-community', 'jinshi'])
      expect(options).not.toContain(`value="${outside}"`);
    const moved = await post(cookie, `/console/cases/${created.id}/actions/reassign`, {
      _csrf: csrfOf(casePage.body),
      reason: '街道直接处理',
      unitCode: 'wangjiaqiao-street',
    });
    expect(moved.statusCode).toBe(303);
    expect((await api.get(created.id)).unit.code).toBe('wangjiaqiao-street');
  });

  it('lets an administrator issue an API key shown once, and keeps the admin page from everyone else', async () => {
    const cookie = await loginAs('admin');
    const adminPage = await page(cookie, '/console/admin');
    expect(adminPage.statusCode).toBe(200);
    expect(adminPage.body).toContain('渔父祠社区');
    const name = `控制台密钥 ${Date.now()}`;
    const issued = await post(cookie, '/console/admin/key-add', { _csrf: csrfOf(adminPage.body), name });
    expect(issued.statusCode).toBe(200);
    const key = /<code class="secret">([^<]+)<\/code>/.exec(issued.body)?.[1];
    expect(key).toMatch(/^fq_live_/);
    // The key works, and the list afterwards shows only its prefix.
    expectStatus(
      await sys.app.inject({ url: '/api/v1/disputes?limit=1', headers: { authorization: `Bearer ${key}` } }),
      200,
    );
    const later = await page(cookie, '/console/admin');
    expect(later.body).toContain(name);
    expect(later.body).not.toContain(key!);

    const mediator = await loginAs('mediator@yufuci-community');
    expect((await page(mediator, '/console/admin')).statusCode).toBe(403);
    expect((await post(mediator, '/console/admin/key-add', { _csrf: 'x', name: 'nope' })).statusCode).toBe(403);
  });

  it('lets an administrator change the Safety Index weights, refusing all zeros with the reason', async () => {
    const cookie = await loginAs('admin');
    const csrf = csrfOf((await page(cookie, '/console/admin')).body);
    const zeros = {
      onTimeAcceptance: '0',
      onTimeResolution: '0',
      successRate: '0',
      retention: '0',
      satisfaction: '0',
      lowReopen: '0',
      lowIncidence: '0',
    };
    const refused = await post(cookie, '/console/admin/weights', { _csrf: csrf, ...zeros });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('平安指数权重至少应有一项大于0');
    const current = expectStatus(
      await sys.app.inject({ url: '/api/v1/admin/safety-index/weights', headers: await api.as('admin') }),
      200,
    );
    const saved = await post(cookie, '/console/admin/weights', {
      _csrf: csrf,
      ...Object.fromEntries(Object.entries(current).map(([k, v]) => [k, String(v)])),
    });
    expect(saved.statusCode).toBe(303);
  });

  it('switches to English and back', async () => {
    const cookie = await loginAs('mediator@yufuci-community');
    const sw = await page(cookie, '/console/lang?to=en&next=%2Fconsole%2Finbox');
    expect(sw.statusCode).toBe(303);
    expect(String(sw.headers['set-cookie'])).toContain('fq_lang=en');
    const en = await page(`${cookie}; fq_lang=en`, '/console/inbox');
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('My unit&#x27;s cases');
    expect(en.body).toContain('中文');
  });

  it('lets the session cookie read the API but never write through it', async () => {
    const cookie = await loginAs('mediator@yufuci-community');
    expect((await sys.app.inject({ url: '/api/v1/disputes?limit=1', headers: { cookie } })).statusCode).toBe(200);
    const created = await api.create({ ...taoliLiftNoise(), title: `控制台写入测试 ${Date.now()}` });
    const write = await sys.app.inject({
      method: 'POST',
      url: `/api/v1/disputes/${created.id}/signals/accept`,
      headers: { cookie },
      payload: {},
    });
    expect(write.statusCode).toBe(401);
    // After logout the cookie is worthless.
    const inbox = await page(cookie, '/console/inbox');
    const out = await post(cookie, '/console/logout', { _csrf: csrfOf(inbox.body) });
    expect(out.statusCode).toBe(303);
    expect((await page(cookie, '/console/inbox')).headers.location).toMatch(/^\/console\/login/);
  });
});
