/** Case and agreement numbers in the style of （2026）汪人调字第12号. */
export type NumberKind = 'case' | 'agreement';

export function formatNumber(kind: NumberKind, committeeShort: string, year: number, seq: number): string {
  const word = kind === 'agreement' ? '人调字' : '人调受字';
  return `（${year}）${committeeShort}${word}第${seq}号`;
}

/** The calendar year in China (Asia/Shanghai, UTC+8 without daylight saving) of an instant. */
export function chinaYear(at: Date): number {
  return new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();
}
