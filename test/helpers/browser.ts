/**
 * Browser tests: Debian's Chromium through playwright-core, the system listening on a free port,
 * screenshots under test/.tmp/. CI installs Chromium, so there the browser tests always run.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { findChromium } from '../../templates/pdf';
import type { TestSystem } from './system';

const executablePath = findChromium(process.env.CHROMIUM_PATH);
export const SHOTS = path.join(__dirname, '../.tmp');
export const describeInBrowser = executablePath || process.env.CI ? describe : describe.skip;

/** Listens on a free port and launches the browser; the base URL and the browser. */
export async function openBrowser(sys: TestSystem): Promise<{ base: string; browser: Browser }> {
  await sys.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(sys.app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: executablePath ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  mkdirSync(SHOTS, { recursive: true });
  return { base, browser };
}

/** The two sizes every user path is tried at: an office screen and a phone. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

/** A fresh browser context (Chinese, Beijing time) signed in to the console as `username`. */
export async function signInAs(
  browser: Browser,
  base: string,
  username: string,
  password: string,
  viewport: { width: number; height: number } = VIEWPORTS.desktop,
  options: { javaScriptEnabled?: boolean; permissions?: string[] } = {},
): Promise<import('playwright-core').Page> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    ...(options.permissions ? { permissions: options.permissions } : {}),
  });
  const page = await context.newPage();
  await page.goto(`${base}/console`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/console/login'));
  return page;
}

/** By how many pixels the page is wider than the screen (nothing may be cut off or pushed sideways: ≤ 0). */
export async function overflowing(page: import('playwright-core').Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
}
