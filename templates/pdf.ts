/**
 * PDF through a headless Chromium (Debian's `chromium`, driven by playwright-core), when one is
 * installed; HTML is always available. One browser per process, started on first use; each render
 * gets a fresh context with JavaScript off and the network cut, so a document can neither run nor
 * fetch anything. playwright-core itself is loaded on first use too: requiring it costs a process
 * about 80 MB of RSS and 0.2 s (0.8 s on a busy machine), which an API that never renders a PDF should not pay.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(configured?: string): string | undefined {
  if (configured) return existsSync(configured) ? configured : undefined;
  return DEFAULT_CHROMIUM_PATHS.find((p) => existsSync(p));
}

export class PdfRenderer {
  private browser?: Promise<Browser>;
  constructor(private readonly executablePath: string) {}

  private launch(): Promise<Browser> {
    this.browser ??= import('playwright-core').then(({ chromium }) =>
      chromium.launch({
        executablePath: this.executablePath,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      }),
    );
    return this.browser;
  }

  async pdf(html: string): Promise<Buffer> {
    const context = await (await this.launch()).newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await context.newPage();
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await context.close();
    }
  }

  async png(html: string): Promise<Buffer> {
    const context = await (
      await this.launch()
    ).newContext({ javaScriptEnabled: false, offline: true, viewport: { width: 900, height: 1200 } });
    try {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      return await page.screenshot({ fullPage: true });
    } finally {
      await context.close();
    }
  }

  async close(): Promise<void> {
    if (this.browser) await (await this.browser).close();
    this.browser = undefined;
  }
}
