/**
 * The API docs (Swagger UI at /docs) in a real browser, under the Content-Security-Policy they are
 * served with (api/plugins/edge.ts): the page renders every operation and the browser reports no
 * blocked script, style, image or request.
 */
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { SHOTS, describeInBrowser, openBrowser } from '../helpers/browser';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let browser: Browser;
let base: string;

describeInBrowser('the API docs in a browser', () => {
  beforeAll(async () => {
    sys = await startSystem();
    ({ base, browser } = await openBrowser(sys));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('render every operation with nothing blocked by their CSP', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) blocked.push(m.text());
    });
    const answer = await page.goto(`${base}/docs`);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(40);
    await page.locator('.opblock-summary').first().click();
    await page.locator('.opblock-body').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'api-docs.png') });
    expect(blocked).toEqual([]);
  }, 120_000);

  it('show the webhooks (OpenAPI 3.1): each event with its payload and signature headers, and the check to copy', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) blocked.push(m.text());
    });
    await page.goto(`${base}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
    // The description: the receiver's check (docs/webhooks.md) and the private-address rule.
    await expect(page.getByText('export function verifyFengqiaoWebhook(', { exact: false }).count()).resolves.toBe(1);
    await expect(page.getByText(/Private addresses are refused/).count()).resolves.toBeGreaterThan(0);
    // The webhooks section, one operation per event; the test ping opens on its headers and payload.
    const ping = page.locator('.opblock', { hasText: 'Test delivery' });
    await ping.locator('.opblock-summary').click();
    const body = ping.locator('.opblock-body');
    await body.waitFor();
    await ping.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'api-docs-webhooks.png'), fullPage: false });
    // Each signature header, named as a parameter (marked required) of the webhook.
    const names = await body.locator('.parameter__name').allInnerTexts();
    for (const header of ['X-Fengqiao-Signature', 'X-Fengqiao-Timestamp', 'X-Fengqiao-Delivery', 'X-Fengqiao-Event'])
      expect(names.filter((n) => n.startsWith(header))).toHaveLength(1);
    await expect(page.locator('.opblock', { hasText: 'Case event' }).count()).resolves.toBeGreaterThan(25);
    expect(blocked).toEqual([]);
  }, 120_000);
});
