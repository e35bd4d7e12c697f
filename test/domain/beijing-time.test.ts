/** Times in the words people read (issue 21 item 8): Beijing time in Chinese form, never an ISO string. */
import { ISO_INSTANT, beijingDate, beijingDateTime, riskReasonText } from '../../domain/beijing-time';

describe('beijingDateTime', () => {
  it('shows an instant as Beijing time in Chinese form (UTC+8)', () => {
    expect(beijingDateTime('2026-12-09T01:30:00.000Z')).toBe('2026年12月9日 09:30');
  });
  it('crosses midnight and the year into Beijing’s day', () => {
    expect(beijingDateTime('2026-12-31T16:05:00Z')).toBe('2027年1月1日 00:05');
    expect(beijingDate('2026-12-31T16:05:00Z')).toBe('2027年1月1日');
  });
  it('has no daylight saving time: the same offset in July as in January', () => {
    expect(beijingDateTime('2026-07-01T00:00:00Z')).toBe('2026年7月1日 08:00');
    expect(beijingDateTime('2026-01-01T00:00:00Z')).toBe('2026年1月1日 08:00');
  });
  it('takes epoch milliseconds and never prints an ISO instant', () => {
    const text = beijingDateTime(Date.parse('2026-12-09T01:30:00Z'));
    expect(text).toBe('2026年12月9日 09:30');
    expect(text).not.toMatch(ISO_INSTANT);
  });
});

describe('riskReasonText', () => {
  it('reads the intake’s stable codes in Chinese', () => {
    expect(riskReasonText('reporter flagged high risk')).toBe('反映人标记为高风险');
    expect(riskReasonText('keyword: 持刀')).toBe('关键词：持刀');
  });
});
