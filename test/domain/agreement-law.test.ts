/**
 * The agreement and its judicial confirmation as the law counts them (issue 21, items 4–5), pure:
 * the terms' manner and time limit (人民调解法 Art. 29), the copies in Chinese numerals, the court
 * where the committee sits (民事诉讼法 Art. 205), and the 30-day window (Art. 33) counted as the
 * Civil Code counts a period (民法典 Art. 201, 203): the first day not counted, the last ending at
 * 24:00 Beijing time, moved past a statutory holiday to the first working day.
 */
import { basicCourtName, chineseCount, copiesClause, termProblem } from '../../domain/agreement-law';
import { buildHolidayTable, type Arrangement } from '../../domain/holidays';
import { judicialConfirmationWindow } from '../../domain/sla';

/**
 * TEST DATA, not the State Council's notice for 2027 (not yet published when this was written):
 * a Spring Festival break of 6–13 February (Saturday to Saturday) made up on Sunday 14 February, and
 * a National Day break of 1–7 October made up on Sunday 26 September and Saturday 9 October.
 */
const off = (from: number, to: number, month: string, name: string) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    date: `2027-${month}-${String(from + i).padStart(2, '0')}`,
    kind: 'off' as const,
    name,
  }));
const ARRANGEMENT_2027: Arrangement = {
  region: null,
  year: 2027,
  revision: 7,
  days: [
    ...off(6, 13, '02', '春节'),
    { date: '2027-02-14', kind: 'work', name: '春节' },
    { date: '2027-09-26', kind: 'work', name: '国庆节' },
    ...off(1, 7, '10', '国庆节'),
    { date: '2027-10-09', kind: 'work', name: '国庆节' },
  ],
};
const TABLE_2027 = buildHolidayTable([ARRANGEMENT_2027]);

/** Effective at 10:00 Beijing time on `date`: the window's end. */
const windowEnd = (date: string, table = TABLE_2027) =>
  judicialConfirmationWindow(new Date(`${date}T10:00:00+08:00`), table).dueAt;

describe('the 30-day window for judicial confirmation (人民调解法 Art. 33; 民法典 Art. 201, 203)', () => {
  it('ends at 24:00 Beijing time (16:00Z) on the 30th day, the day of effectiveness not counted', () => {
    // Effective Tuesday 2 March 2027: day 1 is 3 March, day 30 is Thursday 1 April.
    expect(windowEnd('2027-03-02')).toBe('2027-04-01T16:00:00.000Z');
  });

  it('counts days in Beijing time: 23:30 and 00:30 Beijing time on either side of midnight are different days', () => {
    expect(judicialConfirmationWindow(new Date('2026-11-03T15:30:00Z')).dueAt).toBe('2026-12-03T16:00:00.000Z');
    expect(judicialConfirmationWindow(new Date('2026-11-03T16:30:00Z')).dueAt).toBe('2026-12-04T16:00:00.000Z');
  });

  it('moves a 30th day in the 2027 Spring Festival break to the day after it ends, a make-up working Sunday', () => {
    // Effective 7 January 2027: day 30 is Saturday 6 February, the first day of the break (6–13 February).
    const end = windowEnd('2027-01-07');
    expect(end).toBe('2027-02-14T16:00:00.000Z');
    // Without the arrangement it would have been the Monday after the weekend.
    expect(windowEnd('2027-01-07', buildHolidayTable([]))).toBe('2027-02-08T16:00:00.000Z');
  });

  it('moves a 30th day in the 2027 National Day break to the first working day after it', () => {
    // Effective 3 September 2027: day 30 is Sunday 3 October, inside the break (1–7 October).
    expect(windowEnd('2027-09-03')).toBe('2027-10-08T16:00:00.000Z');
  });

  it('does not move a 30th day that is a make-up working day (调休上班)', () => {
    // Effective 27 August 2027: day 30 is Sunday 26 September, worked to make up National Day.
    expect(windowEnd('2027-08-27')).toBe('2027-09-26T16:00:00.000Z');
  });

  it('moves a 30th day on a weekend to the Monday (the golden case: Sunday 6 December 2026)', () => {
    expect(judicialConfirmationWindow(new Date('2026-11-06T03:16:00Z')).dueAt).toBe('2026-12-07T16:00:00.000Z');
  });

  it('reminds the parties seven days before the end', () => {
    const w = judicialConfirmationWindow(new Date('2027-01-07T02:00:00Z'), TABLE_2027);
    expect(Date.parse(w.dueAt) - Date.parse(w.warnAt)).toBe(7 * 86_400_000);
    expect(w).toMatchObject({ kind: 'judicial_confirmation', warned: false, breached: false });
  });
});

describe('the terms of an agreement (人民调解法 Art. 29)', () => {
  const sound = { text: '赔偿', method: '现金支付', dueDate: '2027-01-10' };
  it('accepts a manner with a date, or with 即时履行', () => {
    expect(termProblem([sound, { text: '道歉', method: '当面致歉', immediate: true }])).toBeUndefined();
  });
  it('names the term (from 1) that lacks its manner, or its time limit, in Chinese and English', () => {
    expect(termProblem([sound, { text: '修复', dueDate: '2027-01-10' }])).toBe(
      "第2项协议内容未载明履行方式（人民调解法第二十九条） / term 2 states no manner of performance (People's Mediation Law Art. 29)",
    );
    expect(termProblem([sound, sound, { text: '修复', method: '自行修复' }])).toMatch(
      /^第3项协议内容未载明履行期限（应写明日期或注明即时履行，人民调解法第二十九条） \/ term 3 states no time limit/,
    );
    expect(termProblem([{ ...sound, immediate: true }])).toMatch(/^第1项协议内容既载明履行期限又注明即时履行/);
    expect(termProblem([])).toMatch(/^调解协议至少应有一项协议内容/);
  });
});

describe('copies and court', () => {
  it('writes the copies in Chinese numerals: one per party and one for the committee', () => {
    expect(copiesClause(2)).toBe('一式三份');
    expect(copiesClause(3)).toBe('一式四份');
    expect(copiesClause(4)).toBe('一式五份');
    expect(copiesClause(1)).toBe('一式两份');
    expect(chineseCount(12)).toBe('十二');
  });
  it("proposes the basic court of the committee's county, a district's with its city's name (民事诉讼法 Art. 205)", () => {
    const city = { name: '常德市', level: 'city' };
    expect(basicCourtName([city, { name: '津市市', level: 'county' }, { name: '汪家桥街道', level: 'street' }])).toBe(
      '津市市人民法院',
    );
    expect(
      basicCourtName([city, { name: '武陵区', level: 'county' }, { name: '渔父祠社区', level: 'community' }]),
    ).toBe('常德市武陵区人民法院');
    expect(basicCourtName([city])).toBeUndefined();
  });
});
