/**
 * A street supervisor's path in a real browser, on an office screen and on a phone: opts in to the
 * sound, the desktop notification and the tab count; a high-risk case arrives live and each of the
 * three fires; acknowledges two alerts at once; reports a case to the police (人民调解法 Art. 25)
 * from its alert; opens the statistics with JavaScript off (charts drawn by the server) and exports
 * them, and the spreadsheet opens in LibreOffice. Golden screenshots of the stable regions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { apiOf } from '../../helpers/api';
import { VIEWPORTS, describeInBrowser, openBrowser, signInAs, type ViewportName } from '../../helpers/browser';
import { taoliLiftNoise } from '../../helpers/fixtures';
import { expectGolden } from '../../helpers/golden';
import { TEST_PASSWORD } from '../../helpers/run-state';
import { eventually, startSystem, type TestSystem } from '../../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let browser: Browser;
let base: string;

const SUPERVISOR = 'supervisor@yufuci-community';

/** Records what the page would make a person hear and see: notifications shown and beeps started. */
const SPIES = `(() => {
  window.__notified = [];
  window.__beeps = 0;
  const Real = window.Notification;
  if (Real) {
    class Spy extends Real {
      constructor(title, options) { super(title, options); window.__notified.push(title + ' ' + ((options && options.body) || '')); }
    }
    Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
    Spy.requestPermission = (cb) => Real.requestPermission(cb);
    window.Notification = Spy;
  }
  const AC = window.AudioContext || window.webkitAudioContext;
  if (AC) {
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (...args) { window.__beeps += 1; return start.apply(this, args); };
  }
})();`;

async function supervisorPage(viewport: ViewportName): Promise<Page> {
  const page = await signInAs(browser, base, SUPERVISOR, TEST_PASSWORD, VIEWPORTS[viewport], {
    permissions: ['notifications'],
  });
  await page.context().addInitScript(SPIES);
  await page.goto(`${base}/console/alerts`);
  return page;
}

describeInBrowser('a supervisor in the browser', () => {
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
    'on a %s: opts in to reminders, sees a high-risk case arrive with sound, notification and tab count, acknowledges in bulk and reports to the police',
    async (viewport) => {
      const page = await supervisorPage(viewport);
      await page.locator('#live-status', { hasText: '实时连接' }).waitFor();
      // Opt in: both buttons are offered (they are hidden without script) and remember the choice.
      await page.getByRole('button', { name: '开启提醒声音' }).click();
      await page.getByRole('button', { name: '开启桌面通知' }).click();
      await expect(page.locator('#remind-notify').getAttribute('aria-pressed')).resolves.toBe('true');
      await expect(page.locator('#remind-sound').getAttribute('aria-pressed')).resolves.toBe('true');
      await expectGolden(page, `supervisor-alerts-remind-${viewport}`, { region: page.locator('#alert-remind') });
      const beepsBefore = (await page.evaluate('window.__beeps')) as number;

      const titles = [`浏览器·扬言报复甲 ${viewport} ${Date.now()}`, `浏览器·扬言报复乙 ${viewport} ${Date.now()}`];
      const created = [];
      for (const title of titles) created.push(await api.create({ ...taoliLiftNoise(), title, highRisk: true }));
      const rows = created.map((c) => page.locator(`#alert-board tbody tr:has(a[href="/console/cases/${c.id}"])`));
      for (const row of rows) await row.first().waitFor({ timeout: 20_000 });

      // The tab title counts what is unacknowledged; the notification names the kind; a beep played.
      await expect(page.title()).resolves.toMatch(/^\(\d+\) /);
      const notified = await eventually(async () => {
        const list = (await page.evaluate('window.__notified')) as string[];
        return list.some((n) => n.includes('高风险')) ? list : undefined;
      });
      expect(notified.join('\n')).toContain('高风险');
      await expect(page.evaluate('window.__beeps')).resolves.toBeGreaterThan(beepsBefore);

      // On a phone the alert's text is still on screen.
      const text = rows[0]!.first().locator('td.text');
      await expect(text.isVisible()).resolves.toBe(true);
      await expect(text.textContent()).resolves.toMatch(/[\u4e00-\u9fff]/);

      // Bulk acknowledge: pick both, one note, one press.
      const countBefore = Number(await page.locator('#unacked-count').getAttribute('data-n'));
      for (const row of rows) await row.first().locator('input[type=checkbox]').check();
      await page.getByLabel('确认说明（所选预警共用）').fill('已电话核实，网格员到场');
      await page.getByRole('button', { name: '确认所选' }).click();
      await page.locator('.notice.ok').first().waitFor();
      for (const c of created) {
        const alerts = (await api.alerts(c.id, await api.as(SUPERVISOR))) as unknown as Array<{
          kind: string;
          ackedBy?: string;
        }>;
        expect(alerts.find((a) => a.kind === 'high_risk')?.ackedBy).toBe(SUPERVISOR);
      }
      expect(Number(await page.locator('#unacked-count').getAttribute('data-n'))).toBeLessThanOrEqual(countBefore);

      // Art. 25: a third high-risk case, reported to the police from its alert row.
      const third = await api.create({ ...taoliLiftNoise(), title: `浏览器·持刀威胁 ${viewport}`, highRisk: true });
      const row = page.locator(`#alert-board tbody tr:has(a[href="/console/cases/${third.id}"])`).first();
      await row.waitFor({ timeout: 20_000 });
      // The form is drawn by the server (it asks the case whether the step is allowed now): reload.
      await page.reload();
      await row.locator('details.refer summary').click();
      await row.getByLabel(/已采取的预防措施/).fill('已劝离双方，网格员留守现场');
      await row.getByRole('button', { name: '报告公安机关' }).click();
      await page.waitForURL(/referred=1/);
      const view = (await api.get(third.id)) as { policeReferral?: { measures: string } };
      expect(view.policeReferral?.measures).toBe('已劝离双方，网格员留守现场');
      await page.context().close();
    },
    180_000,
  );

  it.each(['desktop', 'phone'] as const)(
    'on a %s without JavaScript: the statistics draw their charts on the server and export a spreadsheet that LibreOffice opens',
    async (viewport) => {
      const page = await signInAs(browser, base, 'supervisor@wangjiaqiao-street', TEST_PASSWORD, VIEWPORTS[viewport], {
        javaScriptEnabled: false,
      });
      await page.goto(`${base}/console/statistics`);
      await expect(page.locator('h1').textContent()).resolves.toBe('统计分析');
      const charts = page.locator('figure svg[role=img]');
      expect(await charts.count()).toBeGreaterThanOrEqual(3);
      for (const chart of await charts.all()) {
        await expect(chart.isVisible()).resolves.toBe(true);
        await expect(chart.locator(':scope > title').textContent()).resolves.toMatch(/[\u4e00-\u9fff]/);
      }
      // The period's defaults follow today's date: masked.
      await expectGolden(page, `supervisor-statistics-form-${viewport}`, {
        region: page.locator('form.stats-choice'),
        mask: ['input[type=date]', '#stats-year', '#stats-month', '#stats-quarter'],
      });
      if (viewport === 'phone') return page.context().close();

      const dir = mkdtempSync(path.join(os.tmpdir(), 'fq-export-'));
      for (const name of ['导出电子表格（XLSX）', '导出表格文本（CSV）']) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
        await download.saveAs(path.join(dir, download.suggestedFilename()));
      }
      const files = readdirSync(dir);
      const xlsx = files.find((f) => f.endsWith('.xlsx'));
      const csv = files.find((f) => f.endsWith('.csv'));
      expect(xlsx).toBeDefined();
      expect(csv).toBeDefined();
      expect(readFileSync(path.join(dir, csv!), 'utf8').charCodeAt(0)).toBe(0xfeff);
      // A spreadsheet program opens the workbook: LibreOffice converts its first sheet back to text (UTF-8: 76).
      const out = path.join(dir, 'opened');
      execFileSync(
        'soffice',
        [
          '--headless',
          '--convert-to',
          'csv:Text - txt - csv (StarCalc):44,34,76',
          '--outdir',
          out,
          path.join(dir, xlsx!),
        ],
        {
          timeout: 120_000,
          env: { ...process.env, HOME: dir },
        },
      );
      const opened = readFileSync(path.join(out, xlsx!.replace(/\.xlsx$/, '.csv')), 'utf8');
      expect(opened).toContain('汪家桥街道');
      expect(opened).toMatch(/[\u4e00-\u9fff]+,\d+/);
      await page.context().close();
    },
    180_000,
  );
});
