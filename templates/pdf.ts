/**
 * PDF through a headless Chromium (Debian's `chromium`, driven by playwright-core), when one is
 * installed; HTML is always available. One browser per process, started on first use; each render
 * gets a fresh context with JavaScript off and the network cut, so a document can neither run nor
 * fetch anything. playwright-core itself is loaded on first use too: requiring it costs a process
 * about 80 MB of RSS and 0.2 s (0.8 s on a busy machine), which an API that never renders a PDF should not pay.
 *
 * Each page costs Chromium a renderer process (tens of MB and a core while it lays out): at most
 * `concurrency` pages render at once (PDF_CONCURRENCY), at most `queueMax` wait (PDF_QUEUE_MAX), each
 * for at most `queueTimeoutMs` (PDF_QUEUE_TIMEOUT_MS); beyond that `pdf()` throws a `BusyError`, which
 * the documents route answers 503 with Retry-After.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { BoundedSemaphore } from './pdf-queue';

export { BusyError as PdfBusyError } from './pdf-queue';

export interface PdfLimits {
  concurrency: number;
  queueMax: number;
  queueTimeoutMs: number;
}

/** PDF_CONCURRENCY, PDF_QUEUE_MAX, PDF_QUEUE_TIMEOUT_MS's defaults (config/schema-vars.ts). */
export const DEFAULT_PDF_LIMITS: PdfLimits = { concurrency: 2, queueMax: 20, queueTimeoutMs: 30_000 };

/** What a metrics endpoint may export as gauges and counters (PdfRenderer.stats()). */
export interface PdfStats {
  /** Pages rendering now, and the most ever at once. */
  rendering: number;
  maxRendering: number;
  /** Requests waiting for a renderer. */
  waiting: number;
  /** Pages rendered, and requests refused (queue full, waited too long), since start. */
  rendered: number;
  refusedQueueFull: number;
  refusedTimeout: number;
}

export const DEFAULT_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(configured?: string): string | undefined {
  if (configured) return existsSync(configured) ? configured : undefined;
  return DEFAULT_CHROMIUM_PATHS.find((p) => existsSync(p));
}

export class PdfRenderer {
  private browser?: Promise<Browser>;
  private readonly queue: BoundedSemaphore;
  /** Counted around the page itself, apart from the queue's own bookkeeping. */
  private rendering = 0;
  private maxRendering = 0;
  private rendered = 0;

  constructor(
    private readonly executablePath: string,
    limits: Partial<PdfLimits> = {},
  ) {
    const { concurrency, queueMax, queueTimeoutMs } = { ...DEFAULT_PDF_LIMITS, ...limits };
    this.queue = new BoundedSemaphore({ limit: concurrency, queueMax, timeoutMs: queueTimeoutMs });
  }

  stats(): PdfStats {
    return {
      rendering: this.rendering,
      maxRendering: this.maxRendering,
      waiting: this.queue.waiting,
      rendered: this.rendered,
      refusedQueueFull: this.queue.refused.queue_full,
      refusedTimeout: this.queue.refused.queue_timeout,
    };
  }

  /** One page at a time through the queue (BusyError when it is full or the wait too long). */
  private page<T>(render: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      this.rendering += 1;
      this.maxRendering = Math.max(this.maxRendering, this.rendering);
      try {
        const out = await render();
        this.rendered += 1;
        return out;
      } finally {
        this.rendering -= 1;
      }
    });
  }

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

  pdf(html: string): Promise<Buffer> {
    return this.page(() => this.renderPdf(html));
  }

  png(html: string): Promise<Buffer> {
    return this.page(() => this.renderPng(html));
  }

  private async renderPdf(html: string): Promise<Buffer> {
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

  private async renderPng(html: string): Promise<Buffer> {
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
