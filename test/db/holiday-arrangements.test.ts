/**
 * Holiday arrangements in PostgreSQL: the migrated table gives the same working days and deadlines
 * as chinese-days for every day of 2004–2026; revisions are kept and the table as it stood at an
 * earlier one can be read back; the activity computes deadlines from the table; the years due.
 */
import chineseDays from 'chinese-days/dist/chinese-days.json';
import { getDayDetail, isWorkday } from 'chinese-days';
import type { MikroORM } from '@mikro-orm/postgresql';
import { computeDeadline } from '../../activities/sla';
import {
  HolidayStore,
  arrangementsAsOf,
  enterArrangement,
  latestRevision,
  missingNationalYears,
  yearsDue,
} from '../../db/holidays';
import { initORM } from '../../db/orm';
import { addWorkingTime, isChineseWorkday, isWorkingInstant, WORKING_DAY_SECONDS } from '../../domain/calendar';
import { SEED_HOLIDAYS, buildHolidayTable } from '../../domain/holidays';

let orm: MikroORM;
// A grid: it holds no cases (its community does), so what this file enters moves no other file's deadlines.
const REGION = 'wangjiaqiao-g1';
const REGION_PATH_PREFIX = '/changde/';

beforeAll(async () => {
  orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 3 } });
});
afterAll(async () => {
  await orm.em.fork().execute('delete from holiday_arrangements where region_code = ?', [REGION]);
  await orm.close();
});

const DAY = 86_400_000;
const everyDay = function* (first: number, last: number) {
  for (let t = Date.UTC(first, 0, 1); t <= Date.UTC(last, 11, 31); t += DAY)
    yield new Date(t).toISOString().slice(0, 10);
};

describe('the migrated table', () => {
  it('holds the national years 2004–2026, entered by the seed with the notice as source', async () => {
    const rows = await orm.em
      .fork()
      .execute<{ year: number; entered_by: string; source_title: string }[]>(
        'select year, entered_by, source_title from holiday_arrangements where region_code is null and year <= 2026 order by year',
      );
    expect(rows.map((r) => r.year)).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    expect(rows.every((r) => r.entered_by === 'seed:chinese-days@1.5.7')).toBe(true);
    expect(rows[22]!.source_title).toBe('国务院办公厅关于2026年部分节假日安排的通知');
  });

  it('gives the same working days as chinese-days on every day of 2004–2026', async () => {
    const table = buildHolidayTable(await arrangementsAsOf(orm.em.fork()));
    const holidays = chineseDays.holidays as Record<string, string>;
    const workdays = chineseDays.workdays as Record<string, string>;
    // chinese-days' own functions are right only where the machine's zone is not west of UTC (see domain/calendar.ts).
    const publicApiUsable = new Date().getTimezoneOffset() <= 0;
    const mismatches: string[] = [];
    let days = 0;
    for (const date of everyDay(2004, 2026)) {
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      const expected = date in workdays ? true : date in holidays ? false : weekday >= 1 && weekday <= 5;
      const fromDb = isChineseWorkday(date, table);
      if (fromDb !== expected || (publicApiUsable && fromDb !== isWorkday(date))) mismatches.push(date);
      days += 1;
    }
    expect(days).toBe(8401);
    expect(mismatches).toEqual([]);
    if (publicApiUsable) expect(getDayDetail('2026-10-10').work).toBe(true);
  });

  it('gives the same deadlines as before on every day of 2004–2026', async () => {
    const table = buildHolidayTable(await arrangementsAsOf(orm.em.fork()));
    const mismatches: string[] = [];
    for (const date of everyDay(2004, 2026)) {
      const from = new Date(`${date}T10:00:00+08:00`);
      const before = addWorkingTime(from, WORKING_DAY_SECONDS, {
        kind: 'cn-workdays',
        holidays: SEED_HOLIDAYS,
      }).getTime();
      const now = addWorkingTime(from, WORKING_DAY_SECONDS, { kind: 'cn-workdays', holidays: table }).getTime();
      if (before !== now) mismatches.push(date);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('revisions', () => {
  it('keeps each revision; the table as of an earlier one reads back as it was', async () => {
    const em = orm.em.fork();
    const first = await enterArrangement(em, {
      region: REGION,
      year: 2026,
      days: [{ date: '2026-12-07', kind: 'off', name: '社区测试日' }],
      source: { title: '测试：地方节日安排（一）' },
      enteredBy: 'admin',
    });
    const second = await enterArrangement(em, {
      region: REGION,
      year: 2026,
      days: [{ date: '2026-12-08', kind: 'off', name: '社区测试日' }],
      source: { title: '测试：地方节日安排（二）' },
      enteredBy: 'admin',
    });
    expect(second.revision).toBeGreaterThan(first.revision);
    expect(second.previous).toBe(first.revision);
    expect(second.changed).toEqual(['2026-12-07', '2026-12-08']);
    expect(await latestRevision(em)).toBeGreaterThanOrEqual(second.revision);

    const [unit] = await em.execute<{ path: string }[]>('select path from units where code = ?', [REGION]);
    expect(unit!.path.startsWith(REGION_PATH_PREFIX)).toBe(true);
    const store = new HolidayStore();
    const then = await store.tableAt(em, first.revision, unit!.path);
    const now = await store.tableFor(em, unit!.path);
    expect([isChineseWorkday('2026-12-07', then), isChineseWorkday('2026-12-08', then)]).toEqual([false, true]);
    expect([isChineseWorkday('2026-12-07', now), isChineseWorkday('2026-12-08', now)]).toEqual([true, false]);
    expect(now.revision).toBe(second.revision);
    // Elsewhere, nothing changed.
    const elsewhere = await store.tableFor(em, '/changde/wuling/');
    expect(isChineseWorkday('2026-12-08', elsewhere)).toBe(true);
    // A deadline recorded without a revision was computed on the built-in seed.
    expect(await store.tableAt(em, undefined, unit!.path)).toBe(SEED_HOLIDAYS);
  });
});

describe('the deadline activity', () => {
  it('computes from the table of the unit holding the case, and records the revision', async () => {
    const em = orm.em.fork();
    await enterArrangement(em, {
      region: REGION,
      year: 2026,
      days: [{ date: '2026-12-09', kind: 'off', name: '社区测试日' }],
      source: { title: '测试：地方节日安排（三）' },
      enteredBy: 'admin',
    });
    const store = new HolidayStore();
    const from = '2026-12-08T17:00:00+08:00';
    const key = { category: 'neighbour', priority: 'normal', level: 'community' };
    const inRegion = await computeDeadline(
      orm.em.fork(),
      { holidays: store },
      { ...key, kind: 'accept', from: new Date(from).toISOString(), unitCode: REGION },
    );
    const outside = await computeDeadline(
      orm.em.fork(),
      { holidays: store },
      { ...key, kind: 'accept', from: new Date(from).toISOString(), unitCode: 'yufuci-community' },
    );
    // 8 December 17:00 + 1 working day: 9 December is the community's day off, so 10 December 17:00; elsewhere the 9th.
    expect(inRegion.dueAt).toBe(new Date('2026-12-10T17:00:00+08:00').toISOString());
    expect(outside.dueAt).toBe(new Date('2026-12-09T17:00:00+08:00').toISOString());
    expect(inRegion.calendarRevision).toBe(
      (
        await store.tableFor(
          orm.em.fork(),
          (await orm.em.fork().execute<{ path: string }[]>('select path from units where code = ?', [REGION]))[0]!.path,
        )
      ).revision,
    );
  });

  it.each(['accept', 'handling', 'report_in', 'signatures'] as const)(
    '%s: never due on a day off around 春节 2026',
    async (kind) => {
      const store = new HolidayStore();
      const key = { category: 'neighbour', priority: 'normal', level: 'community' };
      const wrong: string[] = [];
      for (
        let t = Date.parse('2026-02-12T08:00:00+08:00');
        t < Date.parse('2026-02-25T00:00:00+08:00');
        t += 5 * 3600_000 + 17 * 60_000
      ) {
        const d = await computeDeadline(
          orm.em.fork(),
          { holidays: store },
          { ...key, kind, from: new Date(t).toISOString(), unitCode: 'yufuci-community' },
        );
        for (const instant of [d.dueAt, d.warnAt])
          if (!isWorkingInstant(new Date(Date.parse(instant) - 1), { kind: 'cn-workdays' }))
            wrong.push(`${kind} from ${new Date(t).toISOString()}: ${instant}`);
      }
      expect(wrong).toEqual([]);
    },
  );
});

describe('the years due', () => {
  it('is this year, and from 1 October (Beijing) next year too', () => {
    expect(yearsDue(new Date('2026-09-30T15:59:59Z'))).toEqual([2026]); // 23:59:59 on 30 September in Beijing
    expect(yearsDue(new Date('2026-09-30T16:00:00Z'))).toEqual([2026, 2027]); // 00:00 on 1 October in Beijing
    expect(yearsDue(new Date('2027-01-01T00:00:00+08:00'))).toEqual([2027]);
  });

  it('names the missing national years', async () => {
    const em = orm.em.fork();
    expect(await missingNationalYears(em, new Date('2026-06-01T00:00:00+08:00'))).toEqual([]);
    // (Years no test enters: the end-to-end test enters the next one for a while.)
    expect(await missingNationalYears(em, new Date('2031-03-01T00:00:00+08:00'))).toEqual([2031]);
    expect(await missingNationalYears(em, new Date('2031-10-01T00:00:00+08:00'))).toEqual([2031, 2032]);
  });
});
