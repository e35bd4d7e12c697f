/**
 * The public Safety Index board in a real browser (Debian's Chromium through playwright-core), with
 * JavaScript off as a visitor without it would see it: the ranking with its bands, the charts drawn
 * on the server, drill-down from the city to a county, and on a phone (390×844) every indicator of
 * every region still on screen. The screenshots are saved under test/.tmp/ for a person to look at.
 */
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { chinaDate } from '../../domain/safety-index';
import { apiOf } from '../helpers/api';
import { SHOTS, VIEWPORTS, describeInBrowser, openBrowser } from '../helpers/browser';
import { taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let browser: Browser;
let base: string;

/** The indicators of the ranking, as their column heads read. */
const INDICATORS = [
  '排名',
  '地区',
  '得分',
  '等级',
  '较上期',
  '受理件数',
  '按时受理率',
  '按时办结率',
  '调解成功率',
  '就地化解率',
  '复调率',
  '每万人发案',
  '当事人满意度',
  '回访满意度（调解员录入，不计分）',
];

async function boardPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    javaScriptEnabled: false,
  });
  return context.newPage();
}

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

  it('ranks the counties of the city with their bands, draws its charts without JavaScript, and drills down to a county', async () => {
    const page = await boardPage(VIEWPORTS.desktop);
    await page.goto(`${base}/board`);
    await expect(page.locator('h1').textContent()).resolves.toBe('常德市平安指数 · 矛盾纠纷化解分项指数');
    await expect(page.getByRole('link', { name: '查看计算方法' }).isVisible()).resolves.toBe(true);
    const ranking = page.getByRole('table', { name: /下辖地区排名/ });
    const names = await ranking.getByRole('rowheader').allTextContents();
    expect(names.sort()).toEqual(['武陵区', '津市市'].sort());
    for (const label of await ranking.locator('.band').allTextContents())
      // An area without cases in the period has no score (暂无数据), not 100 (issue 21 item 10).
      expect(['优', '良', '中', '差', '暂无数据']).toContain(label);
    // The charts are drawn by the server: visible with JavaScript off, named for a screen reader.
    await expect(page.getByRole('img', { name: /得分走势/ }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('img', { name: /各地区分布/ }).isVisible()).resolves.toBe(true);
    const marks = await page.locator('svg.map .mark').count();
    expect(marks).toBeGreaterThanOrEqual(8);
    // The table behind the map opens without script (a <details>) and lists the same places.
    await page.getByText(/^数据表：常德市各地区分布/).click();
    await expect(
      page
        .getByRole('table', { name: /各地区分布/ })
        .locator('tbody tr')
        .count(),
    ).resolves.toBe(marks);
    await page.screenshot({ path: path.join(SHOTS, 'board-city.png'), fullPage: true });

    await ranking.getByRole('link', { name: '武陵区' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('武陵区平安指数 · 矛盾纠纷化解分项指数');
    await expect(page.locator('nav.crumbs').textContent()).resolves.toContain('常德市');
    expect(
      await page
        .getByRole('table', { name: /下辖地区排名/ })
        .getByRole('rowheader')
        .allTextContents(),
    ).toContain('穿紫河街道');
    const body = await page.content();
    expect(body).not.toMatch(/陈某|13800001111/);

    // A visitor picks an area with the form (GET, no script): its own score, band and rank.
    await page.getByLabel('选择您所在的地区').selectOption({ label: '　　　　桃李网格' });
    await page.getByRole('button', { name: '查看该地区得分与排名' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('渔父祠社区平安指数 · 矛盾纠纷化解分项指数');
    await expect(page.getByRole('article', { name: /您选择的地区：桃李网格/ }).textContent()).resolves.toMatch(
      /在渔父祠社区下辖\d+个有数据的地区中排第\d+名|暂无数据/,
    );
    await page.context().close();
  });

  it('on a phone (390×844) keeps every indicator of every region on screen', async () => {
    const page = await boardPage(VIEWPORTS.phone);
    await page.goto(`${base}/board?unit=changde`);
    const rows = page.locator('table.ranking tbody tr');
    expect(await rows.count()).toBe(2);
    // The page itself does not scroll sideways (a chart may, inside its own frame).
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(overflow).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    for (let r = 0; r < (await rows.count()); r++) {
      const cells = rows.nth(r).locator('th, td');
      expect(await cells.count()).toBe(INDICATORS.length);
      for (let c = 0; c < INDICATORS.length; c++) {
        const cell = cells.nth(c);
        // Shown, its value there, inside the screen's width, and saying which indicator it is.
        const visible = await cell.isVisible();
        const box = visible ? await cell.boundingBox() : null;
        const text = visible ? (await cell.innerText()).trim() : '';
        expect([
          INDICATORS[c],
          visible,
          text.length > 0,
          !!box && box.x >= 0,
          !!box && box.x + box.width <= VIEWPORTS.phone.width,
        ]).toEqual([INDICATORS[c], true, true, true, true]);
        if (c !== 1) expect(text.startsWith(`${INDICATORS[c]}：`)).toBe(true);
      }
    }
    await page.screenshot({ path: path.join(SHOTS, 'board-city-phone.png'), fullPage: true });
    await page.context().close();
  });
});
