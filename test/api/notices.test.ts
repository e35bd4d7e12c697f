/** Notices go out on the side: a notice endpoint that is down holds up neither intake nor the case. */
import { Notification } from '../../db/entities';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let attempts = 0;
beforeAll(async () => {
  sys = await startSystem({
    notifier: {
      channel: 'webhook',
      send: async () => {
        attempts += 1;
        throw new Error('notice endpoint is down');
      },
    },
  });
});
afterAll(() => sys?.close());

it('registers and advances a high-risk case while its police-referral notice keeps failing', async () => {
  const api = apiOf(sys);
  const started = Date.now();
  const created = await api.create({ ...taoliLiftNoise(), highRisk: true });
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(created).toMatchObject({ priority: 'urgent', risk: { high: true } });
  const accepted = await api.act(created.id, 'accept', {}, await api.as('mediator@yufuci-community'));
  expect(accepted.stage).toBe('in_mediation');
  expect(attempts).toBeGreaterThanOrEqual(1);
  const notice = await sys.orm.em.fork().findOneOrFail(Notification, { key: `${created.id}:police-referral` });
  expect(notice.status).toBe('sending');
});
