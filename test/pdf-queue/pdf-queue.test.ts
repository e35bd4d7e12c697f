/**
 * PDF rendering under load (issue 23): at most PDF_CONCURRENCY pages render at once, the rest wait
 * in a bounded queue, and beyond it the API answers 503 with Retry-After and a bilingual problem —
 * through the real API, worker, PostgreSQL and Debian's Chromium.
 */
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../config/env';
import { findChromium, PdfRenderer } from '../../templates/pdf';
import { apiOf } from '../helpers/api';
import { startSystem, type TestSystem } from '../helpers/system';

const chromium = findChromium(process.env.CHROMIUM_PATH);
// CI installs Debian's chromium: there this test must run.
const withChromium = chromium || process.env.CI ? describe : describe.skip;

const report = {
  gridCode: 'yufuci-taoli',
  category: 'noise',
  title: '装修噪音扰民',
  description: '楼上住户夜间装修，噪音很大。',
  parties: [
    { name: '陈某', role: 'applicant', phone: '13800001111' },
    { name: '李某', role: 'respondent' },
  ],
  channel: 'grid-patrol',
};

/** A system whose PDFs go through `pdf`, and one accepted case with its intake form (受理登记表). */
async function systemWith(pdf: PdfRenderer) {
  const sys = await startSystem({ pdf });
  const api = apiOf(sys);
  const mediator = await api.as('mediator@yufuci-community');
  const { id } = (await api.create(report)) as { id: string };
  await api.act(id, 'accept', {}, mediator);
  const fetchPdf = (): Promise<LightMyRequestResponse> =>
    sys.app.inject({ url: `/api/v1/disputes/${id}/documents/intake?format=pdf`, headers: mediator });
  // The browser starts on the first PDF: start it before the bursts.
  expect((await fetchPdf()).statusCode).toBe(200);
  return { sys, fetchPdf };
}

/** The renderer's gauges sampled every few ms while `work` runs: the most rendering and waiting seen. */
async function sampled<T>(pdf: PdfRenderer, work: Promise<T>) {
  let done = false;
  const seen = { rendering: 0, waiting: 0 };
  const sampler = (async () => {
    while (!done) {
      const s = pdf.stats();
      seen.rendering = Math.max(seen.rendering, s.rendering);
      seen.waiting = Math.max(seen.waiting, s.waiting);
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  try {
    return { result: await work, seen };
  } finally {
    done = true;
    await sampler;
  }
}

withChromium('PDF rendering with a concurrency cap and a queue', () => {
  describe('PDF_CONCURRENCY=2', () => {
    let sys: TestSystem;
    let pdf: PdfRenderer;
    let fetchPdf: () => Promise<LightMyRequestResponse>;
    beforeAll(async () => {
      // Configured as an operator would: through the environment and loadConfig.
      const config = loadConfig({ PDF_CONCURRENCY: '2' });
      expect(config.pdf).toEqual({ concurrency: 2, queueMax: 20, queueTimeoutMs: 30_000 });
      pdf = new PdfRenderer(chromium!, config.pdf);
      ({ sys, fetchPdf } = await systemWith(pdf));
    });
    afterAll(async () => sys?.close());

    it('renders 8 concurrent requests at most 2 at a time, and every one gets its PDF', async () => {
      const before = pdf.stats();
      const { result, seen } = await sampled(pdf, Promise.all(Array.from({ length: 8 }, () => fetchPdf())));
      expect(result.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
      for (const r of result) expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const after = pdf.stats();
      expect(after.rendered - before.rendered).toBe(8);
      // Counted around each page itself, apart from the queue's bookkeeping: never more than 2, and
      // the burst did overlap (2 at once, the others waiting).
      expect(after.maxRendering).toBe(2);
      expect(seen.rendering).toBeLessThanOrEqual(2);
      expect(seen.waiting).toBeGreaterThanOrEqual(1);
      expect([after.rendering, after.waiting, after.refusedQueueFull, after.refusedTimeout]).toEqual([0, 0, 0, 0]);
    });
  });

  describe('PDF_QUEUE_MAX=1', () => {
    let sys: TestSystem;
    let pdf: PdfRenderer;
    let fetchPdf: () => Promise<LightMyRequestResponse>;
    beforeAll(async () => {
      const config = loadConfig({ PDF_CONCURRENCY: '1', PDF_QUEUE_MAX: '1' });
      pdf = new PdfRenderer(chromium!, config.pdf);
      ({ sys, fetchPdf } = await systemWith(pdf));
    });
    afterAll(async () => sys?.close());

    it('answers a burst beyond the queue 503 with Retry-After and a bilingual problem, and serves the rest', async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, () => fetchPdf()));
      const ok = answers.filter((r) => r.statusCode === 200);
      const busy = answers.filter((r) => r.statusCode === 503);
      expect(ok.length + busy.length).toBe(8);
      expect(ok.length).toBeGreaterThanOrEqual(2); // the one rendering and the one waiting
      expect(busy.length).toBeGreaterThanOrEqual(1);
      for (const r of busy) {
        expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(r.json()).toMatchObject({
          status: 503,
          code: 'unavailable',
          detail: '文书生成繁忙，请稍后重试 / PDF rendering is busy, try again shortly',
        });
      }
      expect(pdf.stats().refusedQueueFull).toBe(busy.length);
      // What an operator's Prometheus sees (a loopback scrape, as the API listens on loopback).
      const metrics = (await sys.app.inject({ url: '/metrics' })).body;
      expect(metrics).toContain(`fengqiao_pdf_refused_total{reason="queue_full"} ${busy.length}`);
      expect(metrics).toMatch(/^fengqiao_pdf_waiting 0$/m);
      // Once the burst is over the queue is empty again and a PDF is served.
      expect((await fetchPdf()).statusCode).toBe(200);
    });
  });
});
