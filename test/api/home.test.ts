/**
 * The root address and the favicon: a browser gets a page (Chinese first, an English line) that
 * leads to the console, the public board, the API docs and the health check; an API client asking
 * for JSON gets a small index; neither is a 401. /favicon.ico and the 枫 mark answer, and the
 * console, the board and the parties' pages link the mark.
 */
import { createHash } from 'node:crypto';
import { TEST_PASSWORD } from '../helpers/run-state';
import { consoleLogin, cookiesOf } from '../helpers/console';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
}, 120_000);
afterAll(async () => sys?.close());

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const ICON = '<link rel="icon" href="/console/static/favicon.svg" type="image/svg+xml">';

it('gives a browser a page that leads to the console, the board, the API docs and the health check', async () => {
  const res = await sys.app.inject({ url: '/', headers: { accept: BROWSER } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers.vary).toMatch(/Accept/);
  const html = res.body;
  expect(html).toContain('<html lang="zh-CN">');
  expect(/<h1>([^<]*)<\/h1>/.exec(html)?.[1]).toBe('枫桥矛盾纠纷调解系统');
  expect(html).toMatch(/lang="en">Fengqiao dispute mediation</);
  const links = [...html.matchAll(/<a href="([^"]+)"><span class="name">([^<]+)<\/span>/g)].map((m) => [m[1], m[2]]);
  expect(links).toEqual([
    ['/console', '调解工作台'],
    ['/board', '平安指数公示'],
    ['/docs', '接口文档'],
    ['/healthz', '运行状态'],
  ]);
  expect(html).toContain(ICON);
  // Chinese first: in each entry the Chinese line comes before the English one.
  expect(html.indexOf('调解工作台')).toBeLessThan(html.indexOf('Console: staff sign in'));
  // Each link leads somewhere a newcomer can use (the console to its login page), none to a 401.
  for (const [href] of links) {
    const there = await sys.app.inject({ url: href!, headers: { accept: BROWSER } });
    expect([href, there.statusCode < 400]).toEqual([href, true]);
  }
  // No script, and the one inline style allowed by its hash only (no 'unsafe-inline').
  expect(html).not.toMatch(/<script/);
  const csp = String(res.headers['content-security-policy']);
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
  expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  // The app's other security headers, as on every answer.
  expect(res.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  expect(res.headers['x-request-id']).toBeTruthy();
  expect(res.headers['set-cookie']).toBeUndefined();
});

it('gives the page to a client that states no preference, and to curl', async () => {
  for (const accept of [undefined, '*/*']) {
    const res = await sys.app.inject({ url: '/', headers: accept ? { accept } : {} });
    expect([accept, res.statusCode, res.headers['content-type']]).toEqual([
      accept,
      200,
      expect.stringMatching(/^text\/html/),
    ]);
  }
});

it('gives an API client asking for JSON a small index instead of a 401', async () => {
  for (const accept of [
    'application/json',
    'application/json, text/plain, */*',
    'application/problem+json',
    'text/html;q=0.5, application/json',
  ]) {
    const res = await sys.app.inject({ url: '/', headers: { accept } });
    expect([accept, res.statusCode, res.headers['content-type']]).toEqual([
      accept,
      200,
      expect.stringMatching(/^application\/json/),
    ]);
    expect(res.json()).toEqual({
      name: 'Fengqiao (枫桥) dispute mediation',
      description: expect.stringContaining('枫桥'),
      links: {
        console: '/console',
        board: '/board',
        docs: '/docs',
        openapi: '/docs/json',
        health: '/healthz',
        ready: '/readyz',
        api: '/api/v1',
      },
    });
  }
  // The JSON of the API docs the index points to is there, without credentials.
  expect(expectStatus(await sys.app.inject({ url: '/docs/json' }), 200).paths).toHaveProperty('/');
});

it('answers /favicon.ico and the 枫 mark, and the console, the board and the parties’ pages link it', async () => {
  const ico = await sys.app.inject({ url: '/favicon.ico' });
  expect(ico.statusCode).toBe(200);
  expect(ico.headers['content-type']).toMatch(/^image\/svg\+xml/);
  expect(ico.body).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(ico.body).toContain('>枫</text>');
  const svg = await sys.app.inject({ url: '/console/static/favicon.svg' });
  expect(svg.statusCode).toBe(200);
  expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
  expect(svg.body).toBe(ico.body);

  const board = await sys.app.inject({ url: '/board' });
  expect(board.statusCode).toBe(200);
  expect(board.body).toContain(ICON);
  const party = await sys.app.inject({ url: '/p/login' });
  expect(party.statusCode).toBe(200);
  expect(party.body).toContain(ICON);
  const login = await consoleLogin(sys.app, { username: 'mediator@yufuci-community', password: TEST_PASSWORD });
  expect(login.statusCode).toBe(303);
  const cookie = cookiesOf(login).join('; ');
  let url = String(login.headers.location ?? '/console');
  let inbox = await sys.app.inject({ url, headers: { cookie } });
  for (let hops = 0; inbox.statusCode === 303 && hops < 3; hops++) {
    url = String(inbox.headers.location);
    inbox = await sys.app.inject({ url, headers: { cookie } });
  }
  expect([url, inbox.statusCode]).toEqual([url, 200]);
  expect(inbox.body).toContain(ICON);
});
