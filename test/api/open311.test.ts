/** The Open311 GeoReport v2 adapter, driven with requests shaped like the specification's examples. */
import { apiOf } from '../helpers/api';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

async function postRequest(fields: Record<string, string>) {
  return sys.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...form(fields) });
}

it('lists the dispute categories as services, without a key', async () => {
  const services = expectStatus(await sys.app.inject({ url: '/open311/v2/services.json' }), 200);
  expect(services).toHaveLength(9);
  expect(services).toContainEqual(
    expect.objectContaining({
      service_code: 'noise',
      service_name: '噪音扰民',
      metadata: false,
      type: 'realtime',
      group: '矛盾纠纷',
    }),
  );
});

it('takes a form-encoded request, answers its id and case number, and reports its status', async () => {
  const posted = await postRequest({
    api_key: sys.apiKey,
    service_code: 'noise',
    address_id: 'yufuci-taoli',
    description: '楼下小吃店货梯夜间噪音很大，联系电话13800001111。',
    first_name: '女士',
    last_name: '陈',
    phone: '13800001111',
    'attribute[respondent]': '某小吃店',
  });
  expect(posted.statusCode).toBe(201);
  const [created] = posted.json();
  expect(created.service_notice).toMatch(/^（2026）渔人调受字第\d+号$/);

  const one = expectStatus(
    await sys.app.inject({ url: `/open311/v2/requests/${created.service_request_id}.json?api_key=${sys.apiKey}` }),
    200,
  );
  expect(one).toEqual([
    expect.objectContaining({
      service_request_id: created.service_request_id,
      status: 'open',
      status_notes: '待受理',
      service_code: 'noise',
      service_name: '噪音扰民',
      agency_responsible: '渔父祠社区人民调解委员会',
      service_notice: created.service_notice,
      address_id: 'yufuci-taoli',
    }),
  ]);
  expect(one[0].expected_datetime).toBeDefined();
  expect(JSON.stringify(one)).not.toContain('13800001111');
  expect(one[0].description).toContain('138****1111');

  // The same case through the v1 API: the reporter is the applicant, the respondent named.
  const full = await api.get(created.service_request_id);
  expect(full.parties.map((p: { name: string }) => p.name)).toEqual(['陈女士', '某小吃店']);
  expect(full.channel).toBe('open311');

  await api.act(created.service_request_id, 'withdraw', { reason: '已自行协商解决' }, api.integrator);
  const closed = expectStatus(
    await sys.app.inject({
      url: `/open311/v2/requests.json?service_request_id=${created.service_request_id}`,
      headers: api.integrator,
    }),
    200,
  );
  expect(closed[0]).toMatchObject({ status: 'closed', status_notes: '已结案：当事人撤回' });
  const onlyOpen = expectStatus(
    await sys.app.inject({ url: `/open311/v2/requests.json?api_key=${sys.apiKey}&status=open&service_code=noise` }),
    200,
  );
  expect(onlyOpen.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(
    created.service_request_id,
  );
  const onlyClosed = expectStatus(
    await sys.app.inject({ url: `/open311/v2/requests.json?api_key=${sys.apiKey}&status=closed` }),
    200,
  );
  expect(onlyClosed.map((r: { service_request_id: string }) => r.service_request_id)).toContain(
    created.service_request_id,
  );
});

it('answers errors as the specification’s list of {code, description}', async () => {
  const noKey = await postRequest({ service_code: 'noise', address_id: 'yufuci-taoli', description: 'x' });
  expect(noKey.statusCode).toBe(403);
  expect(noKey.json()).toEqual([{ code: 403, description: expect.stringMatching(/api_key/) }]);
  const badService = await postRequest({
    api_key: sys.apiKey,
    service_code: 'pothole',
    address_id: 'yufuci-taoli',
    description: 'x',
  });
  expect(badService.statusCode).toBe(400);
  expect(badService.json()[0].description).toMatch(/service_code/);
  const badPlace = await postRequest({
    api_key: sys.apiKey,
    service_code: 'noise',
    address_id: 'atlantis',
    description: 'x',
  });
  expect(badPlace.statusCode).toBe(400);
  expect(badPlace.json()[0].description).toMatch(/address_id/);
  const missing = await postRequest({ api_key: sys.apiKey, service_code: 'noise', address_id: 'yufuci-taoli' });
  expect(missing.statusCode).toBe(400);
  expect(missing.json()[0].code).toBe(400);
  const tooWide = await sys.app.inject({
    url: `/open311/v2/requests.json?api_key=${sys.apiKey}&start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z`,
  });
  expect(tooWide.statusCode).toBe(400);
  const fromOldStart = await sys.app.inject({
    url: `/open311/v2/requests.json?api_key=${sys.apiKey}&start_date=2025-01-01T00:00:00Z`,
  });
  expect(fromOldStart.statusCode).toBe(200); // 90 days from the start date
  const unknown = await sys.app.inject({
    url: `/open311/v2/requests/00000000-0000-0000-0000-000000000000.json?api_key=${sys.apiKey}`,
  });
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json()).toEqual([{ code: 404, description: 'service_request_id not found' }]);
});

it('shows an integrator only its own requests', async () => {
  const [mine] = (
    await postRequest({
      api_key: sys.apiKey,
      service_code: 'neighbour',
      address_id: 'yufuci-taoli',
      description: '楼上漏水',
    })
  ).json();
  const admin = await api.as('admin');
  const other = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers: admin,
      payload: { name: 'another' },
    }),
    201,
  );
  const hidden = await sys.app.inject({
    url: `/open311/v2/requests/${mine.service_request_id}.json?api_key=${other.key}`,
  });
  expect(hidden.statusCode).toBe(404);
});
