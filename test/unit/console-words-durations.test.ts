/** Durations as the console says them: working days of the calendar's office hours, or calendar days. */
import { calendarDays, durationParts, secondsOfParts, workingDuration } from '../../console/durations';

describe('console durations', () => {
  it('counts working days of 6.5 office hours and the hours left over', () => {
    expect(workingDuration(23_400, 'cn-workdays', 'zh-CN')).toBe('1个工作日');
    expect(workingDuration(2 * 23_400 + 4 * 3600, 'cn-workdays', 'zh-CN')).toBe('2个工作日4小时');
    expect(workingDuration(2 * 23_400 + 4 * 3600, 'cn-workdays', 'en')).toBe('2 working days 4 h');
    expect(workingDuration(23_400 + 30 * 60, 'cn-workdays', 'zh-CN')).toBe('1个工作日30分钟');
    expect(workingDuration(3600, 'cn-workdays', 'en')).toBe('1 h');
  });

  it('counts 24-hour days on the wall clock and calendar days', () => {
    expect(workingDuration(3 * 86_400 + 4 * 3600, 'wall-clock', 'zh-CN')).toBe('3天4小时');
    expect(workingDuration(86_400, 'wall-clock', 'en')).toBe('1 day');
    expect(calendarDays(3, 'zh-CN')).toBe('3天');
    expect(calendarDays(30, 'en')).toBe('30 days');
  });

  it('reads zero, odd seconds and negative amounts', () => {
    expect(workingDuration(0, 'cn-workdays', 'zh-CN')).toBe('0小时');
    expect(workingDuration(61, 'wall-clock', 'zh-CN')).toBe('1分钟1秒');
    expect(workingDuration(-7200, 'wall-clock', 'zh-CN')).toBe('-2小时');
    expect(workingDuration(Number.NaN, 'wall-clock', 'zh-CN')).toBe('—');
  });

  it('splits into parts and back without loss, with the calendar office hours', () => {
    const spec = { kind: 'cn-workdays' as const, officeHours: [{ start: '09:00', end: '17:00' }] };
    expect(workingDuration(8 * 3600 * 2 + 3600, spec, 'zh-CN')).toBe('2个工作日1小时');
    for (const s of [0, 59, 23_400, 100_000, 3 * 23_400 + 7261])
      expect(secondsOfParts(durationParts(s, 'cn-workdays'), 'cn-workdays')).toBe(s);
    expect(secondsOfParts({ days: 2, hours: 4 }, 'cn-workdays')).toBe(2 * 23_400 + 4 * 3600);
  });
});
