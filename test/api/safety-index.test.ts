/** The Safety Index computed from real cases (through the workflow run on demand) and published without personal data. */
import { apiOf } from '../helpers/api';
import { agreedTerms } from '../helpers/fixtures';
import { chinaDate, scoreOf } from '../../domain/safety-index';
import { DEMO_UNITS } from '../../demo/seed';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
const grid = `si-grid-${Date.now() % 1_000_000}`;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  // A grid of this file's own, so that other files' cases do not count in its figures.
  const admin = await api.as('admin');
  expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/units',
      headers: admin,
      payload: {
        code: grid,
        level: 'grid',
        parentCode: 'yufuci-community',
        name: '指数测试网格',
        population: 2000,
        committeeShort: '渔',
      },
    }),
    201,
  );
});
afterAll(() => sys?.close());

const report = () => ({
  gridCode: grid,
  category: 'neighbour',
  title: '邻里纠纷',
  description: '楼上漏水。',
  parties: [
    { name: '赵某', role: 'applicant' },
    { name: '钱某', role: 'respondent' },
  ],
  channel: '12345',
});

it('scores a region from its cases, ranks it and publishes it without personal data', async () => {
  const mediator = await api.as('mediator@yufuci-community');
  const resolved = await api.create(report());
  await api.act(resolved.id, 'accept', {}, mediator);
  await api.consentAll(resolved.id, mediator); // 人民调解法 Art. 17, 20, 23–24
  await api.act(resolved.id, 'resolve', agreedTerms(), mediator);
  for (const signer of ['party:0', 'party:1', 'mediator'])
    await api.act(resolved.id, 'sign', { signer, method: 'signature' }, mediator);
  await api.act(resolved.id, 'seal', {}, mediator);
  await api.act(
    resolved.id,
    'record-follow-up',
    { method: 'home', met: ['当事人'], performed: true, satisfaction: 4 },
    mediator,
  );
  const failed = await api.create(report());
  await api.act(failed.id, 'accept', {}, mediator);
  await api.act(failed.id, 'fail', { reason: '分歧过大', referral: '诉讼' }, mediator);
  await api.create(report());

  const today = chinaDate(new Date());
  expect(
    (
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/safety-index/compute',
        headers: mediator,
        payload: { period: 'day', date: today },
      })
    ).statusCode,
  ).toBe(403);
  const computed = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/safety-index/compute',
      headers: await api.as('supervisor@yufuci-community'),
      payload: { period: 'day', date: today },
    }),
    200,
  );
  expect(computed).toMatchObject({ periodStart: today });
  // Every region is scored: the seed's 14 areas and this file's grid (other files may add more); the
  // county's centre and professional committees are not areas.
  const areas = DEMO_UNITS.filter((u) => (u.kind ?? 'region') === 'region');
  expect(areas).toHaveLength(14);
  expect(computed.units).toBeGreaterThanOrEqual(areas.length + 1);

  const board = await sys.app.inject({ url: `/api/v1/safety-index?period=day&date=${today}&level=grid` });
  expect(board.statusCode).toBe(200);
  const mine = board.json().items.find((i: { unitCode: string }) => i.unitCode === grid);
  expect(mine.metrics).toMatchObject({
    received: 3,
    closed: 2,
    successRate: 0.5,
    retention: 1,
    // A visit's rating is the mediator's record: shown apart, not the parties' satisfaction.
    satisfaction: null,
    staffSatisfaction: 4,
    onTimeAcceptance: 1,
    incidencePer10k: 15,
  });
  expect(mine.score).toBe(scoreOf(mine.metrics, undefined, mine.metrics.incidenceWorstPer10k));
  expect(['green', 'yellow', 'orange', 'red']).toContain(mine.band);
  expect(mine.rank).toBeGreaterThanOrEqual(1);
  expect(board.body).not.toMatch(/赵某|钱某/);
  const cityWide = expectStatus(
    await sys.app.inject({ url: `/api/v1/safety-index?period=day&date=${today}&level=city` }),
    200,
  );
  expect(cityWide.items.map((i: { unitCode: string }) => i.unitCode)).toEqual(['changde']);
});
