/**
 * Holiday arrangements (节假日安排) in the staff console, over HTTP (no browser), on the real system:
 * the administrator's page lists the years in force with their notices and warns of the years
 * missing; everyone else is refused; a regional arrangement is previewed (the changed day, the open
 * cases whose deadlines would move); an unsound one is refused with the reason in Chinese, keeping
 * what was typed; a regional one is entered and corrected, and its days and revisions are shown; a
 * deadline that runs into a year without an arrangement is marked 暂定 on the case page and in the
 * inbox; a missing-year alert leads to the calendars page, not to a case.
 *
 * Nothing national is entered (other test files share the database). The one region entered here
 * (five years ahead, where no deadline reaches) is deleted afterwards.
 */
import type { LightMyRequestResponse } from 'fastify';
import { beijingDateTime } from '../../domain/beijing-time';
import { apiOf } from '../helpers/api';
import { consoleLogin } from '../helpers/console';
import { taoliLiftNoise } from '../helpers/fixtures';
import { TEST_PASSWORD } from '../helpers/run-state';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

/**
 * Entered here and deleted afterwards, for a year far enough ahead that no deadline reaches it (so no
 * case moves); a unit no other test file enters arrangements for (they use the two grids).
 */
const ENTER_REGION = 'wuling';
const ENTER_REGION_NAME = '武陵区';
/** Previewed only (nothing written). */
const PREVIEW_REGION = 'wangjiaqiao-community';

const DAY = 86_400_000;
const beijingDate = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
/** As the console writes an instant: 2026年12月9日 09:30 (Beijing time). */
const beijingTime = (iso: string): string => beijingDateTime(iso);
/** The instant of what the console wrote, for comparing times (not strings). */
const instantOf = (text: string): number => {
  const m = /^(\d{4})年(\d{1,2})月(\d{1,2})日 (\d{2}):(\d{2})$/.exec(text);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]! - 8, +m[5]!) : NaN;
};
const weekdayOf = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();
const WEEKDAY_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const NOW_YEAR = Number(beijingDate(Date.now()).slice(0, 4));
const FAR_YEAR = NOW_YEAR + 5;

/** The first date of `year` from `from` on (YYYY-MM-DD) that falls on one of `weekdays`. */
function firstOn(year: number, weekdays: number[], from = `${year}-01-01`): string | undefined {
  for (let t = Date.parse(`${from}T00:00:00Z`); new Date(t).getUTCFullYear() === year; t += DAY) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (weekdays.includes(weekdayOf(date))) return date;
  }
  return undefined;
}

const cleanUp = () =>
  sys.orm.em.fork().getConnection().execute('delete from holiday_arrangements where region_code = ?', [ENTER_REGION]);

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  await cleanUp(); // a run that died half-way
});
afterAll(async () => {
  if (sys) await cleanUp();
  await sys?.close();
});

const cookieOf = (res: LightMyRequestResponse): string => {
  const set = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('fq_session='));
  if (!set) throw new Error(`no session cookie: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return set.split(';')[0]!;
};

async function loginAs(username: string): Promise<string> {
  const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
  expect(res.statusCode).toBe(303);
  return cookieOf(res);
}

const page = (cookie: string, url: string) => sys.app.inject({ url, headers: { cookie } });
const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const post = (cookie: string, url: string, fields: Record<string, string>) =>
  sys.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });

/** Text as the browser shows it (Handlebars escapes & < > " ' ` =). */
const unescape = (html: string): string =>
  html.replace(
    /&(quot|#x27|#x60|#x3D|lt|gt|amp);/g,
    (_m, e: string) => ({ quot: '"', '#x27': "'", '#x60': '`', '#x3D': '=', lt: '<', gt: '>', amp: '&' })[e]!,
  );
const textareaOf = (html: string, id: string): string | undefined => {
  const m = new RegExp(`<textarea id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  return m ? unescape(m[1]!) : undefined;
};
const inputValueOf = (html: string, id: string): string | undefined => {
  const m = new RegExp(`<input id="${id}"[^>]*value="([^"]*)"`).exec(html);
  return m ? unescape(m[1]!) : undefined;
};
const selectedOf = (html: string, id: string): string | undefined => {
  const select = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
  return /<option value="([^"]*)" selected>/.exec(select)?.[1];
};
/** The table row (or list item) holding `needle`. */
const rowWith = (html: string, needle: string): string => {
  const at = html.indexOf(needle);
  if (at < 0) return '';
  const start = html.lastIndexOf('<tr', at);
  const end = html.indexOf('</tr>', at);
  return start < 0 || end < 0 ? '' : html.slice(start, end);
};

describe('holiday arrangements in the console', () => {
  it('lists the years in force with their notices, and warns of each year due that is missing', async () => {
    const admin = await api.as('admin');
    const cookie = await loginAs('admin');
    const listing = expectStatus<{
      missing: number[];
      items: Array<{ year: number; region: string | null; sourceTitle: string; daysOff: number; makeUpDays: number }>;
    }>(await sys.app.inject({ url: '/api/v1/admin/calendars', headers: admin }), 200);
    const res = await page(cookie, '/console/calendars');
    expect(res.statusCode).toBe(200);
    const html = res.body;

    // The seeded year, with its notice and its counts, linked to its days.
    const y2026 = listing.items.find((r) => r.year === 2026 && r.region === null)!;
    expect(y2026.sourceTitle).toBe('国务院办公厅关于2026年部分节假日安排的通知');
    const row = rowWith(html, 'href="/console/calendars/2026"');
    expect(row).toContain('国务院办公厅关于2026年部分节假日安排的通知');
    expect(row).toContain('全国');
    expect(row).toContain(`<td class="wide">${y2026.daysOff}</td>`);
    expect(row).toContain(`<td class="wide">${y2026.makeUpDays}</td>`);
    expect(row).toContain('初始数据');

    // The years due and not entered: a warning each, and a row marked 未录入 (none when nothing is missing).
    for (const year of listing.missing) {
      expect(html).toContain(`${year}年节假日安排尚未录入，相关截止时间为暂定`);
      expect(html).toMatch(new RegExp(`<tr class="missing">\\s*<th scope="row">${year}</th>[\\s\\S]*?未录入`));
    }
    if (listing.missing.length === 0) expect(html).not.toContain('尚未录入');

    // Reached from the admin page and from the administrator's navigation.
    const adminPage = await page(cookie, '/console/admin');
    expect(adminPage.body).toMatch(/<nav class="toc"[^>]*>[\s\S]*?<a href="\/console\/calendars">节假日安排/);
    expect(adminPage.body).toMatch(/<li><a href="\/console\/calendars">节假日安排<\/a><\/li>/);

    // In English too.
    const en = await page(`${cookie}; fq_lang=en`, '/console/calendars');
    expect(en.body).toContain('<h1>Holiday arrangements</h1>');
    for (const year of listing.missing)
      expect(en.body).toContain(`The ${year} holiday arrangement has not been entered`);
  });

  it('keeps the calendars from everyone but administrators', async () => {
    const cookie = await loginAs('supervisor@wangjiaqiao-community');
    const list = await page(cookie, '/console/calendars');
    expect(list.statusCode).toBe(403);
    expect(list.body).toContain('仅限管理员');
    expect(list.body).not.toContain('国务院办公厅关于2026年部分节假日安排的通知');
    expect((await page(cookie, '/console/calendars/2026')).statusCode).toBe(403);
    const inbox = await page(cookie, '/console/inbox');
    expect(inbox.body).not.toContain('href="/console/calendars"');
    const sent = await post(cookie, '/console/calendars', {
      _csrf: csrfOf(inbox.body),
      op: 'enter',
      year: String(FAR_YEAR),
      region: ENTER_REGION,
      sourceTitle: '不应录入的通知',
      days: '[]',
    });
    expect(sent.statusCode).toBe(403);
    expect(
      (
        await sys.app.inject({
          url: `/api/v1/admin/calendars/${FAR_YEAR}?region=${ENTER_REGION}`,
          headers: await api.as('admin'),
        })
      ).statusCode,
    ).toBe(404);
  });

  it('previews a regional day off: the changed day, and the open case whose deadline would move, old and new due times', async () => {
    const created = await api.create({
      ...taoliLiftNoise(),
      gridCode: 'wangjiaqiao-g1',
      title: `节假日预览测试 ${Date.now()}`,
    });
    const { accept, caseNumber } = await eventually(
      async () => {
        const view = await api.get(created.id);
        return view.deadlines?.accept && view.caseNumber
          ? { accept: view.deadlines.accept as { dueAt: string }, caseNumber: view.caseNumber as string }
          : undefined;
      },
      20_000,
      'the accept deadline',
    );
    // A day off on the day the case is due moves it; if that is not this year (the last days of December), any weekday ahead.
    const dueDay = beijingDate(Date.parse(accept.dueAt));
    const movesCase = dueDay.startsWith(`${NOW_YEAR}-`);
    const tomorrow = beijingDate(Date.now() + DAY);
    const day = movesCase
      ? dueDay
      : (firstOn(NOW_YEAR, [1, 2, 3, 4, 5], tomorrow.startsWith(`${NOW_YEAR}-`) ? tomorrow : `${NOW_YEAR}-12-31`) ??
        `${NOW_YEAR}-12-31`);
    const typed = JSON.stringify([{ date: day, kind: 'off', name: '测试调休' }], null, 2);

    const cookie = await loginAs('admin');
    const csrf = csrfOf((await page(cookie, '/console/calendars')).body);
    const res = await post(cookie, '/console/calendars', {
      _csrf: csrf,
      op: 'preview',
      year: String(NOW_YEAR),
      region: PREVIEW_REGION,
      sourceTitle: '汪家桥社区临时调休安排（测试）',
      days: typed,
    });
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain(`预览：录入后的变化（尚未保存） · ${NOW_YEAR} · 汪家桥社区`);
    expect(html).toMatch(
      new RegExp(
        `<li><time datetime="${day}">${day}</time> ${WEEKDAY_ZH[weekdayOf(day)]} → <strong>放假</strong>（测试调休）</li>`,
      ),
    );
    if (movesCase) {
      const row = rowWith(html, `href="/console/cases/${created.id}"`);
      expect(row).toContain(`>${caseNumber}</a>`);
      expect(row).toContain('受理时限');
      expect(row).toContain(beijingTime(accept.dueAt));
      const to = /<strong>(\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2})<\/strong>/.exec(row)?.[1];
      expect(instantOf(to!)).toBeGreaterThan(Date.parse(accept.dueAt));
    }
    // Nothing was saved, and the form still holds what was typed, ready to be entered.
    expect(textareaOf(html, 'cal-days')).toBe(typed);
    expect(selectedOf(html, 'cal-region')).toBe(PREVIEW_REGION);
    expect(html).toContain('<button type="submit" name="op" value="enter" class="primary">录入</button>');
  });

  it('refuses a make-up working day on a weekday with the reason in Chinese, keeping what was typed', async () => {
    const cookie = await loginAs('admin');
    const csrf = csrfOf((await page(cookie, '/console/calendars')).body);
    const wednesday = firstOn(FAR_YEAR, [3], `${FAR_YEAR}-01-05`)!;
    const typed = `[\n  {"date": "${FAR_YEAR}-01-01", "kind": "off", "name": "元旦"},\n  {"date": "${wednesday}", "kind": "work", "name": "元旦"}\n]`;
    const title = `武陵区${FAR_YEAR}年调休安排（测试）`;
    const res = await post(cookie, '/console/calendars', {
      _csrf: csrf,
      op: 'enter',
      year: String(FAR_YEAR),
      region: ENTER_REGION,
      sourceTitle: title,
      note: '请核对',
      days: typed,
    });
    expect(res.statusCode).toBe(400);
    const html = res.body;
    expect(html).toContain('<strong>未能录入</strong>');
    expect(html).toContain(`第2项（${wednesday}）：${wednesday} 是星期三，本就是工作日，不是调休上班日`);
    expect(textareaOf(html, 'cal-days')).toBe(typed);
    expect(inputValueOf(html, 'cal-title')).toBe(title);
    expect(textareaOf(html, 'cal-note')).toBe('请核对');
    expect(selectedOf(html, 'cal-region')).toBe(ENTER_REGION);
    expect(
      (
        await sys.app.inject({
          url: `/api/v1/admin/calendars/${FAR_YEAR}?region=${ENTER_REGION}`,
          headers: await api.as('admin'),
        })
      ).statusCode,
    ).toBe(404);

    // JSON that does not parse is refused before the API, the text kept as well.
    const broken = '[{"date": "2031-01-01", "kind": "off",]';
    const bad = await post(cookie, '/console/calendars', {
      _csrf: csrf,
      op: 'preview',
      year: String(FAR_YEAR),
      region: ENTER_REGION,
      sourceTitle: title,
      days: broken,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<strong>未能预览</strong>');
    expect(bad.body).toContain('不是有效的 JSON');
    expect(textareaOf(bad.body, 'cal-days')).toBe(broken);
  });

  it('enters a regional arrangement and a correction: the revision, re-planning, the days with weekdays, and the history', async () => {
    const cookie = await loginAs('admin');
    const csrf = csrfOf((await page(cookie, '/console/calendars')).body);
    const monday = firstOn(FAR_YEAR, [1], `${FAR_YEAR}-03-01`)!;
    const saturday = firstOn(FAR_YEAR, [6], `${FAR_YEAR}-03-01`)!;
    const file = {
      year: FAR_YEAR,
      source: { title: `武陵区${FAR_YEAR}年调休安排（测试）`, date: `${FAR_YEAR - 1}-11-20` },
      days: [
        { date: monday, kind: 'off', name: '社区活动日' },
        { date: saturday, kind: 'work' },
      ],
    };
    // An imported file, pasted whole: its year and source fill what the form leaves empty.
    const entered = await post(cookie, '/console/calendars', {
      _csrf: csrf,
      op: 'enter',
      year: '',
      region: ENTER_REGION,
      sourceTitle: '',
      days: JSON.stringify(file),
    });
    expect(entered.statusCode).toBe(303);
    const location = String(entered.headers.location);
    expect(location).toMatch(
      new RegExp(`^/console/calendars/${FAR_YEAR}\\?region=${ENTER_REGION}&entered=\\d+&replan=(started|failed)$`),
    );
    const history = expectStatus<{ revisions: Array<{ revision: number }> }>(
      await sys.app.inject({
        url: `/api/v1/admin/calendars/${FAR_YEAR}?region=${ENTER_REGION}`,
        headers: await api.as('admin'),
      }),
      200,
    );
    const revision = history.revisions[0]!.revision;
    expect(location).toContain(`entered=${revision}&`);

    const detail = (await page(cookie, location)).body;
    expect(detail).toContain(`<h1>${FAR_YEAR}年节假日安排（${ENTER_REGION_NAME}）</h1>`);
    expect(detail).toContain(`已录入${FAR_YEAR}年${ENTER_REGION_NAME}节假日安排，修订号 ${revision}。`);
    expect(detail).toContain(location.endsWith('started') ? '已开始重新计算相关在办案件的期限' : '重新计算未能启动');
    expect(detail).toMatch(
      new RegExp(`<time datetime="${monday}">${monday}</time></th><td>星期一</td><td>放假</td><td>社区活动日</td>`),
    );
    expect(detail).toMatch(
      new RegExp(`<time datetime="${saturday}">${saturday}</time></th><td>星期六</td><td>调休上班</td><td></td>`),
    );
    expect(detail).toContain(`武陵区${FAR_YEAR}年调休安排（测试）`);

    // The list shows the region's year; "correct" starts the form from it.
    const list = unescape((await page(cookie, '/console/calendars')).body);
    const row = rowWith(list, `href="/console/calendars/${FAR_YEAR}?region=${ENTER_REGION}"`);
    expect(row).toContain(ENTER_REGION_NAME);
    expect(row).toContain('已录入');
    const form = (await page(cookie, `/console/calendars?year=${FAR_YEAR}&region=${ENTER_REGION}`)).body;
    const prefilled = textareaOf(form, 'cal-days')!;
    // As stored: in date order.
    expect(JSON.parse(prefilled)).toEqual([...file.days].sort((a, b) => a.date.localeCompare(b.date)));
    expect(inputValueOf(form, 'cal-title')).toBe(file.source.title);

    // The correction: the Saturday is no longer worked.
    const corrected = await post(cookie, '/console/calendars', {
      _csrf: csrf,
      op: 'enter',
      year: String(FAR_YEAR),
      region: ENTER_REGION,
      sourceTitle: file.source.title,
      note: '周六不再调休',
      days: JSON.stringify([{ date: monday, kind: 'off', name: '社区活动日' }]),
    });
    expect(corrected.statusCode).toBe(303);
    const after = (await page(cookie, String(corrected.headers.location))).body;
    expect(after).toContain(`修订号 ${revision}`);
    expect(after).toMatch(/修订号 \d+ <span class="tag current">现行<\/span>/);
    expect(after).toMatch(new RegExp(`与上一版不同的日期</dt><dd>${saturday}</dd>`));
    const inForce = /<table class="days">[\s\S]*?<\/table>/.exec(after)![0];
    expect(inForce).toContain(monday);
    expect(inForce).not.toContain(saturday);
    expect(
      rowWith(
        unescape((await page(cookie, '/console/calendars')).body),
        `href="/console/calendars/${FAR_YEAR}?region=${ENTER_REGION}"`,
      ),
    ).toContain('已更正（共2版）');
  });

  it('marks a deadline that runs into a year without an arrangement 暂定 on the case page and in the inbox; the missing-year alert leads to the calendars', async () => {
    const admin = await api.as('admin');
    const title = `节假日暂定测试 ${Date.now()}`;
    const created = await api.create({ ...taoliLiftNoise(), gridCode: 'wangjiaqiao-g1', title });
    // At the county the handling deadline is 22 working days: from December on, it runs into next year.
    await eventually(async () => (await api.get(created.id)).deadlines?.accept, 20_000, 'the accept deadline');
    await api.act(created.id, 'reassign', { reason: '县级统一调处', unitCode: 'jinshi' }, admin);
    const view = await api.act(created.id, 'accept', { note: '受理' }, admin);
    const handling = view.deadlines.handling as { dueAt: string; provisionalYears?: number[] };
    const years = handling.provisionalYears ?? [];

    const cookie = await loginAs('admin');
    const casePage = (await page(cookie, `/console/cases/${created.id}`)).body;
    const inbox = (await page(cookie, `/console/inbox?q=${encodeURIComponent(title)}`)).body;
    const dueRow = rowWith(casePage, '<th scope="row">办理时限</th>');
    expect(dueRow).toContain(beijingTime(handling.dueAt));
    if (years.length) {
      const tip = `${years.join('、')}年节假日安排尚未录入，此时间按周一至周五推算`;
      expect(dueRow).toContain(`<span class="tag provisional" title="${tip}">暂定`);
      expect(inbox).toContain(`<span class="tag provisional" title="${tip}">暂定`);
      const en = (await page(`${cookie}; fq_lang=en`, `/console/cases/${created.id}`)).body;
      expect(en).toContain(
        `title="The ${years.join(', ')} holiday arrangement has not been entered: this time counts Monday to Friday as working days">provisional`,
      );
    } else {
      expect(dueRow).not.toContain('tag provisional');
      expect(inbox).not.toContain('tag provisional');
    }

    // A missing-year alert is about the calendar: it leads to the calendars page, never to a "case" of that id.
    const alerts = expectStatus<{ items: Array<{ id: string; kind: string; disputeId: string }> }>(
      // By kind: the run's shared database holds more than a page of other alerts.
      await sys.app.inject({ url: '/api/v1/alerts?unacked=true&kind=holiday_data_missing&limit=200', headers: admin }),
      200,
    ).items.filter((a) => a.kind === 'holiday_data_missing');
    if (years.length) expect(alerts.length).toBeGreaterThan(0);
    const board = (await page(cookie, '/console/alerts')).body;
    expect(board).not.toContain('/console/cases/holiday-calendar-');
    for (const a of alerts) {
      const row = rowWith(board, `data-alert="${a.id}"`);
      expect(row).toContain('<strong>节假日安排缺失</strong>');
      expect(row).toContain('<a href="/console/calendars">节假日安排</a>');
    }
  });
});
