/**
 * The inbox as a work queue (issue 24), on the real system: cases reported, accepted, breached,
 * agreed and closed through the workflows; the list's order of urgency and its cursor, the counts per
 * stage and SLA colour, the scopes (mine, my unit, overdue), saved views per person, search over
 * closed cases by agreement number and party name within the caller's area only, the live stream of
 * case changes (NOTIFY from the read model's row), and the console page built on them.
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SlaPolicy } from '../../db/entities';
import { apiOf, type Headers } from '../helpers/api';
import { cookiesOf, consoleLogin, formCsrfOf } from '../helpers/console';
import { agreedTerms, taoliLiftNoise, testPolicy } from '../helpers/fixtures';
import { openSse, type SseStream } from '../helpers/sse';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { TEST_PASSWORD } from '../helpers/run-state';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let baseUrl: string;
const streams: SseStream[] = [];
/** This file's cases carry this in their titles (the run's database is shared with other files). */
const MARK = `工作队列${randomUUID().slice(0, 8)}`;
/** A party name no other case has. */
const PARTY = `欧阳${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  await sys.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(sys.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of streams) s.close();
  await sys?.close();
});

const report = (title: string, over: Record<string, unknown> = {}) => ({
  gridCode: 'wangjiaqiao-g1',
  category: 'property',
  title,
  description: '小区车位划分有分歧，双方希望调解。',
  parties: [
    { name: '郑某', role: 'applicant' },
    { name: '冯某', role: 'respondent' },
  ],
  channel: '12345',
  ...over,
});

const get = async (url: string, headers: Headers) => expectStatus(await sys.app.inject({ url, headers }), 200);
const titles = (list: { items: Array<{ title: string }> }) => list.items.map((c) => c.title);
const q = encodeURIComponent(MARK);

let normal: { id: string };
let risky: { id: string; risk?: { high: boolean } };
let late: { id: string };
let closed: { id: string; agreement: { number: string } };

describe('the order of urgency', () => {
  it('lists a breached case above a high-risk one with time left above a normal one, closed cases last, page by page', async () => {
    const mediator = await api.as('mediator@yufuci-community');
    // A case agreed and closed in 渔父祠 (its party's name is this file's own).
    const lift = taoliLiftNoise();
    const c = await api.create({
      ...lift,
      title: `${MARK} 已结案`,
      parties: [{ ...lift.parties[0], name: PARTY }, lift.parties[1]],
    });
    await api.act(c.id, 'accept', {}, mediator);
    await api.consentAll(c.id, mediator);
    await api.act(c.id, 'resolve', agreedTerms(), mediator);
    await api.act(c.id, 'sign', { signer: 'party:0', method: 'signature' }, mediator);
    await api.act(c.id, 'sign', { signer: 'party:1', method: 'seal', witness: '网格员李某' }, mediator);
    await api.act(c.id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
    await api.act(c.id, 'seal', {}, mediator);
    closed = await api.act(
      c.id,
      'record-follow-up',
      { method: 'home', met: ['当事人'], performed: true, satisfaction: 5, note: '已履行' },
      mediator,
    );
    expect(closed).toMatchObject({ stage: 'closed', agreement: { number: expect.stringMatching(/调字第/) } });

    // Urgent family cases at community level: 2 s to accept, no escalation, for as long as this case takes to report.
    const em = sys.orm.em.fork();
    const policy = em.create(
      SlaPolicy,
      testPolicy('family', { priority: 'urgent', level: 'community', acceptSeconds: 2, autoEscalate: false }),
    );
    await em.persist(policy).flush();
    late = await api.create(report(`${MARK} 超时`, { category: 'family', priority: 'urgent' }));
    await em.remove(policy).flush();
    // Two urgent cases (an hour to accept, the seed's policy), the high-risk one reported second.
    normal = await api.create(report(`${MARK} 普通`, { priority: 'urgent' }));
    risky = await api.create(report(`${MARK} 高风险`, { priority: 'urgent', highRisk: true }));
    const admin = await api.as('admin');
    await eventually(
      async () => (await get(`/api/v1/disputes?q=${q}&overdue=true`, admin)).items.length === 1,
      20_000,
      'the urgent case to breach its 2 s accept deadline',
    );

    const urgent = await get(`/api/v1/disputes?q=${q}&sort=urgency`, admin);
    console.log('urgency order:', titles(urgent));
    expect(titles(urgent)).toEqual([`${MARK} 超时`, `${MARK} 高风险`, `${MARK} 普通`, `${MARK} 已结案`]);
    // The high-risk case was reported after the normal one: only its risk puts it first.
    const [r, n] = [urgent.items[1], urgent.items[2]] as Array<{ nextDeadlineAt: string; risk?: { high: boolean } }>;
    expect(r!.risk?.high).toBe(true);
    expect(risky.risk?.high).toBe(true);
    expect(late.id).not.toBe(normal.id);
    expect(Date.parse(r!.nextDeadlineAt)).toBeGreaterThanOrEqual(Date.parse(n!.nextDeadlineAt));

    // One case a page: the cursor continues the same order, each case once.
    const paged: string[] = [];
    let cursor = '';
    for (let i = 0; i < 6; i++) {
      const page = await get(`/api/v1/disputes?q=${q}&sort=urgency&limit=1${cursor ? `&cursor=${cursor}` : ''}`, admin);
      paged.push(...titles(page));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(titles(urgent));
    // An urgency cursor is no newest-first cursor, and a made-up one is refused.
    expect((await sys.app.inject({ url: `/api/v1/disputes?q=${q}&cursor=${cursor}`, headers: admin })).statusCode).toBe(
      400,
    );
    const forged = `u.${Buffer.from('[0,"1","x","2","a"]').toString('base64url')}`;
    expect(
      (await sys.app.inject({ url: `/api/v1/disputes?sort=urgency&cursor=${forged}`, headers: admin })).statusCode,
    ).toBe(400);
    // Integrators keep the newest-first default.
    const newest = await get(`/api/v1/disputes?q=${q}`, admin);
    expect(titles(newest)).toEqual([`${MARK} 高风险`, `${MARK} 普通`, `${MARK} 超时`, `${MARK} 已结案`]);
  });
});

describe('counts, scopes and search', () => {
  it('counts per stage and SLA colour exactly the rows each link lists', async () => {
    const admin = await api.as('admin');
    // A case without the mark: counted only when the search is forgotten.
    await api.create(report('不相关的车位纠纷'));
    const counts = await get(`/api/v1/disputes/counts?q=${q}`, admin);
    console.log('counts:', JSON.stringify(counts));
    expect(counts.total).toBe(4);
    expect(counts.stage).toEqual({ awaiting_acceptance: 3, closed: 1 });
    expect(counts.sla.breached).toBe(1);
    expect(counts.sla.closed).toBe(1);
    expect(counts.sla.ok + counts.sla.warning).toBe(2);
    for (const [stage, n] of Object.entries(counts.stage))
      expect((await get(`/api/v1/disputes?q=${q}&stage=${stage}&limit=100`, admin)).items).toHaveLength(n as number);
    for (const sla of ['ok', 'warning', 'breached'])
      expect((await get(`/api/v1/disputes?q=${q}&sla=${sla}&limit=100`, admin)).items).toHaveLength(counts.sla[sla]);
    expect(titles(await get(`/api/v1/disputes?q=${q}&sla=breached`, admin))).toEqual([`${MARK} 超时`]);
  });

  it('scopes: mine is what I accepted, my unit is what my unit holds, overdue is the open breached ones', async () => {
    const mediator = await api.as('mediator@wangjiaqiao-community');
    const street = await api.as('supervisor@wangjiaqiao-street');
    await api.act(normal.id, 'accept', {}, mediator);
    expect(titles(await get(`/api/v1/disputes?q=${q}&scope=mine`, mediator))).toEqual([`${MARK} 普通`]);
    expect(titles(await get(`/api/v1/disputes?q=${q}&scope=mine`, street))).toEqual([]);
    expect(titles(await get(`/api/v1/disputes?q=${q}&scope=unit&sort=urgency`, mediator))).toEqual([
      `${MARK} 超时`,
      `${MARK} 高风险`,
      `${MARK} 普通`,
    ]);
    // The street's supervisor sees the area's cases, none of them held by the street itself.
    expect(titles(await get(`/api/v1/disputes?q=${q}&scope=unit`, street))).toEqual([]);
    expect(await get(`/api/v1/disputes?q=${q}`, street).then((l) => l.items.length)).toBe(3);
    expect(titles(await get(`/api/v1/disputes?q=${q}&overdue=true&open=true`, street))).toEqual([`${MARK} 超时`]);
    const mine = await get(`/api/v1/disputes/counts?q=${q}&scope=mine`, mediator);
    expect(mine).toMatchObject({ total: 1, stage: { in_mediation: 1 } });
  });

  it('finds a closed case by its agreement number and a party name, never outside the caller area, wildcards literal', async () => {
    const yufuci = await api.as('mediator@yufuci-community');
    const other = await api.as('mediator@wangjiaqiao-community');
    const number = encodeURIComponent(closed.agreement.number);
    expect(titles(await get(`/api/v1/disputes?q=${number}`, yufuci))).toEqual([`${MARK} 已结案`]);
    expect(titles(await get(`/api/v1/disputes?q=${encodeURIComponent(PARTY)}`, yufuci))).toEqual([`${MARK} 已结案`]);
    // Another community's mediator finds nothing by the same name or number.
    expect(titles(await get(`/api/v1/disputes?q=${encodeURIComponent(PARTY)}`, other))).toEqual([]);
    expect(titles(await get(`/api/v1/disputes?q=${number}`, other))).toEqual([]);
    // % and _ are letters in a search.
    expect(titles(await get(`/api/v1/disputes?q=${encodeURIComponent(`${MARK.slice(0, 4)}_`)}`, yufuci))).toEqual([]);
    expect(titles(await get(`/api/v1/disputes?q=${encodeURIComponent(`${PARTY}%`)}`, yufuci))).toEqual([]);
  });
});

describe('saved views', () => {
  it('saves, lists and deletes a view; another person can neither read nor delete it', async () => {
    const mine = await api.as('mediator@wangjiaqiao-community');
    const theirs = await api.as('mediator@yufuci-community');
    const post = (headers: Headers, payload: object) =>
      sys.app.inject({ method: 'POST', url: '/api/v1/saved-views', headers, payload });
    const saved = expectStatus(
      await post(mine, { name: '超期的', filters: { scope: 'overdue', sort: 'urgency' } }),
      201,
    );
    expect(saved).toMatchObject({ name: '超期的', filters: { scope: 'overdue', sort: 'urgency' } });
    expect((await get('/api/v1/saved-views', mine)).items.map((v: { id: string }) => v.id)).toContain(saved.id);
    expect((await get('/api/v1/saved-views', theirs)).items.map((v: { id: string }) => v.id)).not.toContain(saved.id);
    const steal = await sys.app.inject({ method: 'DELETE', url: `/api/v1/saved-views/${saved.id}`, headers: theirs });
    expect(steal.statusCode).toBe(404);
    // Names: unique per person, 1 to 40 characters, not blank; filters only the inbox's.
    expect((await post(mine, { name: '超期的', filters: {} })).statusCode).toBe(409);
    expect((await post(theirs, { name: '超期的', filters: {} })).statusCode).toBe(201);
    expect((await post(mine, { name: '长'.repeat(41), filters: {} })).statusCode).toBe(400);
    expect((await post(mine, { name: '   ', filters: {} })).statusCode).toBe(400);
    expect((await post(mine, { name: '坏', filters: { owner: 'x' } })).statusCode).toBe(400);
    expect((await post(api.integrator, { name: '接入方', filters: {} })).statusCode).toBe(403);
    const removed = await sys.app.inject({ method: 'DELETE', url: `/api/v1/saved-views/${saved.id}`, headers: mine });
    expect(removed.statusCode).toBe(204);
    expect((await get('/api/v1/saved-views', mine)).items.map((v: { id: string }) => v.id)).not.toContain(saved.id);
    // At most 20 each.
    const grid = await api.as('supervisor@jinshi');
    for (let i = 0; i < 20; i++) expectStatus(await post(grid, { name: `视图${i}`, filters: {} }), 201);
    expect((await post(grid, { name: '第二十一个', filters: {} })).statusCode).toBe(409);
  });
});

describe('live changes', () => {
  it('streams a change of a case to the people of its area after an action, not to another area', async () => {
    const wang = await openSse(`${baseUrl}/api/v1/disputes/changes`, {
      authorization: `Bearer ${await sys.login('mediator@wangjiaqiao-community')}`,
    });
    const yufuci = await openSse(`${baseUrl}/api/v1/disputes/changes`, {
      authorization: `Bearer ${await sys.login('mediator@yufuci-community')}`,
    });
    streams.push(wang, yufuci);
    expect(wang.status).toBe(200);
    expect(wang.headers['content-type']).toMatch(/^text\/event-stream/);
    const mediator = await api.as('mediator@wangjiaqiao-community');
    await api.act(normal.id, 'add-note', { text: '电话联系双方。' }, mediator);
    const seen = await eventually(
      async () => (wang.events as Array<{ id: string; stage: string }>).find((e) => e.id === normal.id),
      10_000,
      'the change on the stream',
    );
    console.log('change event:', JSON.stringify(seen));
    expect(seen).toEqual({ id: normal.id, seq: expect.any(Number), stage: 'in_mediation' });
    // A change in 渔父祠 reaches 渔父祠's stream; the 汪家桥 one never did.
    const created = await api.create({ ...taoliLiftNoise(), title: `${MARK} 渔父祠新案` });
    await eventually(
      async () => (yufuci.events as Array<{ id: string }>).some((e) => e.id === created.id),
      10_000,
      'the 渔父祠 change',
    );
    expect((yufuci.events as Array<{ id: string }>).some((e) => e.id === normal.id)).toBe(false);
    expect((wang.events as Array<{ id: string }>).some((e) => e.id === created.id)).toBe(false);
  });
});

describe('the console inbox', () => {
  it('shows counts, scopes, saved views and a clickable link for a title of spaces, closed cases included', async () => {
    const res = await consoleLogin(sys.app, { username: 'mediator@yufuci-community', password: TEST_PASSWORD });
    const cookie = cookiesOf(res).join('; ');
    const page = (url: string) => sys.app.inject({ url, headers: { cookie } });
    const blank = await api.create({
      ...taoliLiftNoise(),
      title: '   ',
      parties: [{ ...taoliLiftNoise().parties[0], name: `${PARTY}乙` }, taoliLiftNoise().parties[1]],
    });
    const inbox = await page(`/console/inbox?q=${encodeURIComponent(PARTY)}`);
    expect(inbox.statusCode).toBe(200);
    const html = inbox.body;
    // 全部 means all: the closed case is listed, after the open one.
    expect(html.indexOf(`/console/cases/${blank.id}`)).toBeGreaterThan(0);
    expect(html.indexOf(`/console/cases/${closed.id}`)).toBeGreaterThan(html.indexOf(`/console/cases/${blank.id}`));
    expect(html).toContain(`<a href="/console/cases/${blank.id}">（无标题）</a>`);
    for (const word of ['我的案件', '本单位', '超期', '按时限', '按阶段', '我的视图', '保存当前筛选为视图'])
      expect(html).toContain(word);
    expect(html).toMatch(/aria-label="已结案：1件"/);
    expect(html).toContain('<script src="/console/static/inbox.js" defer></script>');
    expect(html).toContain('列表有更新，点击刷新');
    expect(html).toMatch(/<b data-dynamic>\d+<\/b>/);
    // Saving a view: the CSRF token is required.
    const csrf = formCsrfOf(html);
    const form = (body: Record<string, string>) =>
      sys.app.inject({
        method: 'POST',
        url: '/console/inbox/views',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(body).toString(),
      });
    expect((await form({ name: '无令牌', q: PARTY })).statusCode).toBe(403);
    const saved = await form({ _csrf: csrf, name: '欧阳的案子', q: PARTY, scope: 'all' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toContain('notice=saved');
    const after = (await page(String(saved.headers.location))).body;
    expect(after).toContain('视图已保存。');
    expect(after).toContain(`>欧阳的案子</a>`);
    expect(after).toContain(`<a href="/console/inbox?q&#x3D;${encodeURIComponent(PARTY)}">欧阳的案子</a>`);
    const again = await form({ _csrf: csrf, name: '欧阳的案子', q: PARTY });
    expect((await page(String(again.headers.location))).body).toContain('视图未保存：已有同名视图');
  });
});
