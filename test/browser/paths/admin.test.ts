/**
 * An administrator's path in a real browser, on an office screen and on a phone: revoking an API key
 * passes through a page that says what will happen; a user is edited and their password reset (the
 * new one shown once, and it works); an SLA policy is added in working days and hours, listed the
 * same way, and deleted after its confirmation. Golden screenshots of the confirmation page.
 */
import { type Browser } from 'playwright-core';
import { apiOf } from '../../helpers/api';
import {
  VIEWPORTS,
  describeInBrowser,
  openBrowser,
  overflowing,
  signInAs,
  type ViewportName,
} from '../../helpers/browser';
import { expectGolden } from '../../helpers/golden';
import { TEST_PASSWORD } from '../../helpers/run-state';
import { adminConsoleOnOwnDatabase } from '../../helpers/console-admin';
import { expectStatus, type TestSystem } from '../../helpers/system';

// Its own database: an SLA policy added here would change the deadlines of the run's other files.
const own = adminConsoleOnOwnDatabase('adminpath');
let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let browser: Browser;
let base: string;

describeInBrowser('an administrator in the browser', () => {
  beforeAll(async () => {
    sys = own.sys;
    api = own.api;
    ({ base, browser } = await openBrowser(sys));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(['desktop', 'phone'] as const)(
    'on a %s: revokes a key after its confirmation, edits a user and resets the password, adds and deletes an SLA policy in working days',
    async (viewport: ViewportName) => {
      const admin = await api.as('admin');
      const keyName = `浏览器路径·热线平台（${viewport === 'phone' ? '手机' : '电脑'}）`;
      const issued = expectStatus<{ id: string; key: string }>(
        await sys.app.inject({
          method: 'POST',
          url: '/api/v1/admin/api-keys',
          headers: admin,
          payload: { name: keyName },
        }),
        201,
      );
      const keyWorks = async () =>
        (await sys.app.inject({ url: '/api/v1/disputes', headers: { authorization: `Bearer ${issued.key}` } }))
          .statusCode;
      const username = `browser-path-${viewport}`;
      expectStatus(
        await sys.app.inject({
          method: 'POST',
          url: '/api/v1/admin/users',
          headers: admin,
          payload: {
            username,
            password: 'first-password-1',
            displayName: '路径测试调解员',
            role: 'mediator',
            unitCode: 'wangjiaqiao-community',
          },
        }),
        201,
      );

      const page = await signInAs(browser, base, 'admin', TEST_PASSWORD, VIEWPORTS[viewport]);
      expect(new URL(page.url()).pathname).toBe('/console/admin');

      // Revoke: a page that says what will happen, then the key stops working.
      await page.locator('tr', { hasText: keyName }).getByRole('link', { name: '撤销' }).click();
      await expect(page.locator('section.confirm').textContent()).resolves.toContain(keyName);
      expect(await keyWorks()).toBe(200);
      // The subject names the key by its random prefix: masked.
      await expectGolden(page, `admin-confirm-revoke-${viewport}`, {
        region: page.locator('section.confirm'),
        mask: ['#h-confirm-subject'],
      });
      await page.locator('section.confirm button.danger').click();
      expect(await keyWorks()).toBe(401);

      // The user: edited, then a generated password, shown once, that works.
      await page.goto(`${base}/console/admin#user`);
      await page.getByRole('link', { name: username }).click();
      await page.getByLabel(/姓名/).first().fill('路径测试调解员（已改名）');
      await page.getByRole('button', { name: '保存' }).click();
      await expect(page.locator('.notice.ok').textContent()).resolves.toContain('已保存');
      await page.getByLabel(/我知道/).check();
      await page
        .locator('#h-user-reset ~ form button.danger, section:has(#h-user-reset) button.danger')
        .first()
        .click();
      const generated = (await page.locator('code.secret').textContent())!.trim();
      expect(generated.length).toBeGreaterThanOrEqual(12);
      const other = await signInAs(browser, base, username, generated, VIEWPORTS[viewport]);
      await expect(other.locator('.who').textContent()).resolves.toContain('路径测试调解员（已改名）');
      await other.context().close();

      // An SLA policy in working days and hours.
      await page.goto(`${base}/console/admin/sla`);
      const add = page.locator('form.sla-form').first();
      const category = viewport === 'phone' ? '劳动争议' : '消费纠纷';
      await add.locator('select[name=category]').selectOption({ label: category });
      await add.locator('select[name=priority]').selectOption({ label: '紧急' });
      await add.locator('select[name=level]').selectOption({ label: '街道' });
      await add.locator('input[name=acceptDays]').fill('1');
      await add.locator('input[name=acceptHours]').fill('4');
      await add.locator('input[name=handlingDays]').fill('10');
      await add.locator('input[name=handlingHours]').fill('0');
      await add.getByRole('button', { name: '新增时限规则' }).click();
      await expect(page.locator('.notice.error').count()).resolves.toBe(0);
      const row = page.locator('table.sla tbody tr', { hasText: `${category} / 紧急 / 街道` });
      await expect(row.count()).resolves.toBe(1);
      const words = (await row.textContent())!.replace(/\s+/g, '');
      expect(words).toContain('1个工作日4小时');
      expect(words).toContain('10个工作日');
      expect(words).not.toMatch(/秒|cn-workdays/);
      expect(await overflowing(page)).toBeLessThanOrEqual(0);
      await row.getByRole('link', { name: '删除' }).click();
      await page.locator('section.confirm button.danger').click();
      await expect(page.locator('table.sla tbody tr', { hasText: `${category} / 紧急 / 街道` }).count()).resolves.toBe(
        0,
      );
      await page.context().close();
    },
    180_000,
  );
});
