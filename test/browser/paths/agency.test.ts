/**
 * An agency representative's path in a real browser, on an office screen and on a phone: the
 * summonses in meeting order, each card with the time, the place, by when to answer, whom to call
 * and the notice itself; confirming attendance with a note. A golden screenshot of the card.
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
import { taoliLiftNoise } from '../../helpers/fixtures';
import { expectGolden } from '../../helpers/golden';
import { TEST_PASSWORD } from '../../helpers/run-state';
import { expectStatus, startSystem, type TestSystem } from '../../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let browser: Browser;
let base: string;

/** A case of the community with a joint meeting `days` ahead summoning the safety station. */
async function summoned(title: string, days: number): Promise<string> {
  const created = await api.create({ ...taoliLiftNoise(), title });
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator);
  await api.act(
    created.id,
    'schedule-meeting',
    {
      at: new Date(Date.now() + days * 86_400_000).toISOString(),
      place: '渔父祠社区调解室',
      agencies: ['safety-station'],
      agenda: '货梯噪音整改方案',
    },
    mediator,
  );
  return created.id;
}

describeInBrowser('an agency representative in the browser', () => {
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
    'on a %s: reads the summonses soonest first with deadline, contact and notice, and confirms attendance',
    async (viewport: ViewportName) => {
      const who = viewport === 'phone' ? '手机' : '电脑';
      const later = await summoned(`浏览器路径·联合调解（${who}，五日后）`, 5);
      const sooner = await summoned(`浏览器路径·联合调解（${who}，两日后）`, 2);
      const page = await signInAs(browser, base, 'rep@safety-station', TEST_PASSWORD, VIEWPORTS[viewport]);
      expect(new URL(page.url()).pathname).toBe('/console/summonses');

      // Soonest first.
      const titles = await page.locator('ol.summonses:not(.past) article.summons h3').allTextContents();
      const mine = titles.filter((t) => t.includes(`（${who}，`));
      expect(mine).toEqual([`浏览器路径·联合调解（${who}，两日后）`, `浏览器路径·联合调解（${who}，五日后）`]);

      const card = page.locator('article.summons', { hasText: `（${who}，两日后）` });
      const facts = card.locator('dl.facts');
      for (const term of ['时间', '地点', '答复期限', '联系'])
        await expect(facts.textContent()).resolves.toContain(term);
      await expect(card.locator('.contact').textContent()).resolves.toContain('渔父祠社区');
      // The notice itself opens.
      const notice = card.locator('dl.facts a').last();
      const href = (await notice.getAttribute('href'))!;
      const answer = await page.request.get(new URL(href, base).href);
      expect(answer.status()).toBe(200);
      expect(await overflowing(page)).toBeLessThanOrEqual(0);
      // The card's facts change with the date (their wrapping too): the golden is its answer forms.
      await expectGolden(page, `agency-summons-${viewport}`, { region: card.locator('.answers') });

      await card.getByLabel('备注').fill('安监站张某参加');
      await card.getByRole('button', { name: '确认报到' }).click();
      await expect(page.locator('.notice.ok').first().textContent()).resolves.toContain('已办理');
      const mediator = await api.as('mediator@yufuci-community');
      const view = expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${sooner}`, headers: mediator }), 200);
      expect(view.meeting.agencies[0]).toMatchObject({ code: 'safety-station', answer: 'confirmed' });
      const untouched = expectStatus(
        await sys.app.inject({ url: `/api/v1/disputes/${later}`, headers: mediator }),
        200,
      );
      expect(untouched.meeting.agencies[0].answer ?? null).not.toBe('confirmed');
      await page.context().close();
    },
    120_000,
  );
});
