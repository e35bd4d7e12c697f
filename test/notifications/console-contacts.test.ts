/**
 * The console records a party's consent to be contacted (the case page's 通知送达 section): staff
 * holding the case see the form and record consent and channels; the API keeps it
 * (GET …/contacts/{i}); staff of another unit see no form and the API refuses them.
 */
import { apiOf } from '../helpers/api';
import { consoleLogin, cookiesOf, formCsrfOf } from '../helpers/console';
import { taoliLiftNoise } from '../helpers/fixtures';
import { TEST_PASSWORD } from '../helpers/run-state';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
}, 60_000);
afterAll(() => sys?.close());

async function login(username: string): Promise<string> {
  const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
  expect(res.statusCode).toBe(303);
  return cookiesOf(res).join('; ');
}
const page = async (cookie: string, id: string, query = '') => {
  const res = await sys.app.inject({ url: `/console/cases/${id}${query}`, headers: { cookie } });
  expect(res.statusCode).toBe(200);
  return res.body;
};

it('records a party’s consent and channels from the case page, for the staff holding the case only', async () => {
  const c = await api.create(taoliLiftNoise());
  const mediator = await login('mediator@yufuci-community');
  const html = await page(mediator, c.id);
  expect(html).toContain('当事人接收通知的意愿');
  expect(html).toContain('未同意接收通知');
  expect(html).toContain(`action="/console/cases/${c.id}/contacts/0"`);

  const saved = await sys.app.inject({
    method: 'POST',
    url: `/console/cases/${c.id}/contacts/0`,
    headers: { cookie: mediator, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: formCsrfOf(html), consent: 'yes', sms: 'on', source: 'phone' }).toString(),
  });
  expect(saved.statusCode).toBe(303);
  expect(saved.headers.location).toBe(`/console/cases/${c.id}?contact=saved#h-notices`);
  const pref = expectStatus(
    await sys.app.inject({
      url: `/api/v1/disputes/${c.id}/contacts/0`,
      headers: await api.as('mediator@yufuci-community'),
    }),
    200,
  );
  expect(pref).toMatchObject({ consent: true, channels: ['sms'] });
  expect(await page(mediator, c.id, '?contact=saved')).toContain('已同意接收：短信');

  // Without the page's token: refused, nothing changed.
  const forged = await sys.app.inject({
    method: 'POST',
    url: `/console/cases/${c.id}/contacts/0`,
    headers: { cookie: mediator, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'consent=no&_csrf=forged',
  });
  expect(forged.statusCode).toBe(403);

  // Staff of another community see the case only if it is in their area: here, not at all.
  const other = await login('mediator@wangjiaqiao-community');
  expect((await sys.app.inject({ url: `/console/cases/${c.id}`, headers: { cookie: other } })).statusCode).toBe(404);
});
