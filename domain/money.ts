/** Money as written on Chinese legal documents: figures and capitals (大写). Amounts are in fen. */
const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const BIG_UNITS = ['', '万', '亿', '万亿'];

function groupToCapitals(group: number): string {
  let out = '';
  let zero = false;
  for (let i = 3; i >= 0; i--) {
    const d = Math.floor(group / 10 ** i) % 10;
    if (d === 0) {
      zero = out.length > 0;
    } else {
      if (zero) out += '零';
      out += DIGITS[d]! + SMALL_UNITS[i]!;
      zero = false;
    }
  }
  return out;
}

/** 1_200_000 fen → 人民币壹万贰仟元整; 123_456 → 人民币壹仟贰佰叁拾肆元伍角陆分. */
export function fenToCapitals(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0)
    throw new RangeError(`amount must be a non-negative whole number of fen, got ${fen}`);
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cent = fen % 10;
  let integer = '';
  if (yuan === 0) integer = '零';
  else {
    const groups: number[] = [];
    for (let v = yuan; v > 0; v = Math.floor(v / 10_000)) groups.push(v % 10_000);
    let needZero = false;
    for (let g = groups.length - 1; g >= 0; g--) {
      const value = groups[g]!;
      if (value === 0) {
        needZero = integer.length > 0;
        continue;
      }
      if (needZero || (integer.length > 0 && value < 1000)) integer += '零';
      integer += groupToCapitals(value) + BIG_UNITS[g]!;
      needZero = false;
    }
  }
  let out = `人民币${integer}元`;
  if (jiao === 0 && cent === 0) return `${out}整`;
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (yuan > 0) out += '零';
  if (cent > 0) out += `${DIGITS[cent]}分`;
  else out += '整';
  return out;
}

/** 1_200_000 fen → 12,000.00 */
export function fenToFigures(fen: number): string {
  const yuan = Math.floor(fen / 100).toLocaleString('en-US');
  return `${yuan}.${String(fen % 100).padStart(2, '0')}`;
}

const ORDINALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
/** 1 → 一, 12 → 十二, 21 → 二十一 (headings 一、二、三). */
export function chineseOrdinal(n: number): string {
  if (n <= 10) return ORDINALS[n]!;
  if (n < 20) return `十${ORDINALS[n - 10]}`;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${ORDINALS[tens]}十${ones ? ORDINALS[ones] : ''}`;
}

/** An instant as a date in China: 2026年11月26日. */
export function chineseDate(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** An instant as date and time in China: 2026年11月6日 11:10 */
export function chineseDateTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hh}:${mm}`;
}
