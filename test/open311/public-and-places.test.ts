/**
 * Open311 as civic clients speak it (issue 22, item 5): public reads without a key show status, dates
 * and the committee only; reports with only a map point or only an address are routed by the
 * directory, or refused with the spec's error list naming what is missing; unknown paths and methods
 * answer the spec's error list too.
 */
import { apiOf } from '../helpers/api';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

const post = (fields: Record<string, string>) =>
  sys.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ api_key: sys.apiKey, service_code: 'noise', ...fields }).toString(),
  });

/** Where the case arose, as staff see it. */
const originOf = async (id: string) => (await api.get(id)).originCode as string;

const PUBLIC_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
];

describe('reading without a key', () => {
  it('shows status, dates, the committee and the case number, and no personal data', async () => {
    const report = {
      address_id: 'yufuci-taoli',
      description: '楼下小吃店货梯夜间噪音，影响休息，请协调。',
      first_name: '秀英',
      last_name: '欧阳',
      phone: '13912345678',
      email: 'ouyang@example.cn',
      address_string: '渔父祠社区桃李小区7栋2单元301',
      lat: '29.04191',
      long: '111.69793',
    };
    const [created] = expectStatus(await post(report), 201);
    const id = created.service_request_id as string;

    for (const url of [
      `/open311/v2/requests/${id}.json`,
      `/open311/v2/requests.json?service_request_id=${id}`,
      `/open311/v2/requests.json?service_code=noise&status=open`,
    ]) {
      const res = await sys.app.inject({ url });
      expect(res.statusCode).toBe(200);
      const mine = (res.json() as Array<Record<string, unknown>>).find((r) => r.service_request_id === id)!;
      expect(mine).toMatchObject({
        status: 'open',
        status_notes: '待受理',
        service_code: 'noise',
        service_name: '噪音扰民',
        agency_responsible: '渔父祠社区人民调解委员会',
        service_notice: created.service_notice,
      });
      expect(Date.parse(mine.requested_datetime as string)).not.toBeNaN();
      expect(Date.parse(mine.updated_datetime as string)).not.toBeNaN();
      expect(Date.parse(mine.expected_datetime as string)).toBeGreaterThan(Date.now());
      for (const key of Object.keys(mine)) expect(PUBLIC_FIELDS).toContain(key);
      // Nothing of the report's person, words or place, anywhere in the answer.
      for (const secret of [
        '13912345678',
        '欧阳',
        '秀英',
        'ouyang',
        '小吃店',
        '噪音，',
        '7栋',
        '桃李',
        // The point, to four places and more (a timestamp's seconds can read "…:29.04…").
        '29.0419',
        '111.6979',
        'yufuci-taoli',
      ])
        expect(res.body).not.toContain(secret);
    }

    // The integrator that reported it keeps its richer view of its own case.
    const [own] = expectStatus(
      await sys.app.inject({ url: `/open311/v2/requests/${id}.json?api_key=${sys.apiKey}` }),
      200,
    );
    expect(own).toMatchObject({ address_id: 'yufuci-taoli', description: expect.stringContaining('小吃店') });
    // A wrong key is refused, not read as no key.
    const wrong = await sys.app.inject({ url: `/open311/v2/requests/${id}.json?api_key=fq_wrong` });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toEqual([{ code: 403, description: expect.stringMatching(/api_key/) }]);
  });

  it('keeps the spec’s filters and bounds', async () => {
    const [a] = expectStatus(
      await post({ address_id: 'hejie-g1', service_code: 'consumer', description: '退款纠纷' }),
      201,
    );
    const byCode = expectStatus(await sys.app.inject({ url: '/open311/v2/requests.json?service_code=consumer' }), 200);
    expect(byCode.map((r: { service_request_id: string }) => r.service_request_id)).toContain(a.service_request_id);
    expect(byCode.every((r: { service_code: string }) => r.service_code === 'consumer')).toBe(true);
    const closed = expectStatus(
      await sys.app.inject({ url: '/open311/v2/requests.json?status=closed&service_code=consumer' }),
      200,
    );
    expect(closed.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(a.service_request_id);
    const past = expectStatus(
      await sys.app.inject({
        url: '/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z',
      }),
      200,
    );
    expect(past).toEqual([]);
    const tooWide = await sys.app.inject({
      url: '/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z',
    });
    expect(tooWide.statusCode).toBe(400);
    expect(tooWide.json()[0]).toMatchObject({ code: 400, description: expect.stringMatching(/90 days/) });
    const unknown = await sys.app.inject({ url: '/open311/v2/requests/00000000-0000-0000-0000-000000000000.json' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual([{ code: 404, description: 'service_request_id not found' }]);
  });
});

describe('reports without address_id', () => {
  it('routes a lat/long-only report to the nearest grid, else community, within the radius', async () => {
    // ~60 m from 桃李网格's point: the grid, not its community (~200 m).
    const [taoli] = expectStatus(await post({ lat: '29.0414', long: '111.6975', description: '楼上漏水' }), 201);
    expect(await originOf(taoli.service_request_id)).toBe('yufuci-taoli');
    // In 津市市, next to 河街社区第一网格.
    const [hejie] = expectStatus(await post({ lat: '29.5992', long: '111.8690', description: '门面噪音' }), 201);
    expect(await originOf(hejie.service_request_id)).toBe('hejie-g1');
    // Far from every unit: no guess.
    const far = await post({ lat: '39.9042', long: '116.4074', description: '北京的事' });
    expect(far.statusCode).toBe(400);
    expect(far.json()).toEqual([{ code: 400, description: expect.stringContaining('lat/long') }]);
    const half = await post({ lat: '29.0414', description: '只有纬度' });
    expect(half.statusCode).toBe(400);
    expect(half.json()[0].description).toMatch(/lat and long go together/);
  });

  it('routes an address_string-only report to the unit it names, by name or alias', async () => {
    const [alias] = expectStatus(
      await post({ address_string: '武陵区穿紫河街道桃李小区3栋', description: '电梯噪音' }),
      201,
    );
    expect(await originOf(alias.service_request_id)).toBe('yufuci-taoli');
    const [community] = expectStatus(await post({ address_string: '津市市新堤社区', description: '邻里噪音' }), 201);
    expect(await originOf(community.service_request_id)).toBe('xindi-community');
    // By the name's stem (桃李), with a street's name in the address that holds another stem (穿紫河街道: 河街).
    const [stem] = expectStatus(
      await post({ address_string: '武陵区穿紫河街道桃李3栋', description: '电梯噪音' }),
      201,
    );
    expect(await originOf(stem.service_request_id)).toBe('yufuci-taoli');
    // Both a community and its grid named: the grid.
    const [nested] = expectStatus(await post({ address_string: '渔父祠社区 桃李网格', description: '噪音' }), 201);
    expect(await originOf(nested.service_request_id)).toBe('yufuci-taoli');
  });

  it('answers the spec’s error list naming what is missing, with the codes to choose from', async () => {
    const none = await post({ description: '没有地点' });
    expect(none.statusCode).toBe(400);
    const [error] = none.json();
    expect(none.json()).toHaveLength(1);
    expect(error.code).toBe(400);
    for (const field of ['address_id', 'lat/long', 'address_string']) expect(error.description).toContain(field);
    for (const code of ['yufuci-taoli', 'hejie-g1', 'xindi-community']) expect(error.description).toContain(code);

    const unknown = await post({ address_string: '火星基地一号楼', description: '无法识别' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()[0].description).toMatch(/address_string names no grid or community/);

    const ambiguous = await post({ address_string: '新堤社区和河街社区交界处', description: '两处' });
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.json()[0].description).toMatch(/names several units: .*xindi-community/);
    expect(ambiguous.json()[0].description).toContain('hejie-community');
  });

  it('refuses a media_url that is not an http(s) link', async () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@example.cn/a.jpg', 'not a url']) {
      const res = await post({ address_id: 'yufuci-taoli', description: '照片', media_url: url });
      expect(res.statusCode).toBe(400);
      expect(res.json()[0].description).toMatch(/media_url/);
    }
  });
});

describe('what is not there', () => {
  it('answers unknown paths and wrong methods with the spec’s error list, JSON or XML', async () => {
    for (const url of [
      '/open311/v2/nothing.json',
      '/open311/v3/services.json',
      '/open311/',
      '/open311/v2/services/noise/x.json',
    ]) {
      const res = await sys.app.inject({ url });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual([{ code: 404, description: expect.stringContaining('no such path') }]);
    }
    const xml = await sys.app.inject({ url: '/open311/v2/services.xml' });
    expect(xml.statusCode).toBe(404);
    expect(xml.headers['content-type']).toMatch(/^text\/xml/);
    expect(xml.body).toMatch(
      /<errors><error><code>404<\/code><description>[^<]*JSON only[^<]*<\/description><\/error><\/errors>/,
    );
    const oneXml = await sys.app.inject({ url: '/open311/v2/requests/abc.xml' });
    expect(oneXml.statusCode).toBe(404);
    expect(oneXml.body).toMatch(/^<\?xml/);

    const wrong = await sys.app.inject({ method: 'DELETE', url: '/open311/v2/requests.json' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
    expect(wrong.json()).toEqual([{ code: 405, description: expect.stringContaining('DELETE') }]);
    const put = await sys.app.inject({ method: 'PUT', url: '/open311/v2/services.json', payload: {} });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET');
    // The rest of the API keeps problem+json.
    const elsewhere = await sys.app.inject({ url: '/api/v1/nothing' });
    expect(elsewhere.headers['content-type']).toMatch(/problem\+json/);
  });
});

it('documents the Open311 routes in OpenAPI, the reads marked public', async () => {
  const doc = expectStatus(await sys.app.inject({ url: '/docs/json' }), 200);
  const one = doc.paths['/open311/v2/requests/{id}.json'].get;
  const list = doc.paths['/open311/v2/requests.json'].get;
  const report = doc.paths['/open311/v2/requests.json'].post;
  for (const read of [one, list]) {
    expect(read.security).toEqual([]);
    expect(read.description).toMatch(/without a key/);
  }
  expect(Object.keys(report.requestBody.content)).toEqual(
    expect.arrayContaining(['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json']),
  );
  expect(report.description).toMatch(/lat`\/`long`/);
  expect(report.requestBody.content['application/json'].schema.required).not.toContain('address_id');
});
