/**
 * The parties' page on a phone-sized screen (390×844) with JavaScript off, in Debian's Chromium: a
 * party opens the link of a notice, reads the stage, uploads a photo and rates the follow-up; the
 * page never scrolls sideways. Screenshots go to test/.tmp/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { linkFor } from '../../parties/links';
import { apiOf } from '../helpers/api';
import { SHOTS, describeInBrowser, openBrowser } from '../helpers/browser';
import { agreedTerms, taoliLiftNoise } from '../helpers/fixtures';
import { startSystem, type TestSystem } from '../helpers/system';
import { PNG } from '../parties/page';

let sys: TestSystem;
let browser: Browser;
let base: string;

/** Whether the page is wider than the screen (a sideways scroll). */
const overflows = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');

describeInBrowser('the parties’ page on a phone', () => {
  beforeAll(async () => {
    sys = await startSystem({ sendCode: async () => undefined });
    ({ base, browser } = await openBrowser(sys));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('is readable without JavaScript, and its upload and rating forms work', async () => {
    const api = apiOf(sys);
    const m = await api.as('mediator@yufuci-community');
    const c = await api.create({
      ...taoliLiftNoise(),
      title: '小吃店货梯噪音扰民，夜间尤其严重，影响楼上住户休息（浏览器测试）',
    });
    await api.act(c.id, 'accept', {}, m);
    await api.consentAll(c.id, m);
    await api.act(c.id, 'resolve', agreedTerms(), m);
    for (const signer of ['party:0', 'party:1', 'mediator'])
      await api.act(c.id, 'sign', { signer, method: 'signature' }, m);
    await api.act(c.id, 'seal', {}, m);
    const { url } = await linkFor(sys.orm.em.fork(), base, { disputeId: c.id, partyIndex: 0, purpose: 'case' });

    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      javaScriptEnabled: false,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    await page.goto(url);
    expect(new URL(page.url()).pathname).toBe('/p/case');
    await expect(page.locator('#stage').textContent()).resolves.toContain('调解协议已生效，回访中');
    await expect(page.getByText(c.caseNumber as string)).toBeTruthy();
    expect(await overflows(page)).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'party-page-phone.png'), fullPage: true });

    await page.setInputFiles('#file', { name: '货梯照片.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: /上传/ }).click();
    await page.waitForURL(/done=evidence/);
    await expect(page.locator('#evidence').textContent()).resolves.toContain('货梯照片.png');
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('材料已上传');

    await page.getByLabel(/4 满意/).check();
    await page.getByLabel('意见或建议（可不填）').fill('调解员很耐心，问题解决了。');
    await page.getByRole('button', { name: /提交评价/ }).click();
    await page.waitForURL(/done=rated/);
    await expect(page.locator('#rated').textContent()).resolves.toContain('4 满意');
    expect(await overflows(page)).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'party-page-rated.png'), fullPage: true });

    // The public report form fits the screen too.
    await page.goto(`${base}/p/report`);
    expect(await overflows(page)).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'party-report-form.png'), fullPage: true });
    await context.close();
  });
});
