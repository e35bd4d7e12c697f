/**
 * What fuzzing the API (test/fuzz) found, each pinned by the input that found it: the answers a
 * client now gets instead of a 500, a hung request or an answer the OpenAPI document did not describe.
 */
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

const problem = (res: { statusCode: number; headers: Record<string, unknown>; json: () => any }) => ({
  status: res.statusCode,
  type: String(res.headers['content-type']).split(';')[0],
  code: res.json().code,
});

it('refuses Safety Index dates that do not exist, instead of failing (500) or hanging on them', async () => {
  const admin = await api.as('admin');
  // Found: GET …?date=7386-01-36 → 500 "Invalid time value"; POST compute {date: 0000-00-00} → no answer for 40 s.
  for (const date of ['7386-01-36', '2026-02-30', '2026-13-01', '0000-00-00', '0099-01-01']) {
    expect([date, problem(await sys.app.inject({ url: `/api/v1/safety-index?period=day&date=${date}` }))]).toEqual([
      date,
      { status: 400, type: 'application/problem+json', code: 'validation_failed' },
    ]);
    const started = Date.now();
    const compute = await sys.app.inject({
      method: 'POST',
      url: '/api/v1/safety-index/compute',
      headers: admin,
      payload: { period: 'month', date },
    });
    expect([date, problem(compute)]).toEqual([
      date,
      { status: 400, type: 'application/problem+json', code: 'validation_failed' },
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  }
  expect(
    expectStatus(await sys.app.inject({ url: '/api/v1/safety-index?period=day&date=2024-02-29' }), 200).periodStart,
  ).toBe('2024-02-29');
});

it('refuses U+0000 anywhere in a request (PostgreSQL cannot store it), naming the field', async () => {
  const admin = await api.as('admin');
  // Found: PUT /admin/risk-keywords {"items": [..., "\u0000", ...]} → 500 (PostgreSQL: invalid message format).
  const keywords = await sys.app.inject({
    method: 'PUT',
    url: '/api/v1/admin/risk-keywords',
    headers: admin,
    payload: { items: ['打人', 'a\u0000b'] },
  });
  expect(problem(keywords)).toEqual({ status: 400, type: 'application/problem+json', code: 'validation_failed' });
  expect(keywords.json().errors).toEqual([{ field: 'body/items/1', message: 'must not contain U+0000' }]);
  expect(
    expectStatus(await sys.app.inject({ url: '/api/v1/admin/risk-keywords', headers: admin }), 200).items,
  ).not.toContain('a\u0000b');

  const search = await sys.app.inject({ url: '/api/v1/disputes?q=%00', headers: admin });
  expect(search.json().errors).toEqual([{ field: 'querystring/q', message: 'must not contain U+0000' }]);
  const report = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/disputes',
    headers: api.integrator,
    payload: {
      gridCode: 'yufuci-taoli',
      category: 'noise',
      title: '噪音\u0000',
      description: '夜间噪音',
      parties: [{ name: '陈某', role: 'applicant' }],
    },
  });
  expect(report.json()).toMatchObject({
    status: 400,
    errors: [{ field: 'body/title', message: 'must not contain U+0000' }],
  });
});

it("answers Fastify's own refusals of a request as 400, never 500", async () => {
  const admin = await api.as('admin');
  // Found: QUERY /api/v1/agencies (a method with a body, without Content-Type) → 500.
  expect(problem(await sys.app.inject({ method: 'QUERY' as never, url: '/api/v1/agencies', headers: admin }))).toEqual({
    status: 400,
    type: 'application/problem+json',
    code: 'validation_failed',
  });
  // Found: POST /open311/v2/requests.json with a body of one NUL byte, or multipart/form-data without a boundary → 500.
  for (const [contentType, payload] of [
    ['application/json', '\u0000'],
    ['multipart/form-data', 'service_code=noise'],
  ]) {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { ...api.integrator, 'content-type': contentType },
      payload,
    });
    expect([contentType, res.statusCode, res.json()]).toEqual([
      contentType,
      400,
      [{ code: 400, description: expect.any(String) }],
    ]);
  }
});

it('answers a multipart upload without its boundary as 400, never 500', async () => {
  // Found: POST /api/v1/disputes/{id}/attachments with `Content-Type: multipart/form-data` and no boundary → 500.
  const c = await api.create(taoliLiftNoise());
  const res = await sys.app.inject({
    method: 'POST',
    url: `/api/v1/disputes/${c.id}/attachments`,
    headers: { ...(await api.as('mediator@yufuci-community')), 'content-type': 'multipart/form-data' },
    payload: 'file=x',
  });
  expect(problem(res)).toEqual({ status: 400, type: 'application/problem+json', code: 'validation_failed' });
});

it('answers a path parameter too long for the router (over 100 characters) as 400 problem+json, not a bare 414', async () => {
  // Found: DELETE /api/v1/webhooks/<101+ characters> → 414 in Fastify's own JSON, undocumented.
  // Needs `frameworkErrors` (api/plugins/errors.ts) among the Fastify options of api/app.ts.
  const res = await sys.app.inject({ url: `/api/v1/disputes/${'a'.repeat(120)}`, headers: api.integrator });
  expect(problem(res)).toEqual({ status: 400, type: 'application/problem+json', code: 'validation_failed' });
});

it('documents what the API sends: problem+json errors, HTML documents, alert events, Open311 error arrays, 409 and 413', async () => {
  const doc = expectStatus(await sys.app.inject({ url: '/docs/json' }), 200);
  // Found: every error answer was documented as application/json (it is application/problem+json).
  const create = doc.paths['/api/v1/disputes'].post.responses;
  for (const status of ['400', '401', '403', '404', '409', '422', '429', '500', '503']) {
    expect([status, Object.keys(create[status].content)]).toEqual([status, ['application/problem+json']]);
  }
  // Found: documents (text/html) were documented as JSON strings.
  expect(Object.keys(doc.paths['/api/v1/disputes/{id}/documents/{kind}'].get.responses['200'].content).sort()).toEqual([
    'application/pdf',
    'text/html',
  ]);
  // Found: each alert event failed the stream's schema (a string), which describes one event before OpenAPI 3.2.
  expect(doc.paths['/api/v1/alerts/stream'].get.responses['200'].content['text/event-stream'].schema).toMatchObject({
    type: 'object',
    required: expect.arrayContaining(['event', 'id', 'data']),
  });
  // Found: an 11th webhook → 409, undocumented.
  expect(Object.keys(doc.paths['/api/v1/webhooks'].post.responses)).toContain('409');
  // Found: POST …/verify with {"html": 100,000+ astral characters, JSON-escaped} → 413, undocumented.
  const escaped = `{"html":"${'\\ud83d\\uddee'.repeat(100_000)}"}`;
  const big = await sys.app.inject({
    method: 'POST',
    url: '/api/v1/agreements/x/verify',
    headers: { 'content-type': 'application/json' },
    payload: escaped,
  });
  expect(problem(big)).toEqual({ status: 413, type: 'application/problem+json', code: 'payload_too_large' });
  expect(Object.keys(doc.paths['/api/v1/agreements/{number}/verify'].post.responses)).toContain('413');
  // Found: GET /open311/v2/requests/0.json → 404, undocumented.
  expect(Object.keys(doc.paths['/open311/v2/requests/{id}.json'].get.responses)).toEqual(
    expect.arrayContaining(['200', '400', '403', '404']),
  );
});

it('refuses a holiday arrangement whose notice date is no calendar day, instead of failing (500)', async () => {
  const admin = await api.as('admin');
  // Found: PUT /api/v1/admin/calendars/2024 {"days": [], "source": {"date": "0000-00-00", …}} → 500 (PostgreSQL's date).
  for (const date of ['0000-00-00', '2026-02-30', '0099-01-01']) {
    const body = { region: 'yufuci-taoli', days: [], source: { title: '测试通知', date } };
    expect([
      date,
      problem(
        await sys.app.inject({ method: 'PUT', url: '/api/v1/admin/calendars/2024', headers: admin, payload: body }),
      ),
    ]).toEqual([date, { status: 400, type: 'application/problem+json', code: 'validation_failed' }]);
  }
});
