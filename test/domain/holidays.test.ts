/**
 * Holiday arrangements, pure: the table a unit gets (national, then its regions), the checks on an
 * arrangement as entered, re-planning a deadline for a changed table, and that no deadline of any
 * kind or policy falls on a day off around 元旦, 春节 and 国庆 with their make-up Saturdays.
 */
import {
  addWorkingTime,
  isChineseWorkday,
  isWorkingInstant,
  WORKING_DAY_SECONDS,
  type CalendarSpec,
} from '../../domain/calendar';
import {
  SEED_HOLIDAYS,
  SEED_YEARS,
  buildHolidayTable,
  changedDates,
  checkArrangement,
  seedArrangements,
  type Arrangement,
} from '../../domain/holidays';
import { deadlineAfter, replanDeadline, resumeDeadline } from '../../domain/sla';
import type { DeadlineKind } from '../../domain/types';

const bj = (s: string) => new Date(`${s}+08:00`);
const seed = seedArrangements();
const cn = (holidays = SEED_HOLIDAYS): CalendarSpec => ({ kind: 'cn-workdays', holidays });

describe('the table a unit gets', () => {
  const regional: Arrangement = {
    region: 'wangjiaqiao-street',
    regionPath: '/changde/jinshi/wangjiaqiao-street/',
    year: 2026,
    revision: 30,
    days: [
      { date: '2026-12-07', kind: 'off', name: '地方节日' },
      { date: '2026-12-12', kind: 'work', name: '地方节日' },
    ],
  };
  const all = [...seed, regional];

  it('applies a region’s days to its subtree only, on top of the national ones', () => {
    const inside = buildHolidayTable(all, '/changde/jinshi/wangjiaqiao-street/wangjiaqiao-community/');
    const outside = buildHolidayTable(all, '/changde/wuling/yufuci-street/');
    const national = buildHolidayTable(all);
    expect(isChineseWorkday('2026-12-07', inside)).toBe(false); // Monday, the region's day off
    expect(isChineseWorkday('2026-12-12', inside)).toBe(true); // Saturday, the region's make-up day
    expect(isChineseWorkday('2026-12-07', outside)).toBe(true);
    expect(isChineseWorkday('2026-12-12', outside)).toBe(false);
    expect(isChineseWorkday('2026-12-07', national)).toBe(true);
    // National days stay: 1 October is off inside the region too.
    expect(isChineseWorkday('2026-10-01', inside)).toBe(false);
    // The table records the newest revision it was built from; a region does not make a year "covered".
    expect(inside.revision).toBe(30);
    expect(outside.revision).toBe(0);
    expect([...inside.years].sort()).toEqual([...national.years].sort());
  });

  it('matches a sibling’s prefix only at a path boundary', () => {
    const table = buildHolidayTable(all, '/changde/jinshi/wangjiaqiao-street-2/');
    expect(isChineseWorkday('2026-12-07', table)).toBe(true);
  });

  it('seeds 2004–2026 from chinese-days', () => {
    expect(SEED_YEARS).toEqual({ first: 2004, last: 2026 });
    expect(seed.map((a) => a.year)).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    const y2026 = seed.find((a) => a.year === 2026)!;
    expect(y2026.days.filter((d) => d.kind === 'work').map((d) => d.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(y2026.days.find((d) => d.date === '2026-02-17')).toEqual({ date: '2026-02-17', kind: 'off', name: '春节' });
  });
});

describe('checking an arrangement as entered', () => {
  it('accepts the seed’s years', () => {
    for (const a of seed) expect(checkArrangement(a.year, a.days)).toEqual([]);
  });

  it('names each problem, in Chinese first', () => {
    const problems = checkArrangement(2027, [
      { date: '2027-01-01', kind: 'off' },
      { date: '2027-02-30', kind: 'off' },
      { date: '2026-12-31', kind: 'off' },
      { date: '2027-01-01', kind: 'off' },
      { date: '2027-01-04', kind: 'work' }, // a Monday
    ]);
    expect(problems.map((p) => p.at)).toEqual(['days[1].date', 'days[2].date', 'days[3].date', 'days[4].kind']);
    expect(problems[0]!.message).toMatch(/^“2027-02-30”不是有效日期/);
    expect(problems[1]!.message).toMatch(/^2026-12-31 不属于 2027 年/);
    expect(problems[2]!.message).toMatch(/重复/);
    expect(problems[3]!.message).toMatch(/^2027-01-04 是星期一，本就是工作日/);
  });

  it('refuses a year out of range and too many days', () => {
    expect(checkArrangement(1989, [])[0]!.at).toBe('year');
    const many = Array.from({ length: 121 }, (_, i) => ({
      date: new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10),
      kind: 'off' as const,
    }));
    expect(checkArrangement(2027, many).map((p) => p.at)).toContain('days');
  });

  it('lists the dates a new revision changes', () => {
    expect(
      changedDates(
        [
          { date: '2027-01-01', kind: 'off' },
          { date: '2027-02-06', kind: 'work' },
        ],
        [
          { date: '2027-01-01', kind: 'off', name: '元旦' },
          { date: '2027-02-06', kind: 'off' },
          { date: '2027-02-07', kind: 'off' },
        ],
      ),
    ).toEqual(['2027-02-06', '2027-02-07']);
  });
});

describe('a deadline records the data it was computed with', () => {
  it('is provisional for a year without a national arrangement, and says which', () => {
    const d = deadlineAfter('accept', bj('2026-12-31T16:00:00'), WORKING_DAY_SECONDS, {
      warningShare: 0.8,
      autoEscalate: true,
      calendar: cn(),
    });
    expect(d.provisionalYears).toEqual([2027]);
    expect(d.calendarRevision).toBe(0);
    expect(d.dueAt).toBe(bj('2027-01-01T16:00:00').toISOString()); // New Year's Day counted as a weekday
    const inYear = deadlineAfter('accept', bj('2026-12-30T09:00:00'), WORKING_DAY_SECONDS, {
      warningShare: 0.8,
      autoEscalate: true,
      calendar: cn(),
    });
    expect(inYear.provisionalYears).toBeUndefined();
  });

  it('records nothing of holidays on the wall clock', () => {
    const d = deadlineAfter('accept', bj('2026-12-31T16:00:00'), 86_400 * 3, {
      warningShare: 0.5,
      autoEscalate: false,
      calendar: { kind: 'wall-clock' },
    });
    expect(d.provisionalYears).toBeUndefined();
    expect(d.calendarRevision).toBeUndefined();
  });

  it('warns at the share of working time, not of the wall clock', () => {
    // Friday 2026-09-25 is 中秋 (off), then the weekend; 4 working days from Thursday 16:00.
    const from = bj('2026-09-24T16:00:00');
    const seconds = 4 * WORKING_DAY_SECONDS;
    const d = deadlineAfter('handling', from, seconds, { warningShare: 0.5, autoEscalate: false, calendar: cn() });
    expect(d.warnAt).toBe(addWorkingTime(from, seconds / 2, cn()).toISOString());
    const wallHalf = new Date((from.getTime() + Date.parse(d.dueAt)) / 2);
    expect(d.warnAt).not.toBe(wallHalf.toISOString());
  });
});

describe('re-planning a deadline for a changed table', () => {
  const with2027 = buildHolidayTable([
    ...seed,
    { region: null, year: 2027, revision: 24, days: [{ date: '2027-01-01', kind: 'off', name: '元旦' }] },
  ]);
  const reported = bj('2026-12-31T16:00:00');
  const provisional = deadlineAfter('accept', reported, WORKING_DAY_SECONDS, {
    warningShare: 0.8,
    autoEscalate: true,
    calendar: cn(),
  });

  it('keeps the working time left and counts it on the new table', () => {
    const at = bj('2026-12-31T17:00:00');
    const moved = replanDeadline(provisional, at, SEED_HOLIDAYS, with2027);
    expect(moved.dueAt).toBe(bj('2027-01-04T16:00:00').toISOString());
    expect(moved.provisionalYears).toBeUndefined();
    expect(moved.calendarRevision).toBe(24);
    // Its warning was still ahead: re-planned too, and never on the day off.
    expect(isWorkingInstant(new Date(moved.warnAt), cn(with2027))).toBe(true);
    expect(moved.warnAt).toBe(
      addWorkingTime(reported, Math.round(WORKING_DAY_SECONDS * 0.8), cn(with2027)).toISOString(),
    );
  });

  it('returns the very deadline when nothing in its span changed', () => {
    const d = deadlineAfter('accept', bj('2026-12-01T09:00:00'), WORKING_DAY_SECONDS, {
      warningShare: 0.8,
      autoEscalate: true,
      calendar: cn(),
    });
    const again = replanDeadline({ ...d, calendarRevision: 24 }, bj('2026-12-01T10:00:00'), with2027, with2027);
    expect(replanDeadline(d, bj('2026-12-01T10:00:00'), SEED_HOLIDAYS, SEED_HOLIDAYS)).toBe(d);
    expect(again.dueAt).toBe(d.dueAt);
  });

  it('leaves a given warning, a breached deadline and the wall clock alone', () => {
    const warned = { ...provisional, warned: true };
    expect(replanDeadline(warned, bj('2026-12-31T17:00:00'), SEED_HOLIDAYS, with2027).warnAt).toBe(provisional.warnAt);
    const breached = { ...provisional, breached: true };
    expect(replanDeadline(breached, bj('2026-12-31T17:00:00'), SEED_HOLIDAYS, with2027)).toBe(breached);
    const wall = { ...provisional, calendar: 'wall-clock' as const };
    expect(replanDeadline(wall, bj('2026-12-31T17:00:00'), SEED_HOLIDAYS, with2027)).toBe(wall);
  });

  it('counts a suspended clock from where it stopped, and resumes on the new table', () => {
    const handling = deadlineAfter('handling', bj('2026-12-28T09:00:00'), 5 * WORKING_DAY_SECONDS, {
      warningShare: 0.8,
      autoEscalate: false,
      calendar: cn(),
    });
    const paused = { ...handling, pausedAt: bj('2026-12-29T09:00:00').toISOString() };
    const moved = replanDeadline(paused, bj('2026-12-30T09:00:00'), SEED_HOLIDAYS, with2027);
    // Four working days were left at the pause; 1 January is now off, so it ends a day later.
    expect(moved.dueAt).toBe(bj('2027-01-05T09:00:00').toISOString());
    expect(moved.pausedAt).toBe(paused.pausedAt);
    const resumed = resumeDeadline(moved, bj('2026-12-30T09:00:00'), undefined, with2027);
    expect(resumed.dueAt).toBe(bj('2027-01-06T09:00:00').toISOString());
  });
});

describe('no deadline falls on a day off, whatever the policy', () => {
  // Around 元旦 2026 (1–3 January, make-up Sunday 4 January), 春节 2026 (15–23 February, make-up
  // Saturdays 14 and 28 February) and 国庆 2026 (1–7 October, make-up Sunday 20 September and Saturday 10 October).
  const windows: Array<[string, string]> = [
    ['2025-12-29T00:00:00', '2026-01-06T00:00:00'],
    ['2026-02-12T00:00:00', '2026-03-02T00:00:00'],
    ['2026-09-18T00:00:00', '2026-10-12T00:00:00'],
  ];
  const kinds: DeadlineKind[] = ['accept', 'handling', 'report_in', 'signatures'];
  // From one second to ten working days, a warning at 5 % to 99 %.
  const policies = [
    1,
    60,
    3600,
    4 * 3600,
    WORKING_DAY_SECONDS,
    WORKING_DAY_SECONDS + 1,
    3 * WORKING_DAY_SECONDS,
    10 * WORKING_DAY_SECONDS,
  ];
  const shares = [0.05, 0.5, 0.8, 0.99];
  const offDays = new Set(seed.flatMap((a) => a.days.filter((d) => d.kind === 'off').map((d) => d.date)));
  const beijingDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
  const beijingWeekday = (ms: number) => new Date(ms + 8 * 3600_000).getUTCDay();

  it.each(kinds)('%s: due and warning instants are on working days, inside office hours', (kind) => {
    let checked = 0;
    const wrong: string[] = [];
    for (const [a, b] of windows) {
      for (let t = bj(a).getTime(); t < bj(b).getTime(); t += 97 * 60_000) {
        for (const seconds of policies) {
          for (const share of shares) {
            const d = deadlineAfter(kind, new Date(t), seconds, {
              warningShare: share,
              autoEscalate: false,
              calendar: cn(),
            });
            for (const instant of [Date.parse(d.dueAt), Date.parse(d.warnAt)]) {
              // Inside a working period, or at its very end (12:00:00 or 17:30:00): the last working millisecond is.
              const last = instant - 1;
              const date = beijingDate(last);
              const weekend = beijingWeekday(last) === 0 || beijingWeekday(last) === 6;
              if (
                !isWorkingInstant(new Date(last), cn()) ||
                offDays.has(date) ||
                (weekend && !isChineseWorkday(date))
              ) {
                wrong.push(
                  `${new Date(t).toISOString()} +${seconds}s share ${share}: ${new Date(instant).toISOString()}`,
                );
              }
              checked += 1;
            }
          }
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(10_000);
  });

  it('counts the make-up Saturdays as working days', () => {
    const opts = { warningShare: 0.8, autoEscalate: true, calendar: cn() };
    // Friday 13 February 17:00 + 1 working day: Saturday 14 February (make-up), 17:00.
    expect(deadlineAfter('accept', bj('2026-02-13T17:00:00'), WORKING_DAY_SECONDS, opts).dueAt).toBe(
      bj('2026-02-14T17:00:00').toISOString(),
    );
    // Saturday 14 February 17:00 + 1 working day: past the nine days off, Tuesday 24 February 17:00.
    expect(deadlineAfter('accept', bj('2026-02-14T17:00:00'), WORKING_DAY_SECONDS, opts).dueAt).toBe(
      bj('2026-02-24T17:00:00').toISOString(),
    );
    // Friday 9 October 17:00 + 1 working day: Saturday 10 October (make-up), 17:00.
    expect(deadlineAfter('report_in', bj('2026-10-09T17:00:00'), WORKING_DAY_SECONDS, opts).dueAt).toBe(
      bj('2026-10-10T17:00:00').toISOString(),
    );
    // Wednesday 31 December 2025 16:00 + 1 working day: 元旦 1–3 January, then Sunday 4 January (make-up), 16:00.
    expect(deadlineAfter('signatures', bj('2025-12-31T16:00:00'), WORKING_DAY_SECONDS, opts).dueAt).toBe(
      bj('2026-01-04T16:00:00').toISOString(),
    );
  });
});
