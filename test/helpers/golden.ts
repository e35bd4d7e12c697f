/**
 * Golden screenshots: a page (or one region of it) compared pixel by pixel with the picture kept in
 * test/browser/golden/. What changes from run to run — times, counts, case numbers, countdowns — is
 * masked: every element marked `data-dynamic`, plus the selectors a test names. A missing golden is
 * written (and the test says so) unless CI is set: CI never invents its own reference.
 * `UPDATE_GOLDEN=1` rewrites them; the actual and a diff picture go to test/.tmp/golden/ on a failure.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

export const GOLDEN_DIR = path.join(__dirname, '../browser/golden');
const FAILED_DIR = path.join(__dirname, '../.tmp/golden');

/** Always masked: what the server or the clock fills in differently each run. */
const ALWAYS_MASKED = ['[data-dynamic]', '.sla', 'time', 'input[name="_csrf"]', '.live-status'];

export interface GoldenOptions {
  /** The region to photograph; the whole page when absent. */
  region?: Locator;
  /** More selectors to mask. */
  mask?: string[];
  /** Share of pixels allowed to differ (anti-aliasing); default 0.3 %. */
  maxDiffRatio?: number;
}

export interface GoldenResult {
  written: boolean;
  diffRatio: number;
}

/** Compares two PNGs: the share of differing pixels, or 1 when the sizes differ. */
export function comparePng(a: Buffer, b: Buffer): { ratio: number; diff?: Buffer; sizes: string } {
  const pa = PNG.sync.read(a);
  const pb = PNG.sync.read(b);
  const sizes = `${pa.width}×${pa.height} vs ${pb.width}×${pb.height}`;
  if (pa.width !== pb.width || pa.height !== pb.height) return { ratio: 1, sizes };
  const diff = new PNG({ width: pa.width, height: pa.height });
  const differing = pixelmatch(pa.data, pb.data, diff.data, pa.width, pa.height, { threshold: 0.1 });
  return { ratio: differing / (pa.width * pa.height), diff: PNG.sync.write(diff), sizes };
}

/** Takes the screenshot and checks it against the golden `name` (a file name without extension). */
export async function expectGolden(page: Page, name: string, options: GoldenOptions = {}): Promise<GoldenResult> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`golden name ${name}: lowercase letters, digits and dashes`);
  // Fonts loaded, no caret, no animation: the same page gives the same pixels.
  await page.evaluate('document.fonts.ready');
  const mask = [...ALWAYS_MASKED, ...(options.mask ?? [])].map((s) => page.locator(s));
  const shotOptions = { animations: 'disabled' as const, caret: 'hide' as const, mask, maskColor: '#ff00ff' };
  const actual = options.region
    ? await options.region.screenshot(shotOptions)
    : await page.screenshot({ ...shotOptions, fullPage: true });
  const file = path.join(GOLDEN_DIR, `${name}.png`);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    if (!process.env.UPDATE_GOLDEN && process.env.CI)
      throw new Error(`no golden screenshot ${name}.png: run the test with UPDATE_GOLDEN=1 and commit it`);
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return { written: true, diffRatio: 0 };
  }
  const { ratio, diff, sizes } = comparePng(readFileSync(file), actual);
  const allowed = options.maxDiffRatio ?? 0.003;
  if (ratio > allowed) {
    mkdirSync(FAILED_DIR, { recursive: true });
    writeFileSync(path.join(FAILED_DIR, `${name}.actual.png`), actual);
    if (diff) writeFileSync(path.join(FAILED_DIR, `${name}.diff.png`), diff);
    throw new Error(
      `screenshot ${name} differs from its golden: ${(ratio * 100).toFixed(2)} % of pixels (allowed ${(allowed * 100).toFixed(2)} %), sizes ${sizes}; see test/.tmp/golden/`,
    );
  }
  return { written: false, diffRatio: ratio };
}
