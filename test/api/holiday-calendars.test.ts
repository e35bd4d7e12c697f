/**
 * The admin API of holiday arrangements on the real system: who may use it, what a bad
 * arrangement answers (and that it stores nothing), the years' status and one year's revisions, a
 * preview that writes nothing, a regional year entered, the OpenAPI document, and the missing
 * years on /metrics. (Entering a national year and the re-planning it sets off:
 * test/workflows/holiday-calendar.test.ts.)
 */
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let admin: { authorization: string };
// A grid holds no cases (its community does): what this file enters moves no other file's deadlines.
const REGION = 'yufuci-taoli';
const YEAR = 2026;

beforeAll(async () => {
  sys = await startSystem();
  admin = { authorization: `Bearer ${await sys.login('admin')}` };
});
afterAll(async () => {
  await sys?.orm.em.fork().execute('delete from holiday_arrangements where region_code = ?', [REGION]);
  await sys?.close();
});

const arrangement = (over: Record<string, unknown> = {}) => ({
  region: REGION,
  source: { title: '桃李网格测试安排（非真实通知）', date: '2026-11-20' },
  days: [{ date: '2026-12-21', kind: 'off', name: '测试节' }],
  ...over,
});
// This file's own rows (other files enter years in the shared database at the same time).
const rowsOf = async () =>
  Number(
    (
      await sys.orm.em
        .fork()
        .execute<{ n: string }[]>('select count(*) as n from holiday_arrangements where region_code = ?', [REGION])
    )[0]!.n,
  );

it('is for administrators only', async () => {
  for (const who of ['supervisor@wangjiaqiao-community', 'mediator@wangjiaqiao-street']) {
    const headers = { authorization: `Bearer ${await sys.login(who)}` };
    expect((await sys.app.inject({ url: '/api/v1/admin/calendars', headers })).statusCode).toBe(403);
    expect(
      (await sys.app.inject({ method: 'PUT', url: `/api/v1/admin/calendars/${YEAR}`, headers, payload: arrangement() }))
        .statusCode,
    ).toBe(403);
  }
  const integrator = { authorization: `Bearer ${sys.apiKey}` };
  expect(
    (
      await sys.app.inject({
        method: 'POST',
        url: `/api/v1/admin/calendars/${YEAR}/preview`,
        headers: integrator,
        payload: arrangement(),
      })
    ).statusCode,
  ).toBe(403);
  expect((await sys.app.inject({ url: '/api/v1/admin/calendars' })).statusCode).toBe(401);
});

it('lists the years in force, the seed among them, and the years missing', async () => {
  const status = expectStatus(await sys.app.inject({ url: '/api/v1/admin/calendars', headers: admin }), 200);
  expect(status.seed).toEqual({ first: 2004, last: 2026 });
  const y2026 = status.items.find((r: { year: number; region: string | null }) => r.year === 2026 && r.region === null);
  expect(y2026).toMatchObject({
    sourceTitle: '国务院办公厅关于2026年部分节假日安排的通知',
    enteredBy: 'seed:chinese-days@1.5.7',
    makeUpDays: 6,
    revisions: 1,
  });
  expect(y2026.daysOff).toBe(33);
  // Missing: this year if absent, and from 1 October next year (the date decides which).
  const beijing = new Date(Date.now() + 8 * 3600_000);
  const year = beijing.getUTCFullYear();
  const due = beijing.getUTCMonth() >= 9 ? [year, year + 1] : [year];
  const have = new Set(
    status.items.filter((r: { region: string | null }) => r.region === null).map((r: { year: number }) => r.year),
  );
  expect(status.missing).toEqual(due.filter((y) => !have.has(y)));

  const detail = expectStatus(await sys.app.inject({ url: '/api/v1/admin/calendars/2026', headers: admin }), 200);
  expect(detail.revisions).toHaveLength(1);
  expect(detail.revisions[0].days).toContainEqual({ date: '2026-02-14', kind: 'work', name: '春节' });
  const none = await sys.app.inject({ url: '/api/v1/admin/calendars/2031', headers: admin });
  expect(none.statusCode).toBe(404);
  expect(none.json().detail).toContain('2031年尚无节假日安排');
});

it('refuses a bad arrangement with each reason, and stores nothing', async () => {
  const before = await rowsOf();
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    [
      'a weekday as make-up day',
      { days: [{ date: '2026-12-21', kind: 'work' }] },
      '/days/0/kind',
      /2026-12-21 是星期一，本就是工作日/,
    ],
    ['a date of another year', { days: [{ date: '2027-01-01', kind: 'off' }] }, '/days/0/date', /不属于 2026 年/],
    [
      'a date listed twice',
      {
        days: [
          { date: '2026-12-21', kind: 'off' },
          { date: '2026-12-21', kind: 'off' },
        ],
      },
      '/days/1/date',
      /重复/,
    ],
    ['no such date', { days: [{ date: '2026-02-30', kind: 'off' }] }, '/days/0/date', /不是有效日期/],
    ['a file for another year', { year: 2027 }, '/year', /与地址中的 2026 不符/],
    ['an unknown region', { region: 'atlantis' }, '/region', /没有代码为 atlantis 的单位/],
    [
      'a lone surrogate in a name',
      { days: [{ date: '2026-12-21', kind: 'off', name: 'a\ud800' }] },
      // Refused for every route before the schema (api/plugins/errors.ts), so named from the request's root.
      'body/days/0/name',
      /孤立的代理项/,
    ],
  ];
  for (const [what, over, field, reason] of cases) {
    for (const [method, url] of [
      ['PUT', `/api/v1/admin/calendars/${YEAR}`],
      ['POST', `/api/v1/admin/calendars/${YEAR}/preview`],
    ] as const) {
      const res = await sys.app.inject({ method, url, headers: admin, payload: arrangement(over) });
      expect({ what, method, status: res.statusCode }).toEqual({ what, method, status: 400 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = res.json();
      expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(problem.detail).toMatch(reason);
    }
  }
  // The schema's own checks: an unknown kind, a field too many.
  expect(
    (
      await sys.app.inject({
        method: 'PUT',
        url: `/api/v1/admin/calendars/${YEAR}`,
        headers: admin,
        payload: arrangement({ days: [{ date: '2026-12-21', kind: 'holiday' }] }),
      })
    ).statusCode,
  ).toBe(400);
  expect(
    (
      await sys.app.inject({
        method: 'PUT',
        url: `/api/v1/admin/calendars/${YEAR}`,
        headers: admin,
        payload: arrangement({ extra: 1 }),
      })
    ).statusCode,
  ).toBe(400);
  expect(await rowsOf()).toBe(before);
});

it('previews without writing, then enters a regional year as a new revision', async () => {
  const before = await rowsOf();
  const preview = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: `/api/v1/admin/calendars/${YEAR}/preview`,
      headers: admin,
      payload: arrangement(),
    }),
    200,
  );
  expect(preview).toMatchObject({ year: YEAR, region: REGION, changedDates: ['2026-12-21'], truncated: false });
  // A grid holds no cases: nothing would move.
  expect(preview.cases).toEqual([]);
  expect(await rowsOf()).toBe(before);

  const entered = expectStatus(
    await sys.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/calendars/${YEAR}`,
      headers: admin,
      payload: arrangement(),
    }),
    200,
  );
  expect(entered).toMatchObject({ year: YEAR, region: REGION, previousRevision: null, changedDates: ['2026-12-21'] });
  expect(entered.replan.workflowId).toBe(`holiday-replan-${REGION}-${YEAR}-r${entered.revision}`);
  const status = expectStatus(await sys.app.inject({ url: '/api/v1/admin/calendars', headers: admin }), 200);
  expect(status.items.find((r: { region: string | null }) => r.region === REGION)).toMatchObject({
    regionName: '桃李网格',
    year: YEAR,
    revision: entered.revision,
    daysOff: 1,
    makeUpDays: 0,
    sourceDate: '2026-11-20',
    enteredBy: 'admin',
  });
  const history = expectStatus(
    await sys.app.inject({ url: `/api/v1/admin/calendars/${YEAR}?region=${REGION}`, headers: admin }),
    200,
  );
  expect(history.revisions.map((r: { revision: number }) => r.revision)).toEqual([entered.revision]);
});

it('is in the OpenAPI document', async () => {
  const doc = expectStatus(await sys.app.inject({ url: '/docs/json' }), 200);
  for (const path of [
    '/api/v1/admin/calendars',
    '/api/v1/admin/calendars/{year}',
    '/api/v1/admin/calendars/{year}/preview',
    '/api/v1/admin/calendars/{year}/replan',
  ]) {
    expect(Object.keys(doc.paths)).toContain(path);
  }
  expect(Object.keys(doc.paths['/api/v1/admin/calendars/{year}'])).toEqual(expect.arrayContaining(['get', 'put']));
});

it('exposes the missing years on /metrics', async () => {
  const status = expectStatus(await sys.app.inject({ url: '/api/v1/admin/calendars', headers: admin }), 200);
  const text = (await sys.app.inject({ url: '/metrics' })).body;
  for (const year of status.missing as number[])
    expect(text).toContain(`fengqiao_holiday_arrangement_missing{year="${year}"} 1`);
  const gaps = text.split('\n').filter((l) => l.startsWith('fengqiao_holiday_arrangement_missing{'));
  expect(gaps).toHaveLength(status.missing.length);
  const last = Math.max(
    ...status.items.filter((r: { region: string | null }) => r.region === null).map((r: { year: number }) => r.year),
  );
  expect(text).toContain(`fengqiao_holiday_arrangement_last_year ${last}`);
});
