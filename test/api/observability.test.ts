/** Prometheus metrics, and logs that name the request and the case but no one's phone or ID number. */
import { Writable } from 'node:stream';
import { loggerOptions } from '../../api/logging';
import { maskText, maskValue } from '../../security/pii';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { startSystem, type TestSystem } from '../helpers/system';

const lines: string[] = [];
const stream = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem({ logger: { ...(loggerOptions('info') as object), stream } });
});
afterAll(() => sys?.close());

it('exports HTTP, case and alert metrics to loopback scrapers only', async () => {
  const api = apiOf(sys);
  const created = await api.create(taoliLiftNoise());
  await api.act(created.id, 'accept', {}, await api.as('mediator@yufuci-community'));
  const res = await sys.app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.body).toMatch(
    /fengqiao_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/disputes",status="201"\} \d+/,
  );
  expect(res.body).toMatch(/fengqiao_case_starts_total\{outcome="201"\} [1-9]/);
  expect(res.body).toMatch(/fengqiao_case_actions_total\{action="accept",status="200"\} 1/);
  expect(res.body).toContain('# TYPE fengqiao_alerts_open gauge');
  expect(res.body).toContain('fengqiao_api_process_cpu_user_seconds_total');
  const remote = await sys.app.inject({ url: '/metrics', remoteAddress: '203.0.113.9' });
  expect(remote.statusCode).toBe(404);
});

it('logs with request and case ids, and masks phone and ID numbers and names', async () => {
  const api = apiOf(sys);
  const created = await api.create(taoliLiftNoise());
  lines.length = 0;
  await sys.app.inject({
    url: `/api/v1/disputes/${created.id}?phone=13800001111&id=430702198001011234`,
    headers: api.integrator,
  });
  const text = lines.join('\n');
  expect(text).toContain(created.id);
  expect(lines.some((l) => JSON.parse(l).caseId === created.id)).toBe(true);
  expect(lines.every((l) => typeof JSON.parse(l).reqId === 'string')).toBe(true);
  expect(text).not.toContain('13800001111');
  expect(text).not.toContain('430702198001011234');
  // Query values are not logged at all but plain ones (format, page…): a search by phone says so and no more.
  expect(text).toContain('?phone=[redacted]&id=[redacted]');
  expect(text).not.toContain(sys.apiKey);
  // One line per request, when it is answered: what was asked, by whom, how it ended and how long it took.
  const done = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
  expect(done).toHaveLength(1);
  expect(done[0]).toMatchObject({ caseId: created.id, req: { method: 'GET' }, res: { statusCode: 200 } });
  expect(done[0].req.url).toBe(`/api/v1/disputes/${created.id}?phone=[redacted]&id=[redacted]`);
  expect(done[0].responseTime).toBeGreaterThan(0);
  expect(lines.some((l) => JSON.parse(l).msg === 'incoming request')).toBe(false);
  lines.length = 0;
  await sys.app.inject({ url: `/open311/v2/requests.json?api_key=${sys.apiKey}&status=open` });
  expect(lines.join('\n')).not.toContain(sys.apiKey);
  expect(lines.join('\n')).toContain('api_key=[redacted]');
  sys.app.log.info(
    { party: { name: '陈小红', phone: '13800001111', idNumber: '430702198001011234' } },
    'party 陈 called from 13912345678',
  );
  const last = lines[lines.length - 1]!;
  expect(last).not.toMatch(/陈小红|13800001111|430702198001011234|13912345678/);
  expect(JSON.parse(last).party).toEqual({ name: '陈**', phone: '138****1111', idNumber: '430702********1234' });
});

describe('masking', () => {
  it('keeps the shape of numbers a mediator recognises', () => {
    expect(maskText('电话13800001111，身份证43070219800101123X。')).toBe('电话138****1111，身份证430702********123X。');
    expect(maskText('案号（2026）汪人调字第12号，金额12000000')).toBe('案号（2026）汪人调字第12号，金额12000000');
    expect(maskValue({ parties: [{ name: '某小吃店', address: '常德市武陵区渔父祠社区桃李小区3栋' }] })).toEqual({
      parties: [{ name: '某**', address: '常德市武陵区渔父祠社区***' }],
    });
  });
});
