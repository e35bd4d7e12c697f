/** Notices go out on the side: a notice endpoint that is down holds up neither intake nor the case. */
import { Notification } from '../../db/entities';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

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
  const mediator = await api.as('mediator@yufuci-community');
  const accepted = await api.act(created.id, 'accept', {}, mediator);
  expect(accepted.stage).toBe('in_mediation');
  // Art. 25: the mediator confirms the referral (with the measures taken); its notice then keeps failing.
  const referred = await api.act(created.id, 'refer-to-police', { measures: '已约谈双方' }, mediator);
  expect(referred.stage).toBe('in_mediation');
  await eventually(async () => attempts >= 1, 10_000, 'a first attempt to send the referral');
  const notice = await sys.orm.em.fork().findOneOrFail(Notification, { key: `${created.id}:police-referral` });
  expect(notice.status).toBe('sending');
});
