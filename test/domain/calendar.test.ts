import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { getDayDetail, isWorkday } from 'chinese-days';
import {
  DEFAULT_OFFICE_HOURS,
  HOLIDAY_DATA_YEARS,
  WORKING_DAY_SECONDS,
  addWorkingTime,
  extendForSuspension,
  isChineseWorkday,
  isWorkingInstant,
  parseOfficeHours,
  workingDaySeconds,
  workingSecondsBetween,
  type CalendarSpec,
  type OfficePeriod,
} from '../../domain/calendar';

const CN: CalendarSpec = { kind: 'cn-workdays' };
const WALL: CalendarSpec = { kind: 'wall-clock' };
const DAY = WORKING_DAY_SECONDS;
const HOUR = 3600;

const at = (iso: string): Date => new Date(iso);
/** An instant as Beijing wall time, e.g. 2026-02-24T16:00:00.000+08:00, so failures read naturally. */
const beijing = (d: Date): string => new Date(d.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
const ms = (d: Date, delta: number): Date => new Date(d.getTime() + delta);

// chinese-days' own functions build their tables in the machine's local time zone and are off
// by a day west of UTC (see domain/calendar.ts), so we only compare against them where they work.
const publicApiUsable = new Date(2026, 0, 1).getTimezoneOffset() <= 0;

describe('2026 holiday data from chinese-days', () => {
  // What chinese-days 1.5.7 says for 2026 (its source: https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm):
  //   春节 Spring Festival: off Sun 15 Feb – Mon 23 Feb (9 days); make-up workdays Sat 14 Feb, Sat 28 Feb.
  //   清明 Qingming: off Sat 4 Apr – Mon 6 Apr; no make-up day.
  //   中秋 Mid-Autumn: off Fri 25 Sep – Sun 27 Sep; no make-up day.
  //   国庆 National Day: off Thu 1 Oct – Wed 7 Oct; make-up workdays Sun 20 Sep, Sat 10 Oct.
  it.each([
    ['2026-02-13', true], // Fri, last ordinary day before the Spring Festival
    ['2026-02-14', true], // Sat, make-up workday
    ['2026-02-15', false],
    ['2026-02-20', false],
    ['2026-02-23', false], // Mon, still the Spring Festival
    ['2026-02-24', true], // Tue, first day back
    ['2026-02-28', true], // Sat, make-up workday
    ['2026-03-01', false], // Sun
    ['2026-04-06', false], // Mon, Qingming
    ['2026-09-19', false], // Sat, ordinary weekend
    ['2026-09-20', true], // Sun, make-up workday for National Day
    ['2026-09-25', false], // Fri, Mid-Autumn
    ['2026-09-30', true], // Wed
    ['2026-10-01', false],
    ['2026-10-07', false], // Wed, last day of National Day
    ['2026-10-08', true], // Thu
    ['2026-10-10', true], // Sat, make-up workday
    ['2026-10-11', false], // Sun
  ])('%s is a working day: %s', (date, working) => {
    expect(isChineseWorkday(date)).toBe(working);
    if (publicApiUsable) expect(getDayDetail(date).work).toBe(working);
  });

  (publicApiUsable ? it : it.skip)('agrees with chinese-days isWorkday() on every day it has data for', () => {
    const mismatches: string[] = [];
    for (
      let t = Date.UTC(HOLIDAY_DATA_YEARS.first, 0, 1);
      t <= Date.UTC(HOLIDAY_DATA_YEARS.last, 11, 31);
      t += 86_400_000
    ) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (isChineseWorkday(date) !== isWorkday(date)) mismatches.push(date);
    }
    expect(mismatches).toEqual([]);
  });

  it('covers 2004–2026 only; later years fall back to Monday–Friday', () => {
    expect(HOLIDAY_DATA_YEARS).toEqual({ first: 2004, last: 2026 });
    // When chinese-days is upgraded with the 2027 arrangement this starts failing: New Year's Day
    // will then (rightly) be a holiday. Update the expectations with the new data.
    expect(isChineseWorkday('2027-01-01')).toBe(true); // Fri, New Year's Day, but no data yet
    expect(isChineseWorkday('2027-01-02')).toBe(false); // Sat
  });

  it('refuses malformed dates', () => {
    expect(() => isChineseWorkday('2026-2-14')).toThrow(RangeError);
    expect(() => isChineseWorkday('2026-02-30')).toThrow(RangeError);
  });
});

/** Starts and durations whose results depend on weekdays, make-up days and holidays. */
const TZ_PROBE: [string, number][] = [
  ['2026-03-06T16:00:00+08:00', DAY],
  ['2026-02-14T16:00:00+08:00', DAY],
  ['2026-09-18T16:00:00+08:00', DAY],
  ['2026-09-30T15:00:00+08:00', 3 * DAY],
];

describe('addWorkingTime on the cn-workdays calendar, by hand', () => {
  it.each([
    // An ordinary week: Mon 2 Mar – Fri 6 Mar 2026, no holidays.
    ['1 working day from Friday 16:00 is Monday 16:00', '2026-03-06T16:00:00+08:00', DAY, '2026-03-09T16:00:00+08:00'],
    ['at lunch the clock starts at 14:30', '2026-03-04T12:30:00+08:00', HOUR, '2026-03-04T15:30:00+08:00'],
    [
      'zero seconds leaves even an off-hours instant alone',
      '2026-03-04T12:30:00+08:00',
      0,
      '2026-03-04T12:30:00+08:00',
    ],
    [
      'running out at the end of the morning gives 12:00, not 14:30',
      '2026-03-04T08:30:00+08:00',
      3.5 * HOUR,
      '2026-03-04T12:00:00+08:00',
    ],
    ['one second after 12:00 is 14:30:01', '2026-03-04T12:00:00+08:00', 1, '2026-03-04T14:30:01+08:00'],
    ['at night the clock starts at 08:30 next morning', '2026-03-03T22:00:00+08:00', 60, '2026-03-04T08:31:00+08:00'],
    [
      'a whole day from before opening ends at closing time',
      '2026-03-04T07:00:00+08:00',
      DAY,
      '2026-03-04T17:30:00+08:00',
    ],
    ['one second after closing is 08:30:01 next day', '2026-03-04T17:30:00+08:00', 1, '2026-03-05T08:30:01+08:00'],
    ['an ordinary Saturday does not count', '2026-03-07T10:00:00+08:00', HOUR, '2026-03-09T09:30:00+08:00'],
    [
      'milliseconds carry over the lunch break',
      '2026-03-04T09:00:00.123+08:00',
      3 * HOUR,
      '2026-03-04T14:30:00.123+08:00',
    ],
    // 30 working days from Mon 2 Mar: 22 in March, Wed 1 – Fri 3 Apr (25), Qingming Sat 4 – Mon 6 Apr
    // off, Tue 7 – Fri 10 Apr (29), Mon 13 Apr is the 30th.
    ['30 working days across Qingming', '2026-03-02T08:30:00+08:00', 30 * DAY, '2026-04-13T17:30:00+08:00'],

    // Spring Festival 2026: off Sun 15 – Mon 23 Feb, make-up workdays Sat 14 and Sat 28 Feb.
    ['the make-up Saturday 14 Feb counts', '2026-02-13T16:00:00+08:00', DAY, '2026-02-14T16:00:00+08:00'],
    [
      'received on the make-up Saturday, due the first day back',
      '2026-02-14T16:00:00+08:00',
      DAY,
      '2026-02-24T16:00:00+08:00',
    ],
    [
      'received after closing before the holiday, due at closing on the first day back',
      '2026-02-14T17:45:00+08:00',
      DAY,
      '2026-02-24T17:30:00+08:00',
    ],
    [
      'received during the holiday, the clock starts on Tue 24 Feb',
      '2026-02-18T10:00:00+08:00',
      HOUR,
      '2026-02-24T09:30:00+08:00',
    ],
    ['the make-up Saturday 28 Feb counts', '2026-02-27T16:00:00+08:00', DAY, '2026-02-28T16:00:00+08:00'],
    ['after the make-up Saturday, Sunday does not', '2026-02-28T16:00:00+08:00', DAY, '2026-03-02T16:00:00+08:00'],
    [
      'an ordinary Saturday before the holiday does not count',
      '2026-02-07T10:00:00+08:00',
      HOUR,
      '2026-02-09T09:30:00+08:00',
    ],

    // Mid-Autumn (Fri 25 – Sun 27 Sep) and National Day (Thu 1 – Wed 7 Oct), make-up Sun 20 Sep, Sat 10 Oct.
    [
      'the make-up Sunday 20 Sep counts, Saturday 19 does not',
      '2026-09-18T16:00:00+08:00',
      DAY,
      '2026-09-20T16:00:00+08:00',
    ],
    ['Mid-Autumn Friday is off', '2026-09-24T16:00:00+08:00', DAY, '2026-09-28T16:00:00+08:00'],
    // Wed 30 Sep 15:00–17:30 is 2.5 h; then Thu 8 Oct 6.5 h, Fri 9 Oct 6.5 h, and 4 h of Sat 10 Oct.
    [
      '3 working days from 30 Sep afternoon end on the make-up Saturday',
      '2026-09-30T15:00:00+08:00',
      3 * DAY,
      '2026-10-10T15:00:00+08:00',
    ],
    [
      '2 working days from 30 Sep afternoon end on Friday 9 Oct',
      '2026-09-30T15:00:00+08:00',
      2 * DAY,
      '2026-10-09T15:00:00+08:00',
    ],
    [
      '4 working days from 30 Sep afternoon skip Sunday 11 Oct',
      '2026-09-30T15:00:00+08:00',
      4 * DAY,
      '2026-10-12T15:00:00+08:00',
    ],
  ])('%s', (_what, from, seconds, due) => {
    expect(beijing(addWorkingTime(at(from), seconds, CN))).toBe(beijing(at(due)));
  });

  it('returns a copy of `from`, equal to it, for zero seconds', () => {
    const from = at('2026-03-04T10:00:00.5+08:00');
    expect(addWorkingTime(from, 0, CN).getTime()).toBe(from.getTime());
  });

  it('is fast: whole days are skipped', () => {
    const from = at('2026-01-05T10:17:03.250+08:00');
    const started = Date.now();
    for (let i = 0; i < 1000; i++) {
      addWorkingTime(from, 1_000_000, CN);
      addWorkingTime(from, 30 * DAY, CN);
    }
    expect(Date.now() - started).toBeLessThan(1000);
    // 1,000,000 s = 42 days and 17,200 s; checked against the inverse rather than by hand.
    expect(workingSecondsBetween(from, addWorkingTime(from, 1_000_000, CN), CN)).toBe(1_000_000);
  });

  it('does not depend on the machine time zone', () => {
    // Jest gives each test file its own copy of process.env, so TZ can only be switched in a
    // separate Node process. There, each time zone in turn must give the same answers as here.
    const script = `
      const c = require('./domain/calendar');
      const CN = { kind: 'cn-workdays' };
      const results = {};
      for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Shanghai']) {
        process.env.TZ = tz; // a real process applies this at once
        results[tz] = [
          new Date(2026, 0, 1).getTimezoneOffset(),
          ${JSON.stringify(TZ_PROBE)}.map(([from, seconds]) => c.addWorkingTime(new Date(from), seconds, CN).toISOString()),
          c.workingSecondsBetween(new Date('2026-03-01T00:00:00+08:00'), new Date('2026-03-15T00:00:00+08:00'), CN),
          c.isWorkingInstant(new Date('2026-02-23T09:00:00+08:00'), CN),
        ];
      }
      console.log(JSON.stringify(results));`;
    const output = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' },
      encoding: 'utf8',
    });
    const here = [
      TZ_PROBE.map(([from, seconds]) => addWorkingTime(at(from), seconds, CN).toISOString()),
      workingSecondsBetween(at('2026-03-01T00:00:00+08:00'), at('2026-03-15T00:00:00+08:00'), CN),
      isWorkingInstant(at('2026-02-23T09:00:00+08:00'), CN),
    ];
    expect(JSON.parse(output)).toEqual({
      'America/Los_Angeles': [480, ...here],
      'Pacific/Kiritimati': [-840, ...here],
      'Asia/Shanghai': [-480, ...here],
    });
  });
});

describe('the other functions, by hand', () => {
  it('counts working seconds between instants', () => {
    // Spring Festival: only Fri 13, Sat 14 and Tue 24 Feb are worked between these.
    expect(workingSecondsBetween(at('2026-02-13T08:30:00+08:00'), at('2026-02-25T08:30:00+08:00'), CN)).toBe(3 * DAY);
    // National Day: Wed 30 Sep, Thu 8, Fri 9, Sat 10 Oct.
    expect(workingSecondsBetween(at('2026-09-30T00:00:00+08:00'), at('2026-10-12T00:00:00+08:00'), CN)).toBe(4 * DAY);
    expect(workingSecondsBetween(at('2026-03-04T11:00:00+08:00'), at('2026-03-04T15:00:00+08:00'), CN)).toBe(
      1.5 * HOUR,
    );
    expect(workingSecondsBetween(at('2026-03-04T15:00:00+08:00'), at('2026-03-04T11:00:00+08:00'), CN)).toBe(0);
    // Milliseconds are kept, not rounded.
    expect(workingSecondsBetween(at('2026-03-04T11:00:00.250+08:00'), at('2026-03-04T11:00:01.750+08:00'), CN)).toBe(
      1.5,
    );
  });

  it.each([
    ['2026-03-04T08:30:00+08:00', true], // start inclusive
    ['2026-03-04T08:29:59.999+08:00', false],
    ['2026-03-04T11:59:59.999+08:00', true],
    ['2026-03-04T12:00:00+08:00', false], // end exclusive
    ['2026-03-04T14:30:00+08:00', true],
    ['2026-03-04T17:30:00+08:00', false],
    ['2026-10-05T09:00:00+08:00', false], // National Day
    ['2026-10-10T09:00:00+08:00', true], // make-up Saturday
    ['2026-03-07T09:00:00+08:00', false], // ordinary Saturday
    ['2026-03-04T01:00:00Z', true], // 09:00 in Beijing, whatever the ISO string's offset
  ])('isWorkingInstant(%s) is %s', (t, working) => {
    expect(isWorkingInstant(at(t), CN)).toBe(working);
  });

  it('extends a deadline by the suspended working time', () => {
    // Suspended Mon 28 Sep 15:00 – Wed 30 Sep 09:00: 2.5 h + 6.5 h + 0.5 h = 9.5 h of working time.
    // Due Tue 29 Sep 10:00 + 9.5 h: 2 h to 12:00, 3 h to 17:30, 3.5 h on Wed morning, 1 h after 14:30.
    expect(
      beijing(
        extendForSuspension(
          at('2026-09-29T10:00:00+08:00'),
          at('2026-09-28T15:00:00+08:00'),
          at('2026-09-30T09:00:00+08:00'),
          CN,
        ),
      ),
    ).toBe(beijing(at('2026-09-30T15:30:00+08:00')));
    // Suspended over National Day, Wed 30 Sep 16:00 – Thu 8 Oct 09:00: 1.5 h + 0.5 h; due at 12:00 sharp.
    expect(
      beijing(
        extendForSuspension(
          at('2026-10-09T10:00:00+08:00'),
          at('2026-09-30T16:00:00+08:00'),
          at('2026-10-08T09:00:00+08:00'),
          CN,
        ),
      ),
    ).toBe(beijing(at('2026-10-09T12:00:00+08:00')));
    // Suspended only overnight: no working time lost.
    expect(
      beijing(
        extendForSuspension(
          at('2026-03-05T10:00:00+08:00'),
          at('2026-03-04T17:45:00+08:00'),
          at('2026-03-05T08:00:00+08:00'),
          CN,
        ),
      ),
    ).toBe(beijing(at('2026-03-05T10:00:00+08:00')));
    // Suspended exactly when the deadline fell due: it had passed, unchanged.
    expect(
      beijing(
        extendForSuspension(
          at('2026-03-05T10:00:00+08:00'),
          at('2026-03-05T10:00:00+08:00'),
          at('2026-03-06T11:00:00+08:00'),
          CN,
        ),
      ),
    ).toBe(beijing(at('2026-03-05T10:00:00+08:00')));
    // Suspended after the deadline had passed: unchanged.
    expect(
      beijing(
        extendForSuspension(
          at('2026-03-05T10:00:00+08:00'),
          at('2026-03-05T11:00:00+08:00'),
          at('2026-03-06T11:00:00+08:00'),
          CN,
        ),
      ),
    ).toBe(beijing(at('2026-03-05T10:00:00+08:00')));
  });

  it('uses custom office hours', () => {
    const cal: CalendarSpec = { kind: 'cn-workdays', officeHours: [{ start: '09:00', end: '17:00' }] };
    expect(workingDaySeconds(cal)).toBe(8 * HOUR);
    expect(beijing(addWorkingTime(at('2026-02-13T16:00:00+08:00'), 8 * HOUR, cal))).toBe(
      beijing(at('2026-02-14T16:00:00+08:00')),
    );
    // Round the clock: a result at 24:00 is the next midnight.
    const allDay: CalendarSpec = { kind: 'cn-workdays', officeHours: [{ start: '00:00', end: '24:00' }] };
    expect(beijing(addWorkingTime(at('2026-02-13T12:00:00+08:00'), 12 * HOUR, allDay))).toBe(
      beijing(at('2026-02-14T00:00:00+08:00')),
    );
    expect(beijing(addWorkingTime(at('2026-02-14T00:00:00+08:00'), 1, allDay))).toBe(
      beijing(at('2026-02-14T00:00:01+08:00')),
    );
    expect(beijing(addWorkingTime(at('2026-02-15T00:00:00+08:00'), 1, allDay))).toBe(
      beijing(at('2026-02-24T00:00:01+08:00')),
    );
  });

  it('wall-clock counts every second', () => {
    const t = at('2026-02-14T16:00:00.250+08:00');
    expect(beijing(addWorkingTime(t, 3 * 86_400, WALL))).toBe(beijing(at('2026-02-17T16:00:00.250+08:00')));
    expect(workingSecondsBetween(t, at('2026-02-14T16:00:01.750+08:00'), WALL)).toBe(1.5);
    expect(workingSecondsBetween(at('2026-02-15T00:00:00+08:00'), t, WALL)).toBe(0);
    expect(isWorkingInstant(at('2026-10-01T03:00:00+08:00'), WALL)).toBe(true);
    expect(workingDaySeconds(WALL)).toBe(86_400);
    expect(
      beijing(extendForSuspension(t, at('2026-02-14T12:00:00+08:00'), at('2026-02-14T13:00:00+08:00'), WALL)),
    ).toBe(beijing(at('2026-02-14T17:00:00.250+08:00')));
  });
});

describe('validation', () => {
  const hours = (...periods: [string, string][]): OfficePeriod[] => periods.map(([start, end]) => ({ start, end }));

  it.each([
    [[], /at least one period/],
    [hours(['8:30', '12:00']), /period 1 start is "8:30"/],
    [hours(['08:30', '25:00']), /period 1 end is "25:00"/],
    [hours(['08:30', '12:60']), /"12:60"/],
    [hours(['08:30', '24:30']), /"24:30"/],
    [hours(['24:00', '24:00']), /must end after it starts/],
    [hours(['12:00', '12:00']), /period 1 \(12:00-12:00\) must end after it starts/],
    [hours(['14:00', '13:00']), /must end after it starts/],
    [hours(['08:30', '12:00'], ['11:00', '13:00']), /period 2 \(11:00-13:00\) overlaps/],
    [hours(['14:30', '17:30'], ['08:30', '12:00']), /sorted and non-overlapping/],
    [[{ start: '08:30' }] as unknown as OfficePeriod[], /period 1 end is undefined/],
  ])('rejects office hours %j', (officeHours, message) => {
    expect(() => parseOfficeHours(officeHours)).toThrow(message);
    const cal: CalendarSpec = { kind: 'cn-workdays', officeHours };
    expect(() => addWorkingTime(at('2026-03-04T10:00:00+08:00'), 60, cal)).toThrow(message);
    expect(() => workingSecondsBetween(at('2026-03-04T10:00:00+08:00'), at('2026-03-05T10:00:00+08:00'), cal)).toThrow(
      message,
    );
    expect(() => isWorkingInstant(at('2026-03-04T10:00:00+08:00'), cal)).toThrow(message);
    expect(() => addWorkingTime(at('2026-03-04T10:00:00+08:00'), 60, { ...cal, kind: 'wall-clock' })).toThrow(message);
  });

  it('accepts touching periods and the default hours', () => {
    expect(parseOfficeHours(hours(['08:00', '12:00'], ['12:00', '13:00']))).toHaveLength(2);
    expect(WORKING_DAY_SECONDS).toBe(23_400);
    expect(DEFAULT_OFFICE_HOURS).toEqual(hours(['08:30', '12:00'], ['14:30', '17:30']));
    expect(() => DEFAULT_OFFICE_HOURS.push({ start: '18:00', end: '19:00' })).toThrow(TypeError);
  });

  it('rejects bad arguments', () => {
    const t = at('2026-03-04T10:00:00+08:00');
    expect(() => addWorkingTime(t, -1, CN)).toThrow(RangeError);
    expect(() => addWorkingTime(t, 1.5, CN)).toThrow(RangeError);
    expect(() => addWorkingTime(t, Number.NaN, CN)).toThrow(RangeError);
    expect(() => addWorkingTime(new Date(Number.NaN), 1, CN)).toThrow(RangeError);
    expect(() => workingSecondsBetween(t, new Date(Number.NaN), CN)).toThrow(RangeError);
    expect(() => addWorkingTime(t, 1, { kind: 'lunar' as CalendarSpec['kind'] })).toThrow(
      /Unknown calendar kind "lunar"/,
    );
  });
});

// ---- Properties ---------------------------------------------------------------------------

const RUNS = { numRuns: 300 };
const FROM = Date.parse('2025-01-01T00:00:00+08:00');
const DAYS = 3 * 365; // 2025–2027; 2027 exercises the Monday–Friday fallback
const QUARTER_MS = 15 * 60_000;

const clock = (quarters: number): string =>
  `${String(Math.floor(quarters / 4)).padStart(2, '0')}:${String((quarters % 4) * 15).padStart(2, '0')}`;

/** Valid custom office hours on quarter hours: periods may touch, start at 00:00 or end at 24:00. */
const officeHoursArb: fc.Arbitrary<OfficePeriod[]> = fc
  .array(fc.record({ gap: fc.integer({ min: 0, max: 24 }), length: fc.integer({ min: 1, max: 48 }) }), {
    minLength: 1,
    maxLength: 5,
  })
  .map((parts) => {
    const periods: OfficePeriod[] = [];
    let q = 0;
    for (const { gap, length } of parts) {
      const start = q + gap;
      const end = Math.min(start + length, 96);
      if (end <= start) break;
      periods.push({ start: clock(start), end: clock(end) });
      q = end;
    }
    return periods; // never empty: the first gap is at most 24 quarters
  });

const calendarArb: fc.Arbitrary<CalendarSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(CN) },
  { weight: 3, arbitrary: officeHoursArb.map((officeHours): CalendarSpec => ({ kind: 'cn-workdays', officeHours })) },
  {
    weight: 1,
    arbitrary: fc.constant({ kind: 'cn-workdays', officeHours: [{ start: '00:00', end: '24:00' }] } as CalendarSpec),
  },
  { weight: 1, arbitrary: fc.constant(WALL) },
);

/** Any millisecond in 2025–2027, or (often) within a millisecond of a quarter hour, to hit period edges. */
const instantArb: fc.Arbitrary<Date> = fc
  .oneof(
    fc.integer({ min: FROM, max: FROM + DAYS * 86_400_000 - 1 }),
    fc
      .tuple(fc.integer({ min: 0, max: DAYS - 1 }), fc.integer({ min: 0, max: 95 }), fc.constantFrom(-1, 0, 0, 0, 1))
      .map(([day, quarter, nudge]) => FROM + day * 86_400_000 + quarter * QUARTER_MS + nudge),
  )
  .map((t) => new Date(t));

/** Up to 40 working days, often whole quarter hours (which line up with period ends), sometimes small. */
const secondsArb = (cal: CalendarSpec): fc.Arbitrary<number> => {
  const day = workingDaySeconds(cal);
  return fc.oneof(
    fc.integer({ min: 0, max: 40 * day }),
    fc.integer({ min: 0, max: (40 * day) / 900 }).map((n) => n * 900),
    fc.integer({ min: 0, max: 7200 }),
  );
};

const withCalendar = <T>(f: (cal: CalendarSpec) => fc.Arbitrary<T>): fc.Arbitrary<[CalendarSpec, T]> =>
  calendarArb.chain((cal) => f(cal).map((x): [CalendarSpec, T] => [cal, x]));

describe('properties', () => {
  it('is monotonic in the duration', () => {
    fc.assert(
      fc.property(
        withCalendar((cal) => fc.tuple(instantArb, secondsArb(cal), secondsArb(cal))),
        ([cal, [t, a, b]]) => {
          const [s1, s2] = a <= b ? [a, b] : [b, a];
          expect(addWorkingTime(t, s1, cal).getTime()).toBeLessThanOrEqual(addWorkingTime(t, s2, cal).getTime());
        },
      ),
      RUNS,
    );
  });

  it('is monotonic in the start', () => {
    fc.assert(
      fc.property(
        withCalendar((cal) => fc.tuple(instantArb, instantArb, secondsArb(cal))),
        ([cal, [a, b, s]]) => {
          const [t1, t2] = a <= b ? [a, b] : [b, a];
          expect(addWorkingTime(t1, s, cal).getTime()).toBeLessThanOrEqual(addWorkingTime(t2, s, cal).getTime());
        },
      ),
      RUNS,
    );
  });

  it('never ends off-hours or on a non-working day', () => {
    fc.assert(
      fc.property(
        withCalendar((cal) => fc.tuple(instantArb, secondsArb(cal))),
        ([cal, [t, s]]) => {
          fc.pre(s > 0);
          const due = addWorkingTime(t, s, cal);
          expect(due.getTime()).toBeGreaterThan(t.getTime());
          // Inside a working period, or exactly at its end: the millisecond before is working time.
          expect(isWorkingInstant(ms(due, -1), cal)).toBe(true);
          if (cal === CN) {
            // And independently of isWorkingInstant: a working day, within 08:30–12:00 or 14:30–17:30.
            const wall = beijing(ms(due, -1));
            if (publicApiUsable) expect(isWorkday(wall.slice(0, 10))).toBe(true);
            const time = wall.slice(11, 23);
            expect((time >= '08:30' && time < '12:00') || (time >= '14:30' && time < '17:30')).toBe(true);
          }
        },
      ),
      RUNS,
    );
  });

  it('is additive: adding a then b is adding a + b', () => {
    fc.assert(
      fc.property(
        withCalendar((cal) => fc.tuple(instantArb, secondsArb(cal), secondsArb(cal))),
        ([cal, [t, a, b]]) => {
          expect(beijing(addWorkingTime(addWorkingTime(t, a, cal), b, cal))).toBe(
            beijing(addWorkingTime(t, a + b, cal)),
          );
        },
      ),
      RUNS,
    );
  });

  it('is inverted by workingSecondsBetween', () => {
    fc.assert(
      fc.property(
        withCalendar((cal) => fc.tuple(instantArb, secondsArb(cal))),
        ([cal, [t, s]]) => {
          expect(workingSecondsBetween(t, addWorkingTime(t, s, cal), cal)).toBe(s);
        },
      ),
      RUNS,
    );
  });

  it('counts working time additively over adjacent intervals', () => {
    fc.assert(
      fc.property(
        withCalendar(() => fc.tuple(instantArb, instantArb, instantArb)),
        ([cal, ts]) => {
          const [a, b, c] = [...ts].sort((x, y) => x.getTime() - y.getTime()) as [Date, Date, Date];
          const msBetween = (x: Date, y: Date): number => Math.round(workingSecondsBetween(x, y, cal) * 1000);
          expect(msBetween(a, b) + msBetween(b, c)).toBe(msBetween(a, c));
          expect(msBetween(a, c)).toBeLessThanOrEqual(c.getTime() - a.getTime());
          expect(msBetween(c, a)).toBe(0);
        },
      ),
      RUNS,
    );
  });

  it('keeps milliseconds: a start inside a period keeps them, an off-hours start begins on the period start', () => {
    fc.assert(
      fc.property(
        withCalendar((cal) => fc.tuple(instantArb, secondsArb(cal))),
        ([cal, [t, s]]) => {
          fc.pre(s > 0 && cal !== WALL);
          const expected = isWorkingInstant(t, cal) ? t.getUTCMilliseconds() : 0;
          expect(addWorkingTime(t, s, cal).getUTCMilliseconds()).toBe(expected);
        },
      ),
      RUNS,
    );
  });

  it('extends a deadline by exactly the suspended working time', () => {
    fc.assert(
      fc.property(
        withCalendar((cal) =>
          fc.tuple(instantArb, fc.integer({ min: 1, max: 40 * workingDaySeconds(cal) }), instantArb, instantArb),
        ),
        ([cal, [start, seconds, x, y]]) => {
          const due = addWorkingTime(start, seconds, cal); // a real deadline: inside a period or at its end
          const [suspendedAt, resumedAt] = x <= y ? [x, y] : [y, x];
          const extended = extendForSuspension(due, suspendedAt, resumedAt, cal);
          if (suspendedAt.getTime() >= due.getTime()) {
            expect(extended.getTime()).toBe(due.getTime());
            return;
          }
          expect(workingSecondsBetween(due, extended, cal)).toBe(workingSecondsBetween(suspendedAt, resumedAt, cal));
          expect(extended.getTime()).toBeGreaterThanOrEqual(due.getTime());
          expect(isWorkingInstant(ms(extended, -1), cal)).toBe(true);
        },
      ),
      RUNS,
    );
  });
});
