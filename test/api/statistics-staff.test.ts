/**
 * 统计分析 on the real system: the demo history (past closed cases and live workflows) in the run's
 * PostgreSQL, read through GET /api/v1/statistics/staff, the console page and its exports. The
 * database is shared with other files: figures are compared with each other (JSON, CSV, spreadsheet,
 * the Ministry's table), never with fixed totals.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_UNITS } from '../../demo/seed';
import { ensureDemoHistory } from '../../demo/history';
import { chinaDate } from '../../domain/safety-index';
import { createRenderer } from '../../templates/render';
import { apiOf } from '../helpers/api';
import { consoleLogin, cookiesOf } from '../helpers/console';
import { TEST_PASSWORD } from '../helpers/run-state';
import { adminConsoleOnOwnDatabase } from '../helpers/console-admin';
import { expectStatus, type TestSystem } from '../helpers/system';

// Its own database: the demo history's live cases played here would otherwise be the run's, and
// test/api/demo-history.test.ts plays (and counts) them itself.
const own = adminConsoleOnOwnDatabase('stats');
let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
const now = new Date();
const to = chinaDate(now);
const from = chinaDate(new Date(now.getTime() - 200 * 86400_000));
const period = `from=${from}&to=${to}`;

beforeAll(async () => {
  sys = own.sys;
  api = own.api;
  await ensureDemoHistory({
    app: sys.app,
    orm: sys.orm,
    renderer: createRenderer(),
    password: TEST_PASSWORD,
    now,
    communities: DEMO_UNITS.filter((u) => u.level === 'community').map((u) => u.code),
  });
}, 180_000);

const get = async (url: string, user: string) =>
  sys.app.inject({ url: `/api/v1/statistics/staff${url}`, headers: await api.as(user) });

/** RFC 4180 CSV → rows of cells (the BOM off). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

/** The rows of a table of the CSV, found by its heads' first cell, up to the blank line. */
function section(rows: string[][], firstHead: string): string[][] {
  const at = rows.findIndex((r) => r[0] === firstHead);
  if (at < 0) throw new Error(`no table headed ${firstHead}`);
  const end = rows.findIndex((r, i) => i > at && r.every((c) => c === ''));
  return rows.slice(at + 1, end < 0 ? undefined : end);
}

const pct = (x: number | null) => (x === null ? '—' : String(Math.round(x * 1000) / 10));

describe('the staff statistics', () => {
  let street: any;

  it('give a supervisor the figures of their own area, which agree with the Ministry’s table', async () => {
    street = expectStatus(await get(`?${period}`, 'supervisor@wangjiaqiao-street'), 200);
    console.log(
      `汪家桥街道 ${from}–${to}: intake ${street.intake.total}, acceptance ${JSON.stringify(street.acceptance)}, ` +
        `handling ${JSON.stringify(street.handling)}, success ${JSON.stringify(street.success)}, ` +
        `escalations ${JSON.stringify(street.escalations)}, report-in ${JSON.stringify(street.reportIn)}, ` +
        `satisfaction ${JSON.stringify(street.satisfaction)}`,
    );
    expect(street.unit).toEqual({ code: 'wangjiaqiao-street', name: '汪家桥街道' });
    expect(street.intake.total).toBeGreaterThan(0);
    expect(street.handling.count).toBeGreaterThan(0);
    expect(street.handling.median).toBeGreaterThan(0);
    // The demo history has deadline breaches in this area (its alerts say so): not everything was in time.
    expect(street.acceptance.within + street.handling.within).toBeLessThan(
      street.acceptance.count + street.handling.count,
    );
    expect(street.success.rate).toBeGreaterThan(0);
    expect(street.satisfaction.visits).toBeGreaterThan(0);
    expect(street.reportIn.summoned).toBeGreaterThan(0);
    expect(street.reportIn.confirmed + street.reportIn.declined + street.reportIn.unanswered).toBe(
      street.reportIn.summoned,
    );
    expect(street.intake.byCategory.find((x: any) => x.category === 'neighbour').label).toBe('邻里纠纷');
    // Only the units of the area can be chosen.
    const codes = street.units.map((u: any) => u.code);
    expect(codes).toEqual(expect.arrayContaining(['wangjiaqiao-street', 'wangjiaqiao-community', 'xindi-community']));
    expect(codes).not.toContain('yufuci-community');
    expect(codes).not.toContain('jinshi');
    // The same cases, the same registrations and successes as the 人民调解工作统计.
    const ministry = expectStatus(
      await sys.app.inject({
        url: `/api/v1/statistics/mediation?${period}`,
        headers: await api.as('supervisor@wangjiaqiao-street'),
      }),
      200,
    );
    const total = ministry.rows.find((r: any[]) => r[0] === '合计');
    expect(total[ministry.heads.indexOf('登记纠纷（件）')]).toBe(street.intake.total);
    expect(total[ministry.heads.indexOf('调解成功（件）')]).toBe(street.success.succeeded);
  });

  it('refuse a mediator, and a supervisor asking for another area; an admin reads any unit', async () => {
    const mediator = await get(`?${period}`, 'mediator@wangjiaqiao-street');
    expect(mediator.statusCode).toBe(403);
    expect((await get(`?unit=yufuci-community&${period}`, 'supervisor@wangjiaqiao-street')).statusCode).toBe(403);
    expect((await get(`?unit=yufuci-community&${period}&format=csv`, 'supervisor@wangjiaqiao-street')).statusCode).toBe(
      403,
    );
    const yufuci = expectStatus(await get(`?unit=yufuci-community&${period}`, 'admin'), 200);
    expect(yufuci.intake.total).toBeGreaterThan(0);
    const county = expectStatus(await get(`?unit=jinshi&${period}`, 'admin'), 200);
    expect(county.intake.total).toBeGreaterThanOrEqual(street.intake.total);
    expect(county.units.map((u: any) => u.code)).toContain('yufuci-community');
    expect((await get(`?from=${to}&to=${from}`, 'admin')).statusCode).toBe(400);
  });

  it('export the same figures as CSV (UTF-8 with a BOM, a Chinese file name), table by table', async () => {
    const res = await get(`?${period}&format=csv`, 'supervisor@wangjiaqiao-street');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const disposition = String(res.headers['content-disposition']);
    expect(disposition).toContain(`filename="staff-statistics-wangjiaqiao-street-${from}-${to}.csv"`);
    expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(disposition)![1]!)).toMatch(
      /^汪家桥街道统计分析（\d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日）\.csv$/,
    );
    const rows = parseCsv(res.body);
    expect(rows[0]![0]).toMatch(/^汪家桥街道　按纠纷类型登记（/);
    const byCategory = section(rows, '纠纷类型');
    expect(byCategory.find((r) => r[0] === '合计')![1]).toBe(String(street.intake.total));
    expect(byCategory.find((r) => r[0] === '邻里纠纷')![1]).toBe(
      String(street.intake.byCategory.find((x: any) => x.category === 'neighbour').count),
    );
    expect(section(rows, '案件来源').find((r) => r[0] === '合计')![1]).toBe(String(street.intake.total));
    expect(section(rows, '月份').find((r) => r[0] === '合计')![1]).toBe(String(street.intake.total));
    const times = section(rows, '指标');
    expect(times[1]).toEqual([
      '调处用时（个工作日）',
      String(street.handling.count),
      String(street.handling.median),
      String(street.handling.within),
      pct(street.handling.share),
    ]);
    expect(section(rows, '调解成功（件）')[0]).toEqual([
      String(street.success.succeeded),
      String(street.success.failed),
      pct(street.success.rate),
      String(street.escalations.count),
      String(street.escalations.cases),
      String(street.escalations.active),
      pct(street.escalations.share),
    ]);
    expect(section(rows, '召开联合调解（次）')[0]![1]).toBe(String(street.reportIn.summoned));
    expect(section(rows, '回访评价（次）')[0]![0]).toBe(String(street.satisfaction.visits));
  });

  it('export a spreadsheet, a sheet per table, that LibreOffice opens with the same numbers', async () => {
    const res = await get(`?${period}&format=xlsx`, 'supervisor@wangjiaqiao-street');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(
      decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(String(res.headers['content-disposition']))![1]!),
    ).toMatch(/^汪家桥街道统计分析（.+）\.xlsx$/);
    expect(res.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const soffice = spawnSync('soffice', ['--version'], { encoding: 'utf8' });
    if (soffice.error && !process.env.CI) {
      console.warn('SKIPPED: soffice (LibreOffice) is not installed here, so the spreadsheet was not opened');
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'stats-xlsx-'));
    try {
      writeFileSync(path.join(dir, 'stats.xlsx'), res.rawPayload);
      // Every sheet to its own CSV (UTF-8: 76; the last token -1: all sheets), in a profile of its own.
      execFileSync(
        'soffice',
        [
          `-env:UserInstallation=file://${dir}/profile`,
          '--headless',
          '--convert-to',
          'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
          '--outdir',
          dir,
          path.join(dir, 'stats.xlsx'),
        ],
        { timeout: 120_000, stdio: 'pipe' },
      );
      const sheets = readdirSync(dir).filter((f) => f.endsWith('.csv'));
      expect(sheets.length).toBe(7);
      const sheet = (name: string) => {
        const file = sheets.find((f) => f.includes(name));
        if (!file) throw new Error(`no sheet ${name} among ${sheets.join(', ')}`);
        return parseCsv(readFileSync(path.join(dir, file), 'utf8'));
      };
      const byCategory = sheet('按纠纷类型登记');
      expect(byCategory[0]![0]).toMatch(/^汪家桥街道　按纠纷类型登记（.+至.+）$/);
      expect(byCategory[1]).toEqual(['纠纷类型', '登记纠纷（件）']);
      expect(byCategory.find((r) => r[0] === '合计')![1]).toBe(String(street.intake.total));
      const outcomes = sheet('调解成效和上报');
      expect(outcomes[2]!.slice(0, 3)).toEqual([
        String(street.success.succeeded),
        String(street.success.failed),
        pct(street.success.rate),
      ]);
      expect(sheet('联合调解报到')[2]![1]).toBe(String(street.reportIn.summoned));
      expect(sheet('受理和调处时效')[3]![1]).toBe(String(street.handling.count));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});

describe('the statistics page', () => {
  const signIn = async (username: string) => {
    const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
    expect(res.statusCode).toBe(303);
    return cookiesOf(res).join('; ');
  };

  it('shows a supervisor their area’s figures as SVG charts with tables behind them, without JavaScript', async () => {
    const cookie = await signIn('supervisor@wangjiaqiao-street');
    const res = await sys.app.inject({
      url: `/console/statistics?period=custom&${period}`,
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<h1>统计分析</h1>');
    expect((html.match(/<svg [^>]*role="img"/g) ?? []).length).toBe(5);
    expect(html).toContain('各类纠纷登记件数');
    expect(html).toContain('单位：件');
    expect(html).toContain('<caption>各类纠纷登记件数</caption>');
    expect(html).toMatch(/<caption[^>]*>受理和调处时效<\/caption>/);
    expect(html).toContain('<th scope="row">调处用时（个工作日）</th>');
    expect((html.match(/<details>/g) ?? []).length).toBe(5);
    // No script but the console's own file; nothing inline.
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="/console/static/console.js" defer>']);
    expect(html).not.toMatch(/\son[a-z]+="/);
    // The units offered are the area's; the figures are the API's.
    expect(html).toContain('<option value="xindi-community">');
    expect(html).not.toContain('value="yufuci-community"');
    const summary = /<dt>登记纠纷（件）<\/dt><dd data-dynamic>(\d+)<\/dd>/.exec(html);
    const street = expectStatus(await get(`?${period}`, 'supervisor@wangjiaqiao-street'), 200);
    expect(summary?.[1]).toBe(String(street.intake.total));
    expect(html).toMatch(/个工作日|小时/);
    // The exports are links the browser follows with its session.
    const csvHref = /href="(\/console\/statistics\/export\?[^"]*format&#x3D;csv)"/
      .exec(html)![1]!
      .replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=');
    const csv = await sys.app.inject({ url: csvHref, headers: { cookie } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toContain("filename*=UTF-8''");
    expect(section(parseCsv(csv.body), '纠纷类型').find((r) => r[0] === '合计')![1]).toBe(String(street.intake.total));
  });

  it('reads in English when the console is switched, and falls back to this month on a bad period', async () => {
    const cookie = await signIn('admin');
    const en = await sys.app.inject({ url: '/console/lang?to=en&next=/console/statistics', headers: { cookie } });
    const english = [cookie, ...cookiesOf(en)].join('; ');
    const res = await sys.app.inject({
      url: '/console/statistics?unit=yufuci-community&period=custom&from=2026-04-02&to=2026-04-01',
      headers: { cookie: english },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Statistics</h1>');
    expect(res.body).toContain('Cases registered by category');
    expect(res.body).toContain('The period is not valid');
    expect(res.body).toContain('<option value="yufuci-community" selected>');
  });

  it('refuses a mediator and a supervisor asking for another area, in Chinese', async () => {
    const mediator = await sys.app.inject({
      url: '/console/statistics',
      headers: { cookie: await signIn('mediator@wangjiaqiao-street') },
    });
    expect(mediator.statusCode).toBe(403);
    const other = await sys.app.inject({
      url: '/console/statistics?unit=yufuci-community',
      headers: { cookie: await signIn('supervisor@wangjiaqiao-street') },
    });
    expect(other.statusCode).toBe(403);
    expect(other.body).toContain('只能查阅本辖区的统计');
  });
});
