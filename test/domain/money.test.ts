import { chineseDate, chineseOrdinal, fenToCapitals, fenToFigures } from '../../domain/money';

describe('money on legal documents', () => {
  it.each([
    [1_200_000, '人民币壹万贰仟元整'],
    [123_456, '人民币壹仟贰佰叁拾肆元伍角陆分'],
    [100, '人民币壹元整'],
    [0, '人民币零元整'],
    [5, '人民币零元伍分'],
    [1_000_500, '人民币壹万零伍元整'],
    [10_010_000, '人民币壹拾万零壹佰元整'],
    [10_000_000_000, '人民币壹亿元整'],
    [30_020, '人民币叁佰元贰角整'],
    [105, '人民币壹元零伍分'],
    [10_001, '人民币壹佰元零壹分'],
    [200_000_000_00, '人民币贰亿元整'],
    [1_050_000_000, '人民币壹仟零伍拾万元整'],
  ])('%i fen in capitals is %s', (fen, words) => {
    expect(fenToCapitals(fen)).toBe(words);
  });

  it('refuses amounts that are not whole fen', () => {
    expect(() => fenToCapitals(-1)).toThrow(RangeError);
    expect(() => fenToCapitals(1.5)).toThrow(RangeError);
  });

  it('writes figures with thousands separators and two decimals', () => {
    expect(fenToFigures(1_200_000)).toBe('12,000.00');
    expect(fenToFigures(5)).toBe('0.05');
  });

  it('numbers headings and dates the Chinese way', () => {
    expect([1, 2, 10, 11, 20, 21].map(chineseOrdinal)).toEqual(['一', '二', '十', '十一', '二十', '二十一']);
    // 2026-11-25 17:00 UTC is already the 26th in Beijing.
    expect(chineseDate('2026-11-25T17:00:00Z')).toBe('2026年11月26日');
  });
});
