/**
 * The public Safety Index board in a real browser (Debian's Chromium through playwright-core): the
 * ranking with its bands, and drill-down from the city to a county. The screenshots are saved under
 * test/.tmp/ for a person to look at.
 */
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { chinaDate } from '../../domain/safety-index';
import { apiOf } from '../helpers/api';
import { SHOTS, describeInBrowser, openBrowser } from '../helpers/browser';
import { taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let browser: Browser;
let base: string;

describeInBrowser('the public Safety Index board', () => {
  beforeAll(async () => {
    sys = await startSystem();
    const api = apiOf(sys);
    await api.create(taoliLiftNoise());
    const today = chinaDate(new Date());
    expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/safety-index/compute',
        headers: await api.as('admin'),
        payload: { period: 'month', date: today },
      }),
      200,
    );
    ({ base, browser } = await openBrowser(sys));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('ranks the counties of the city with their bands, and drills down to a county', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await page.goto(`${base}/board`);
    await expect(page.locator('h1').textContent()).resolves.toBe('常德市平安指数 · 矛盾纠纷化解分项指数');
    const rows = page.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    const names = await page.locator('tbody th[scope=row]').allTextContents();
    expect(names.sort()).toEqual(['武陵区', '津市市'].sort());
    for (const label of await page.locator('tbody .band').allTextContents())
      // An area without cases in the period has no score (暂无数据), not 100 (issue 21 item 10).
      expect(['优', '良', '中', '差', '暂无数据']).toContain(label);
    await page.screenshot({ path: path.join(SHOTS, 'board-city.png'), fullPage: true });

    await page.getByRole('link', { name: '武陵区' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('武陵区平安指数 · 矛盾纠纷化解分项指数');
    await expect(page.locator('nav.crumbs').textContent()).resolves.toContain('常德市');
    expect(await page.locator('tbody th[scope=row]').allTextContents()).toContain('穿紫河街道');
    const body = await page.content();
    expect(body).not.toMatch(/陈某|13800001111/);

    // A phone's width: the table keeps rank, name, score and band.
    await page.setViewportSize({ width: 390, height: 800 });
    await expect(page.locator('th.wide').first().isVisible()).resolves.toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'board-county-phone.png'), fullPage: true });
    await page.close();
  });
});
