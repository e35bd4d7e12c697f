/**
 * Hostile requests that were server errors (issue 20, part F): a hand-made list cursor, Open311 dates
 * in year 0 or 1, the names of Object.prototype's members as console paths, an agency representative's
 * case page, and PostgreSQL or a case's workflow task failing. Each is answered as what it is: a 400
 * or a 404 for the request, a 503 with Retry-After (Chinese first) for a service out of reach.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { TcpProxy } from '../chaos/tcp-proxy';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

const problem = (res: LightMyRequestResponse) => ({
  status: res.statusCode,
  type: String(res.headers['content-type']).split(';')[0],
  code: res.json().code,
});
const session = async (username: string) => ({ cookie: `fq_session=${await sys.login(username)}` });
const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const postForm = (url: string, headers: Record<string, string>, fields: Record<string, string>) =>
  sys.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
/** Chinese first, then English: "数据库暂时不可用… / the database is unavailable…". */
const CHINESE_FIRST = /^[\u4e00-\u9fff][^/]*\/ [a-z]/;
const OBJECT_MEMBERS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

it('refuses a list cursor it did not issue (a date PostgreSQL rejects) as 400, and follows its own', async () => {
  const admin = await api.as('admin');
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  // Found: base64("2026|x") → 500 (Date.parse takes "2026", PostgreSQL does not); so did year 0.
  for (const cursor of [
    '2026|x',
    '0000-01-01T00:00:00.000Z|x',
    '-271821-04-20|x',
    '2026-01-01|x|y',
    '2026-01-01T00:00:00.000Z|%',
  ]) {
    const res = await sys.app.inject({ url: `/api/v1/disputes?cursor=${b64(cursor)}`, headers: admin });
    expect([cursor, problem(res)]).toEqual([
      cursor,
      { status: 400, type: 'application/problem+json', code: 'validation_failed' },
    ]);
    expect(res.json().errors).toEqual([{ field: 'querystring/cursor', message: expect.stringMatching(CHINESE_FIRST) }]);
  }
  await api.create({ ...taoliLiftNoise(), title: '游标测试一' });
  await api.create({ ...taoliLiftNoise(), title: '游标测试二' });
  const first = expectStatus(await sys.app.inject({ url: '/api/v1/disputes?limit=1', headers: admin }), 200);
  expect(first.nextCursor).toEqual(expect.any(String));
  const next = expectStatus(
    await sys.app.inject({ url: `/api/v1/disputes?limit=1&cursor=${first.nextCursor}`, headers: admin }),
    200,
  );
  expect(next.items).toHaveLength(1);
  expect(next.items[0].id).not.toBe(first.items[0].id);
});

it('refuses Open311 dates in year 0 or 1 as 400, in the spec’s error array', async () => {
  // Found: start_date or end_date in year 0 or 1 (or 90 days after one) → 500 from PostgreSQL.
  for (const date of [
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '0001-01-01T00:00:00+08:00',
    '1969-12-31T23:59:59Z',
  ]) {
    for (const name of ['start_date', 'end_date']) {
      const res = await sys.app.inject({
        url: `/open311/v2/requests.json?${name}=${encodeURIComponent(date)}`,
        headers: api.integrator,
      });
      expect([name, date, res.statusCode, res.json()]).toEqual([
        name,
        date,
        400,
        [{ code: 400, description: expect.stringContaining(`${name} 须在 1970 至 9999 年之间`) }],
      ]);
    }
  }
  const fine = await sys.app.inject({
    url: `/open311/v2/requests.json?start_date=${encodeURIComponent('9999-12-31T23:59:59Z')}`,
    headers: api.integrator,
  });
  expect(fine.statusCode).toBe(200);
});

it("answers the names of Object.prototype's members as console paths 404, not 500", async () => {
  // Found: /console/static/__proto__ (constructor, toString) → 500; POST /console/admin/__proto__ … → 500.
  for (const name of OBJECT_MEMBERS) {
    expect([name, (await sys.app.inject({ url: `/console/static/${name}` })).statusCode]).toEqual([name, 404]);
  }
  expect((await sys.app.inject({ url: '/console/static/console.css' })).statusCode).toBe(200);
  const admin = await session('admin');
  const page = await sys.app.inject({ url: '/console/admin', headers: admin });
  expect(page.statusCode).toBe(200);
  const csrf = csrfOf(page.body);
  expect(csrf).not.toBe('');
  for (const name of [...OBJECT_MEMBERS, '__defineGetter__', 'isPrototypeOf']) {
    const res = await postForm(`/console/admin/${name}`, admin, { _csrf: csrf });
    expect([name, res.statusCode]).toEqual([name, 404]);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const saved = await sys.app.inject({ url: `/console/admin?saved=${name}`, headers: admin });
    expect([name, saved.statusCode]).toEqual([name, 200]);
  }
  // A case id the API would refuse (it has no underscores) is no case here either.
  expect((await sys.app.inject({ url: '/console/cases/__proto__', headers: admin })).statusCode).toBe(404);
});

it('opens a case page for an agency representative summoned to it (a user without a unit; it was a 500)', async () => {
  const created = await api.create({ ...taoliLiftNoise(), title: '部门代表查看案件' });
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator); // 人民调解法 Art. 17, 20, 23–24
  await api.act(
    created.id,
    'schedule-meeting',
    { at: new Date(Date.now() + 3 * 86400_000).toISOString(), place: '渔父祠社区会议室', agencies: ['safety-station'] },
    mediator,
  );
  const rep = await session('rep@safety-station');
  const res = await sys.app.inject({ url: `/console/cases/${created.id}`, headers: rep });
  expect(res.statusCode).toBe(200);
  expect(res.body).toContain('部门代表查看案件');
  // What the representative may do there: answer the summons.
  expect(res.body).toContain('/actions/confirm-attendance');
});

it('answers 503 with Retry-After, Chinese first, when PostgreSQL is out of reach: API, Open311 and console', async () => {
  const url = new URL(process.env.DATABASE_URL!);
  const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  const port = await proxy.listen();
  url.host = `127.0.0.1:${port}`;
  const runDatabase = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url.toString();
  // pg's pool prints each severed connection ("Connection Error: …") on the console: not this test's output.
  const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  let cut: TestSystem | undefined;
  try {
    cut = await startSystem();
  } finally {
    process.env.DATABASE_URL = runDatabase;
  }
  try {
    const token = await cut.login('mediator@yufuci-community');
    proxy.cut();
    const integrator = { authorization: `Bearer ${cut.apiKey}` };
    const apiAnswer = await cut.app.inject({ url: '/api/v1/disputes', headers: integrator });
    expect(problem(apiAnswer)).toEqual({ status: 503, type: 'application/problem+json', code: 'unavailable' });
    expect(apiAnswer.json().detail).toMatch(CHINESE_FIRST);
    expect(apiAnswer.headers['retry-after']).toBe('1');
    // Found: Open311 answered these 500.
    for (const res of [
      await cut.app.inject({ url: '/open311/v2/requests.json', headers: integrator }),
      await cut.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        headers: integrator,
        payload: { service_code: 'noise', address_id: 'yufuci-taoli', description: '夜间噪音' },
      }),
    ]) {
      expect([res.statusCode, res.headers['retry-after'], res.json()]).toEqual([
        503,
        '1',
        [{ code: 503, description: expect.stringMatching(CHINESE_FIRST) }],
      ]);
    }
    // Found: the console answered these 500 ("系统出错").
    const page = await cut.app.inject({ url: '/console/inbox', headers: { cookie: `fq_session=${token}` } });
    expect([page.statusCode, page.headers['retry-after']]).toEqual([503, '1']);
    expect(page.body).toContain('系统暂时不可用，请稍后再试');
  } finally {
    proxy.restore();
    await cut.close();
    await proxy.close();
    quiet.mockRestore();
  }
}, 120_000);

it("answers 503 with Retry-After while a case's workflow task fails, through the API and the console", async () => {
  // A case whose workflow task fails (a bug, a worker that cannot run it): its row, and a workflow that no worker can run.
  const model = await api.create({ ...taoliLiftNoise(), title: '工作流任务失败' });
  const id = `broken-${randomUUID()}`;
  await sys.orm.em.fork().execute(
    `insert into disputes (id, stage, unit_code, unit_path, origin_path, category, priority, title, created_by_type, created_by_id, seq, state)
     select ?, stage, unit_code, unit_path, origin_path, category, priority, title, created_by_type, created_by_id, seq,
            jsonb_set(state, '{id}', to_jsonb(?::text)) from disputes where id = ?`,
    [id, id, model.id],
  );
  const handle = await sys.client.workflow.start('noSuchWorkflow', {
    workflowId: `dispute-${id}`,
    taskQueue: sys.taskQueue,
    args: [],
  });
  try {
    const res = await api.tryAct(id, 'add-note', { text: '补充材料' }, await api.as('admin'));
    expect(problem(res)).toEqual({ status: 503, type: 'application/problem+json', code: 'unavailable' });
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().detail).toMatch(CHINESE_FIRST);
    const admin = await session('admin');
    const page = await sys.app.inject({ url: `/console/cases/${id}`, headers: admin });
    expect(page.statusCode).toBe(200);
    const form = await postForm(`/console/cases/${id}/actions/add-note`, admin, {
      _csrf: csrfOf(page.body),
      text: '补充材料',
    });
    expect([form.statusCode, form.headers['retry-after']]).toEqual([503, '1']);
    expect(form.body).toContain('工作流服务暂时不可用');
  } finally {
    await handle.terminate('test over');
  }
}, 120_000);
