/**
 * The staff console in a real browser (Debian's Chromium through playwright-core) against the real
 * system: a mediator accepts and escalates a case; a supervisor sees an alert arrive live and
 * acknowledges it; an agency representative confirms attendance. Screenshots go to test/.tmp/ for a
 * person to look at.
 */
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { apiOf } from '../helpers/api';
import { SHOTS, describeInBrowser, openBrowser } from '../helpers/browser';
import { taoliLiftNoise } from '../helpers/fixtures';
import { TEST_PASSWORD } from '../helpers/run-state';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let browser: Browser;
let base: string;

async function signIn(username: string, viewport = { width: 1200, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(`${base}/console`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/console/login'));
  return page;
}

/** Every visible form control has a label a screen reader can announce. */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.$$eval('input:not([type=hidden]), select, textarea', (els) =>
    els
      .filter((el) => {
        const e = el as unknown as { labels?: { length: number } | null; getAttribute(name: string): string | null };
        return !(e.labels && e.labels.length > 0) && !e.getAttribute('aria-label');
      })
      .map((el) => (el as unknown as { outerHTML: string }).outerHTML.slice(0, 120)),
  );
}

describeInBrowser('the staff console in a browser', () => {
  beforeAll(async () => {
    sys = await startSystem();
    api = apiOf(sys);
    ({ base, browser } = await openBrowser(sys));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('a mediator finds a new case in the inbox, accepts it and escalates it to the street', async () => {
    const title = `浏览器测试·货梯噪音 ${Date.now()}`;
    const created = await api.create({ ...taoliLiftNoise(), title });
    const page = await signIn('mediator@yufuci-community');
    await expect(page.locator('h1').textContent()).resolves.toBe('本单位案件');

    await page.getByLabel('搜索').fill(title);
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    const row = page.locator('tbody tr', { hasText: title });
    await expect(row.count()).resolves.toBe(1);
    await expect(row.locator('.sla').getAttribute('class')).resolves.toContain('sla-ok');
    await expect(row.locator('td').first().textContent()).resolves.toBe('待受理');
    await page.screenshot({ path: path.join(SHOTS, 'console-inbox.png'), fullPage: true });

    await row.getByRole('link', { name: title }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe(title);
    expect(await unlabelledControls(page)).toEqual([]);
    // Keyboard: open the accept form from its summary with Enter and submit it.
    await page.locator('#action-accept summary').focus();
    await page.keyboard.press('Enter');
    await page.locator('#accept-note').fill('已电话联系申请人，约定明日上门');
    await page.locator('#action-accept').getByRole('button', { name: '受理' }).click();
    await expect(page.locator('.notice.ok').textContent()).resolves.toContain('已办理：受理');
    await expect(page.locator('strong.stage').textContent()).resolves.toBe('调解中');
    await page.screenshot({ path: path.join(SHOTS, 'console-case-accepted.png'), fullPage: true });

    // Escalating without a reason is refused by the API, and the page says why.
    await page.locator('#action-escalate summary').click();
    await page.locator('#action-escalate').getByRole('button', { name: '上报上级' }).click();
    await expect(page.locator('.notice.error').textContent()).resolves.toContain('未能办理');
    await page.locator('#escalate-reason').fill('涉及安监、住建多个部门，社区无法单独化解');
    await page.locator('#action-escalate').getByRole('button', { name: '上报上级' }).click();
    await expect(page.locator('.notice.ok').textContent()).resolves.toContain('已办理：上报上级');
    await expect(page.locator('p.muted').first().textContent()).resolves.toContain('穿紫河街道');
    const view = await api.get(created.id);
    expect(view.stage).toBe('awaiting_acceptance');
    expect(view.unit.code).toBe('chuanzihe-street');
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('上报');
    await page.screenshot({ path: path.join(SHOTS, 'console-case-escalated.png'), fullPage: true });

    // A phone's width: the inbox keeps case, stage and deadline.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/console/inbox`);
    await expect(page.locator('th.wide').first().isVisible()).resolves.toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'console-inbox-phone.png'), fullPage: true });
    await page.context().close();
  });

  it('a supervisor sees a high-risk alert arrive live and acknowledges it', async () => {
    const page = await signIn('supervisor@yufuci-community');
    expect(new URL(page.url()).pathname).toBe('/console/alerts');
    await page.locator('#live-status', { hasText: '实时连接' }).waitFor();

    const created = await api.create({
      ...taoliLiftNoise(),
      title: `浏览器测试·扬言报复 ${Date.now()}`,
      highRisk: true,
    });
    // The row appears without a reload.
    const row = page.locator(`tbody tr:has(a[href="/console/cases/${created.id}"])`);
    await row.waitFor({ timeout: 20_000 });
    await expect(row.textContent()).resolves.toContain('高风险纠纷');
    await page.screenshot({ path: path.join(SHOTS, 'console-alert-live.png'), fullPage: true });

    await row.getByLabel('确认说明').fill('已通知派出所');
    await row.getByRole('button', { name: '确认' }).click();
    await row.getByText('✔').waitFor();
    const supervisor = await api.as('supervisor@yufuci-community');
    const alerts = await eventually(async () => {
      const items = (await api.alerts(created.id, supervisor)) as Array<{
        kind: string;
        ackedBy?: string;
        ackNote?: string;
      }>;
      return items.find((a) => a.kind === 'high_risk' && a.ackedBy) ? items : undefined;
    });
    const acked = alerts.find((a) => a.kind === 'high_risk')!;
    expect(acked.ackedBy).toBe('supervisor@yufuci-community');
    expect(acked.ackNote).toBe('已通知派出所');
    await page.screenshot({ path: path.join(SHOTS, 'console-alert-acked.png'), fullPage: true });
    await page.context().close();
  });

  it('an agency representative confirms attendance at a joint mediation', async () => {
    const title = `浏览器测试·联合调解 ${Date.now()}`;
    const created = await api.create({ ...taoliLiftNoise(), title });
    const mediator = await api.as('mediator@yufuci-community');
    await api.act(created.id, 'accept', {}, mediator);
    await api.consentAll(created.id, mediator); // 人民调解法 Art. 17, 20, 23–24
    await api.act(
      created.id,
      'schedule-meeting',
      {
        at: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        place: '渔父祠社区调解室',
        agencies: ['safety-station'],
        agenda: '货梯噪音整改',
      },
      mediator,
    );

    const page = await signIn('rep@safety-station', { width: 390, height: 844 });
    expect(new URL(page.url()).pathname).toBe('/console/summonses');
    const card = page.locator('article.summons', { hasText: title });
    await expect(card.textContent()).resolves.toContain('渔父祠社区调解室');
    await page.screenshot({ path: path.join(SHOTS, 'console-summons-phone.png'), fullPage: true });
    await card.getByLabel('备注').fill('安监站张某参加');
    await card.getByRole('button', { name: '确认报到' }).click();
    await expect(page.locator('.notice.ok').first().textContent()).resolves.toContain('已办理');
    await expect(page.locator('article.summons', { hasText: title }).textContent()).resolves.toContain('已答复');
    const view = expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${created.id}`, headers: mediator }), 200);
    expect(view.meeting.agencies[0]).toMatchObject({ code: 'safety-station', answer: 'confirmed' });
    await page.context().close();
  });

  it('an administrator switches the console to English and sees the directory, keys, users and index weights', async () => {
    const page = await signIn('admin');
    expect(new URL(page.url()).pathname).toBe('/console/admin');
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Administration');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    for (const heading of [
      'Regions and units',
      'Agencies',
      'SLA policies',
      'API keys',
      'Users',
      'Safety Index weights',
    ]) {
      await expect(page.getByRole('heading', { name: heading }).count()).resolves.toBe(1);
    }
    expect(await unlabelledControls(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'console-admin-en.png'), fullPage: true });
    await page.getByRole('link', { name: '中文' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('系统管理');
    await page.context().close();
  });
});
