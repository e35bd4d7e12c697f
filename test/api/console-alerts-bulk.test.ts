/**
 * Issue 24: a supervisor acknowledges several alerts at once — over the API (`POST /api/v1/alerts/ack`)
 * and on the console's alerts page (checkboxes and "确认所选", one form POST, no script) — under the
 * single acknowledgement's rules: alerts of another area are refused (not revealed), someone else's
 * acknowledgement is named, the same request again answers the same, the list is bounded. The page
 * also offers the Art. 25 report to the police on a high-risk alert, keeps every column on a phone
 * (cells labelled for stacking) and holds the opt-in reminder buttons, hidden until its script runs.
 */
import type { LightMyRequestResponse } from 'fastify';
import { apiOf } from '../helpers/api';
import { consoleLogin, cookiesOf, formCsrfOf } from '../helpers/console';
import { taoliLiftNoise } from '../helpers/fixtures';
import { TEST_PASSWORD } from '../helpers/run-state';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

/** A high-risk case reported from `gridCode`, and its high_risk alert (raised by the workflow at intake). */
async function riskyCase(gridCode: string, seen: string): Promise<{ id: string; caseNumber: string; alertId: string }> {
  const created = await api.create({
    ...taoliLiftNoise(),
    gridCode,
    title: `批量确认测试 ${Date.now()} ${Math.random().toString(36).slice(2, 6)}`,
    highRisk: true,
  });
  const reader = await api.as(seen);
  const alert = await eventually(
    async () =>
      (await api.alerts(created.id, reader)).find((a) => a.kind === 'high_risk') as { id: string } | undefined,
    20_000,
    'the high_risk alert',
  );
  return { id: created.id, caseNumber: created.caseNumber, alertId: alert.id };
}

const bulk = async (username: string, payload: object): Promise<LightMyRequestResponse> =>
  sys.app.inject({ method: 'POST', url: '/api/v1/alerts/ack', headers: await api.as(username), payload });

async function loginAs(username: string): Promise<string> {
  const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
  expect(res.statusCode).toBe(303);
  return cookiesOf(res).find((c) => c.startsWith('fq_session='))!;
}
const page = (cookie: string, url: string) => sys.app.inject({ url, headers: { cookie } });
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
/** The page's text as read (tags dropped, entities of the escaper undone). */
const visible = (html: string): string =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
const rowOf = (html: string, alertId: string): string => {
  const start = html.indexOf(`data-alert="${alertId}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</tr>', start));
};

it('acknowledges a list over the API: done and refused id by id, idempotent, bounded, supervisors only', async () => {
  const mine = await riskyCase('wangjiaqiao-g1', 'supervisor@wangjiaqiao-street');
  const mine2 = await riskyCase('wangjiaqiao-g1', 'supervisor@wangjiaqiao-street');
  const theirs = await riskyCase('yufuci-taoli', 'mediator@yufuci-community');
  // An admin acknowledges one first: for the street supervisor it is someone else's acknowledgement.
  expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${mine2.alertId}/ack`,
      headers: await api.as('admin'),
      payload: {},
    }),
    200,
  );

  const ids = [mine.alertId, theirs.alertId, mine2.alertId, mine.alertId];
  const first = expectStatus(await bulk('supervisor@wangjiaqiao-street', { ids, note: '已逐一核实' }), 200);
  console.log(
    'bulk ack:',
    JSON.stringify({ acknowledged: first.acknowledged.map((a: { id: string }) => a.id), refused: first.refused }),
  );
  expect(first.acknowledged).toEqual([
    expect.objectContaining({ id: mine.alertId, ackedBy: 'supervisor@wangjiaqiao-street', ackNote: '已逐一核实' }),
  ]);
  expect(first.refused).toEqual([
    { id: theirs.alertId, reason: 'not_found' },
    { id: mine2.alertId, reason: 'already_acknowledged', ackedBy: 'admin', ackedAt: expect.any(String) },
  ]);
  // Someone else's alert is untouched.
  const yufuci = await api.alerts(theirs.id, await api.as('mediator@yufuci-community'));
  expect(yufuci.find((a) => a.kind === 'high_risk')).not.toHaveProperty('ackedAt');

  // The same request again answers the same (the caller's own acknowledgement is not a refusal).
  const again = expectStatus(await bulk('supervisor@wangjiaqiao-street', { ids, note: '已逐一核实' }), 200);
  expect(again.acknowledged).toEqual([expect.objectContaining({ id: mine.alertId, already: true })]);
  expect(again.refused.map((r: { id: string }) => r.id)).toEqual([theirs.alertId, mine2.alertId]);

  // Bounded, well-formed, and for supervisors and admins only.
  const tooMany = Array.from({ length: 201 }, (_, i) => String(i + 1));
  expect((await bulk('supervisor@wangjiaqiao-street', { ids: tooMany })).statusCode).toBe(400);
  expect((await bulk('supervisor@wangjiaqiao-street', { ids: [] })).statusCode).toBe(400);
  expect((await bulk('supervisor@wangjiaqiao-street', { ids: ['1; drop table alerts'] })).statusCode).toBe(400);
  expect((await bulk('mediator@wangjiaqiao-community', { ids: [mine.alertId] })).statusCode).toBe(403);
});

it('acknowledges the ticked alerts with one form on the console page, and refuses one of another area', async () => {
  const a = await riskyCase('wangjiaqiao-g1', 'supervisor@wangjiaqiao-street');
  const b = await riskyCase('wangjiaqiao-g1', 'supervisor@wangjiaqiao-street');
  const theirs = await riskyCase('yufuci-taoli', 'mediator@yufuci-community');
  const cookie = await loginAs('supervisor@wangjiaqiao-street');
  const board = await page(cookie, '/console/alerts');
  expect(board.statusCode).toBe(200);
  const html = board.body;
  // One form for the ticked boxes; each row's box joins it by its id (no nested forms, no script).
  expect(html).toMatch(/<form id="bulk-ack" method="post" action="\/console\/alerts\/ack"/);
  expect(visible(html)).toContain('确认所选');
  for (const x of [a, b]) {
    const row = rowOf(html, x.alertId);
    expect(row).toContain(
      `<input type="checkbox" name="ids" value="${x.alertId}" form="bulk-ack" id="pick-${x.alertId}">`,
    );
    expect(row).toMatch(new RegExp(`<label class="sr-only" for="pick-${x.alertId}">选择 高风险纠纷 `));
  }
  expect(rowOf(html, theirs.alertId)).toBe('');

  const res = await post(cookie, '/console/alerts/ack', {
    _csrf: formCsrfOf(html),
    ids: [a.alertId, b.alertId, theirs.alertId],
    note: '批量确认',
  });
  expect(res.statusCode).toBe(303);
  const after = await page(cookie, String(res.headers.location));
  const text = visible(after.body);
  console.log('console bulk:', res.headers.location, text.match(/已确认 \d+ 条预警。|\d+ 条未能确认[^。]*。/g));
  expect(text).toContain('已确认 2 条预警。');
  expect(text).toContain(`1 条未能确认：不在您的辖区或已不存在（#${theirs.alertId}）。`);
  expect(rowOf(after.body, a.alertId)).toBe('');
  expect(rowOf(after.body, b.alertId)).toBe('');
  for (const x of [a, b]) {
    const listed = (await api.alerts(x.id, await api.as('supervisor@wangjiaqiao-street'))).find(
      (al) => al.kind === 'high_risk',
    ) as { ackedBy?: string; ackNote?: string };
    expect(listed).toMatchObject({ ackedBy: 'supervisor@wangjiaqiao-street', ackNote: '批量确认' });
  }
  // One of them again, alone: refused, saying who acknowledged it and when, in Chinese.
  const twice = await post(cookie, `/console/alerts/${a.alertId}/ack`, { _csrf: formCsrfOf(html) });
  expect(decodeURIComponent(String(twice.headers.location))).toMatch(
    new RegExp(
      `预警 ${a.alertId} 已由 supervisor@wangjiaqiao-street 于 \\d{4}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2} 确认`,
    ),
  );
  // Nothing ticked: said so, in Chinese; a stale form: refused.
  const none = await post(cookie, '/console/alerts/ack', { _csrf: formCsrfOf(html) });
  expect(visible((await page(cookie, String(none.headers.location))).body)).toContain('请先勾选要确认的预警。');
  expect((await post(cookie, '/console/alerts/ack', { _csrf: 'stale', ids: [a.alertId] })).statusCode).toBe(403);
});

it('offers the Art. 25 report to the police on a high-risk alert, with the measures, and then says it was sent', async () => {
  const risky = await riskyCase('wangjiaqiao-g1', 'supervisor@wangjiaqiao-street');
  const cookie = await loginAs('supervisor@wangjiaqiao-street');
  const html = (await page(cookie, '/console/alerts')).body;
  const row = rowOf(html, risky.alertId);
  expect(row).toContain('<summary>报告公安机关</summary>');
  expect(row).toContain(`action="/console/cases/${risky.id}/actions/refer-to-police"`);
  expect(row).toMatch(
    /<label for="measures-\d+">已采取的预防措施 <span aria-hidden="true">＊<\/span><span class="sr-only">（必填）<\/span><\/label>/,
  );
  expect(row).toMatch(/<textarea id="measures-\d+" name="measures"[^>]* required>/);
  // The case page offers the same action (the case helper's page, checked here for the supervisor's path).
  expect((await page(cookie, `/console/cases/${risky.id}`)).body).toContain(
    `/console/cases/${risky.id}/actions/refer-to-police`,
  );
  const idem = /name="_idem" value="([^"]+)"/.exec(row)![1]!;
  const sent = await post(cookie, `/console/cases/${risky.id}/actions/refer-to-police`, {
    _csrf: formCsrfOf(html),
    _idem: idem,
    _return: '/console/alerts?referred=1',
    measures: '已约谈双方，派员劝阻过激行为',
  });
  expect(sent.statusCode).toBe(303);
  expect(sent.headers.location).toBe('/console/alerts?referred=1');
  const kase = await api.get(risky.id, await api.as('supervisor@wangjiaqiao-street'));
  expect(kase.policeReferral).toMatchObject({ measures: '已约谈双方，派员劝阻过激行为' });
  const later = await page(cookie, '/console/alerts?referred=1');
  expect(visible(later.body)).toContain('已报告公安机关');
  const rowAfter = rowOf(later.body, risky.alertId);
  expect(rowAfter).not.toContain('refer-to-police');
  expect(visible(rowAfter)).toMatch(/已报告公安机关 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
});

it('keeps every column on a phone, marks changing text, and holds the reminder buttons for the script', async () => {
  const risky = await riskyCase('wangjiaqiao-g1', 'supervisor@wangjiaqiao-street');
  const cookie = await loginAs('supervisor@wangjiaqiao-street');
  const html = (await page(cookie, '/console/alerts')).body;
  const row = rowOf(html, risky.alertId);
  // No column is of the kind console.css hides on narrow screens; each cell names its column for stacking.
  expect(html).not.toMatch(/class="[^"]*\bwide\b/);
  for (const label of ['选择', '时间', '类型', '案件', '内容', '确认']) expect(row).toContain(`data-label="${label}"`);
  expect(row).toMatch(/<time datetime="[^"]+" data-dynamic>\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}<\/time>/);
  expect(html).toMatch(/id="unacked-count" data-dynamic data-n="\d+">未确认 \d+ 条</);
  const css = await sys.app.inject({ url: '/console/static/alerts.css' });
  expect(css.body).toMatch(
    /@media \(max-width: 720px\)[\s\S]*table\.alerts\.stack td::before[\s\S]*attr\(data-label\)/,
  );
  // The reminders: real buttons with names, hidden without script (alerts.js shows them).
  expect(html).toMatch(/<section class="remind" id="alert-remind" aria-labelledby="remind-h" hidden>/);
  expect(html).toContain(
    '<button type="button" id="remind-sound" aria-pressed="false" aria-describedby="remind-status">开启提醒声音</button>',
  );
  expect(html).toContain(
    '<button type="button" id="remind-notify" aria-pressed="false" aria-describedby="remind-status">开启桌面通知</button>',
  );
  expect(html).toContain('<script src="/console/static/alerts.js" defer></script>');
  const js = await sys.app.inject({ url: '/console/static/alerts.js' });
  expect(js.statusCode).toBe(200);
  expect(js.body).toContain('requestPermission');
  expect(js.body).toContain('localStorage');
});
