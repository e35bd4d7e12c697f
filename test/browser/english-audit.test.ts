/**
 * The audit of the Chinese console: each role signs in and the browser follows every console link it
 * is shown (GET only; a few case pages of each stage), and on every rendered page no English word
 * appears outside names and codes (test/helpers/english-audit.ts says what counts as one). Also the
 * pages anyone sees: the login page, the root address, the board and its method, an error page.
 */
import { type Browser, type Page } from 'playwright-core';
import { apiOf } from '../helpers/api';
import { describeInBrowser, openBrowser } from '../helpers/browser';
import { englishOn, type EnglishFinding } from '../helpers/english-audit';
import { taoliLiftNoise } from '../helpers/fixtures';
import { TEST_PASSWORD } from '../helpers/run-state';
import { adminConsoleOnOwnDatabase } from '../helpers/console-admin';
import type { TestSystem } from '../helpers/system';

// Its own database (the demo directory and history): what other files' tests write — titles with
// random suffixes, hostile input, test alerts — is their data, not the console's words.
const own = adminConsoleOnOwnDatabase('words');
let sys: TestSystem;
let browser: Browser;
let base: string;

/** Each role, and how many pages it must at least have reached (a representative has one list). */
const ROLES: Array<[string, number]> = [
  ['mediator@yufuci-community', 5],
  ['supervisor@wangjiaqiao-street', 5],
  ['rep@safety-station', 1],
  ['grid@yufuci-taoli', 2],
  ['admin', 10],
];

/** Links not to follow: leaving, switching language, downloads, the API. */
const SKIP = /\/console\/(logout|lang)|\.(pdf|csv|xlsx)(\?|$)|[?&]format=|\/api\/|\/download|\/file/;
const MAX_PAGES = 45;
const CASES_PER_ROLE = 6;

async function signIn(username: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(`${base}/console/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/console/login'));
  return page;
}

/** Visits the console breadth-first from where the role lands; the findings per page. */
async function crawl(page: Page): Promise<{ visited: string[]; findings: Array<EnglishFinding & { url: string }> }> {
  const start = new URL(page.url());
  const queue = [start.pathname + start.search];
  const seen = new Set(queue);
  const visited: string[] = [];
  const findings: Array<EnglishFinding & { url: string }> = [];
  let cases = 0;
  while (queue.length && visited.length < MAX_PAGES) {
    const url = queue.shift()!;
    const answer = await page.goto(`${base}${url}`);
    if (!answer || answer.status() >= 400 || !/html/.test(answer.headers()['content-type'] ?? '')) continue;
    visited.push(url);
    for (const f of await englishOn(page)) findings.push({ ...f, url });
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')!));
    for (const href of hrefs) {
      const u = new URL(href, `${base}${url}`);
      if (u.origin !== base || !u.pathname.startsWith('/console') || SKIP.test(u.pathname + u.search)) continue;
      const key = u.pathname + u.search;
      if (seen.has(key)) continue;
      if (/^\/console\/cases\/[^/]+$/.test(u.pathname)) {
        if (cases >= CASES_PER_ROLE) continue;
        cases += 1;
      }
      seen.add(key);
      queue.push(key);
    }
  }
  return { visited, findings };
}

describeInBrowser('no English in the Chinese console', () => {
  beforeAll(async () => {
    sys = own.sys;
    // A summons for the representative, so that their list has a card to read.
    const api = apiOf(sys);
    const created = await api.create({ ...taoliLiftNoise(), title: '英文审查·联合调解' });
    const mediator = await api.as('mediator@yufuci-community');
    await api.act(created.id, 'accept', {}, mediator);
    await api.consentAll(created.id, mediator);
    await api.act(
      created.id,
      'schedule-meeting',
      {
        at: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        place: '渔父祠社区调解室',
        agencies: ['safety-station'],
      },
      mediator,
    );
    ({ base, browser } = await openBrowser(sys));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(ROLES)('every page %s reaches (at least %i) reads Chinese', async (username, atLeast) => {
    const page = await signIn(username);
    const { visited, findings } = await crawl(page);
    expect(visited.length).toBeGreaterThanOrEqual(atLeast);
    expect(findings.map((f) => `${f.url}: “${f.word}” in ${f.context}`)).toEqual([]);
    await page.context().close();
  });

  it('the pages anyone sees read Chinese: login, root, board, its method, an unknown page', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const out: string[] = [];
    for (const url of ['/console/login', '/', '/board', '/board/method', '/console/cases/no-such-case']) {
      await page.goto(`${base}${url}`);
      for (const f of await englishOn(page)) out.push(`${url}: “${f.word}” in ${f.context}`);
    }
    expect(out).toEqual([]);
    await context.close();
  });
});
