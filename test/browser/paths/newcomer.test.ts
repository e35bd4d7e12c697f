/**
 * The paths of those without an account, in a real browser on an office screen and on a phone:
 * - a newcomer opens the server's root address and is led to the console, the board and the API docs;
 * - an integrator follows the docs link and finds the webhooks, their signature headers and the
 *   verification snippet in the rendered OpenAPI document;
 * - a member of the public reads the board with JavaScript off: issuer, date of the data, method,
 *   the region's score and rank, the labelled trend chart and the map, each with its table.
 * Golden screenshots of the root page and the board's published header.
 */
import { type Browser, type Page } from 'playwright-core';
import { chinaDate } from '../../../domain/safety-index';
import { apiOf } from '../../helpers/api';
import { VIEWPORTS, describeInBrowser, openBrowser, overflowing, type ViewportName } from '../../helpers/browser';
import { taoliLiftNoise } from '../../helpers/fixtures';
import { expectGolden } from '../../helpers/golden';
import { expectStatus, startSystem, type TestSystem } from '../../helpers/system';

let sys: TestSystem;
let browser: Browser;
let base: string;

async function visitor(viewport: ViewportName, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    javaScriptEnabled,
  });
  return context.newPage();
}

describeInBrowser('without an account, in the browser', () => {
  beforeAll(async () => {
    sys = await startSystem();
    const api = apiOf(sys);
    await api.create(taoliLiftNoise());
    expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/safety-index/compute',
        headers: await api.as('admin'),
        payload: { period: 'month', date: chinaDate(new Date()) },
      }),
      200,
    );
    ({ base, browser } = await openBrowser(sys));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it.each(['desktop', 'phone'] as const)(
    'on a %s: the root address leads to the console, the board and the API docs, where the webhooks are explained',
    async (viewport) => {
      const page = await visitor(viewport);
      const answer = await page.goto(`${base}/`);
      expect(answer?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toBe('枫桥矛盾纠纷调解系统');
      await expect(page.locator('link[rel=icon]').getAttribute('href')).resolves.toMatch(/favicon/);
      expect(await overflowing(page)).toBeLessThanOrEqual(0);
      await expectGolden(page, `newcomer-root-${viewport}`);

      await page.locator('ul.entries a[href="/console"]').click();
      await page.waitForURL(/\/console\/login/);
      await expect(page.getByRole('button', { name: '登录' }).isVisible()).resolves.toBe(true);
      await page.goBack();
      await page.locator('ul.entries a[href="/board"]').click();
      await expect(page.locator('h1').textContent()).resolves.toMatch(/平安指数/);
      await page.goBack();
      await page.locator('ul.entries a[href="/docs"]').click();
      await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
      // Swagger UI lists the webhooks of the OpenAPI 3.1 document in their own section.
      await expect(
        page
          .getByText(/webhook/i)
          .first()
          .isVisible(),
      ).resolves.toBe(true);
      const spec = (await (await page.request.get(`${base}/docs/json`)).json()) as {
        webhooks?: Record<string, unknown>;
      };
      expect(Object.keys(spec.webhooks ?? {}).length).toBeGreaterThan(0);
      expect(JSON.stringify(spec.webhooks)).toMatch(/signature/i);
      await page.context().close();
    },
    120_000,
  );

  it.each(['desktop', 'phone'] as const)(
    'on a %s with JavaScript off: the board says who publishes it, as of when, how it is computed, the region’s score and rank, and draws its charts and map',
    async (viewport) => {
      const page = await visitor(viewport, false);
      await page.goto(`${base}/board`);
      const published = page.getByRole('definition').first();
      await expect(published.isVisible()).resolves.toBe(true);
      const header = page.locator('dl.published');
      for (const term of ['发布单位', '数据截至', '统计周期', '计算方法'])
        await expect(header.textContent()).resolves.toContain(term);
      await expect(page.getByRole('link', { name: '查看计算方法' }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('heading', { name: '本地区得分与排名' }).isVisible()).resolves.toBe(true);
      // Charts drawn by the server, named for a screen reader, each with a table behind it.
      const charts = page.locator('svg[role=img]');
      expect(await charts.count()).toBeGreaterThanOrEqual(2);
      for (const chart of await charts.all()) await expect(chart.isVisible()).resolves.toBe(true);
      await expect(page.getByRole('img', { name: /得分走势/ }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('img', { name: /各地区分布/ }).isVisible()).resolves.toBe(true);
      expect(await page.locator('details table').count()).toBeGreaterThanOrEqual(2);
      expect(await overflowing(page)).toBeLessThanOrEqual(0);
      // The period and the date picker follow today's date: masked.
      await expectGolden(page, `public-board-header-${viewport}`, {
        region: page.locator('header'),
        mask: ['input[type=date]', 'dl.published div:nth-child(3) dd'],
      });

      await page.getByRole('link', { name: '查看计算方法' }).click();
      await expect(page.locator('h1').textContent()).resolves.toMatch(/计算方法/);
      await page.context().close();
    },
    120_000,
  );
});
