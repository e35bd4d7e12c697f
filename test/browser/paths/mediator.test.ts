/**
 * A community mediator's path in a real browser, on an office screen and on a phone: the work queue
 * (counts per stage and SLA colour, the scopes, a search that finds the case), accepting it from the
 * case page, and — once the parties have agreed — the guided signing: the checklist names who is
 * missing, each signature recorded from the page, the seal offered only last, 协议已生效 announced,
 * and the agreement's print and PDF buttons for each document. Golden screenshots of the checklist.
 */
import { type Browser, type Page } from 'playwright-core';
import { apiOf } from '../../helpers/api';
import {
  VIEWPORTS,
  describeInBrowser,
  openBrowser,
  overflowing,
  signInAs,
  type ViewportName,
} from '../../helpers/browser';
import { agreedTerms, taoliLiftNoise } from '../../helpers/fixtures';
import { expectGolden } from '../../helpers/golden';
import { meetingSoon, untilMeetingStarts } from '../../helpers/meeting';
import { TEST_PASSWORD } from '../../helpers/run-state';
import { eventually, startSystem, type TestSystem } from '../../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let browser: Browser;
let base: string;

const MEDIATOR = 'mediator@yufuci-community';

/** Records a signature through the case page's sign form. */
async function sign(page: Page, signer: string, method: string): Promise<void> {
  const form = page.locator('#action-sign');
  if (!(await form.getAttribute('open'))) await form.locator('summary').click();
  await form.locator('select[name=signer]').selectOption(signer);
  await form.locator('select[name=method]').selectOption(method);
  await form.locator('button[type=submit]').click();
  await page.waitForLoadState();
}

describeInBrowser('a mediator in the browser', () => {
  beforeAll(async () => {
    sys = await startSystem();
    api = apiOf(sys);
    ({ base, browser } = await openBrowser(sys));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it.each(['desktop', 'phone'] as const)(
    'on a %s: finds the case in the work queue, accepts it, and is guided through signing to 协议已生效',
    async (viewport: ViewportName) => {
      const title = `浏览器路径·货梯噪音（${viewport === 'phone' ? '手机' : '电脑'}）`;
      const created = await api.create({ ...taoliLiftNoise(), title });
      const page = await signInAs(browser, base, MEDIATOR, TEST_PASSWORD, VIEWPORTS[viewport]);
      expect(new URL(page.url()).pathname).toBe('/console/inbox');

      // The work queue: counts by SLA colour and by stage, the scopes, and a search.
      const counts = page.locator('section.counts');
      await expect(counts.textContent()).resolves.toMatch(/待受理/);
      const scopes = await page.locator('nav.scopes a').allTextContents();
      expect(scopes.join(' ')).toMatch(/我的/);
      await page.getByLabel('搜索').fill(title);
      await page.getByRole('button', { name: '筛选', exact: true }).click();
      const row = page.locator('tbody tr', { hasText: title });
      await expect(row.count()).resolves.toBe(1);
      expect(await overflowing(page)).toBeLessThanOrEqual(0);
      // The search kept as a view of this person's own.
      await page.getByLabel(/视图名称/).fill(`货梯噪音${viewport}`);
      await page.getByRole('button', { name: '保存当前筛选为视图' }).click();
      await expect(
        page
          .locator('section.views')
          .getByRole('link', { name: `货梯噪音${viewport}` })
          .isVisible(),
      ).resolves.toBe(true);

      await row.getByRole('link', { name: title }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe(title);
      await page.locator('#action-accept summary').click();
      await page.locator('#action-accept button[type=submit]').click();
      await expect(page.locator('strong.stage').textContent()).resolves.toBe('调解中');

      // The parties consent, meet and agree (through the API: the forms are the API's, tested there).
      const mediator = await api.as(MEDIATOR);
      await api.consentAll(created.id, mediator);
      const at = meetingSoon();
      await api.act(
        created.id,
        'schedule-meeting',
        { at, place: '渔父祠社区调解室', agencies: ['safety-station'] },
        mediator,
      );
      await untilMeetingStarts(at);
      await api.act(created.id, 'record-outcome', { result: 'agreed', ...agreedTerms() }, mediator);

      // The read model follows the workflow within moments: the page shows the checklist once it has.
      await eventually(async () => {
        await page.goto(`${base}/console/cases/${created.id}`);
        return (await page.locator('#h-signatures').count()) > 0 ? true : undefined;
      });
      const checklist = page.locator('ul.signatures');
      await expect(checklist.locator('li.missing:not(.seal)').count()).resolves.toBeGreaterThanOrEqual(3);
      // The seal last, and not yet.
      await expect(checklist.locator('li').last().getAttribute('class')).resolves.toBe('seal missing');
      await expect(page.locator('#agreement-status').textContent()).resolves.toMatch(/尚缺/);
      await expect(page.locator('#action-seal').count()).resolves.toBe(0);
      // The copy to print for wet signatures, with its print and PDF buttons.
      const forSigning = page.locator('ul.docs li', { hasText: '签署用' });
      await expect(forSigning.locator('a.print').isVisible()).resolves.toBe(true);
      const pdf = await page.request.get(new URL((await forSigning.locator('a.pdf').getAttribute('href'))!, base).href);
      expect(pdf.headers()['content-type']).toBe('application/pdf');

      await sign(page, 'party:0', 'signature');
      await expect(checklist.locator('li.signed').count()).resolves.toBe(1);
      await expect(page.locator('#action-seal').count()).resolves.toBe(0);
      await sign(page, 'party:1', 'fingerprint');
      await sign(page, 'mediator', 'signature');
      // Every signature in: the seal is offered now, and only now.
      await page.locator('#action-seal summary').click();
      await page.locator('#action-seal button[type=submit]').click();
      await expect(page.locator('.notice.effect').textContent()).resolves.toMatch(
        /^协议已生效：\d{4}年\d{1,2}月\d{1,2}日/,
      );
      await expect(page.locator('#action-seal').count()).resolves.toBe(0);
      await expect(page.locator('#action-sign').count()).resolves.toBe(0);
      await expect(checklist.locator('li.missing').count()).resolves.toBe(0);
      await expectGolden(page, `mediator-signatures-${viewport}`, { region: checklist });
      await expect(page.locator('ul.docs li', { hasText: '生效正本' }).locator('a.pdf').isVisible()).resolves.toBe(
        true,
      );
      expect(await overflowing(page)).toBeLessThanOrEqual(0);
      await page.context().close();
    },
    180_000,
  );
});
