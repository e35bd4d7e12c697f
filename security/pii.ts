/**
 * Masking of personal data: the one place that decides what a masked phone, identity number,
 * address or name looks like, for logs, for the API's answers and for masked copies of documents
 * (which field each reader sees masked is security/visibility.ts).
 *
 * `maskText` finds them in any text:
 * - mainland mobiles, with or without +86 / 0086 and spaces or hyphens: the first 3 and last 4
 *   digits stay (`138 **** 5678`, `+86 138****5678`);
 * - landlines, with the area code in brackets or not, an extension kept: the area code and the last
 *   4 digits stay (`0731-****5678`, `(0731)***4567`, `010-****4321-123`);
 * - resident identity numbers, 18 digits (last X or x) or the old 15: the first 6 (the region) and
 *   the last 4 (3 for the old ones) stay, so the birth date is gone; Hong Kong identity cards
 *   (`A123456(7)`) and passports or travel permits (`E12345678`) keep their letters and last digits;
 * - house numbers after a road, estate or building word (`人民路123号4栋2单元501室`): their digits are
 *   masked, the road and estate stay;
 * - the names given (a case's parties): surname only.
 * Dates (2026-12-06), amounts (¥12,800.00, 12000000), case and agreement numbers (第12号) are left
 * alone. Full-width digits count as digits.
 */

/** Full-width digits and punctuation as ASCII, one UTF-16 unit for one, so that offsets are the same. */
function ascii(text: string): string {
  return text.replace(/[\uff01-\uff5e\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

const isDigit = (c: string) => /[0-9\uff10-\uff19]/.test(c);

/** `segment` with its digits masked except the first `keepFirst` and the last `keepLast` ones. */
function maskDigits(segment: string, keepFirst: number, keepLast: number): string {
  const total = [...segment].filter(isDigit).length;
  let seen = 0;
  return [...segment]
    .map((c) => {
      if (!isDigit(c)) return c;
      seen += 1;
      return seen <= keepFirst || seen > total - keepLast ? c : '*';
    })
    .join('');
}

const digitsIn = (s: string | undefined) => (s ?? '').replace(/[^0-9]/g, '').length;

/**
 * One pattern: matched on the ASCII form of the text; its replacement is computed from the original
 * characters (full-width ones stay full-width) and the match's groups (which say how many digits stay).
 */
interface Rule {
  /** Identity documents may be hidden altogether rather than masked (maskText's `hideIdentity`). */
  identity?: boolean;
  pattern: RegExp;
  mask(original: string, groups: string[]): string;
}

// Not glued to a word or a longer number (a hash, an id, an amount).
const B = '(?<![0-9A-Za-z])';
const E = '(?![0-9A-Za-z])';
const SEP = '[ -]?';

const RULES: Rule[] = [
  {
    // 18-digit resident identity number (optionally spaced 6-8-4), then the old 15-digit one.
    identity: true,
    pattern: new RegExp(`${B}[1-9][0-9]{5}${SEP}(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9]${SEP}[0-9]{3}[0-9Xx]${E}`, 'g'),
    mask: (s) => maskDigits(s, 6, /[Xx]$/.test(s) ? 3 : 4),
  },
  {
    identity: true,
    pattern: new RegExp(`${B}[1-9][0-9]{5}[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}${E}`, 'g'),
    mask: (s) => maskDigits(s, 6, 3),
  },
  {
    // Hong Kong identity card.
    identity: true,
    pattern: new RegExp(`${B}[A-Z]{1,2}[0-9]{6}\\([0-9A]\\)`, 'g'),
    mask: (s) => maskDigits(s, 0, /\([0-9]\)$/.test(s) ? 1 : 0),
  },
  {
    // Passports (E…, G…) and travel permits for Hong Kong, Macao and Taiwan (C, H, M, K, T, L, D…).
    identity: true,
    pattern: new RegExp(`${B}[CDEGHKLMPST][A-Z]?[0-9]{7,8}${E}`, 'g'),
    mask: (s) => maskDigits(s, 0, 3),
  },
  {
    // Mainland mobile, with an optional +86 / 0086 (or +86 as a URL writes it, %2B86).
    pattern: new RegExp(`${B}((?:\\+|%2[Bb]|00)86${SEP})?1[3-9][0-9]${SEP}[0-9]{4}${SEP}[0-9]{4}${E}`, 'g'),
    mask: (s, [prefix]) => maskDigits(s, digitsIn(prefix) + 3, 4),
  },
  {
    // Landline from abroad: +86 and the area code without its 0.
    pattern: new RegExp(`${B}(?:\\+|%2[Bb]|00)86${SEP}([1-9][0-9]{1,2})${SEP}[0-9]{3,4}${SEP}[0-9]{4}${E}`, 'g'),
    mask: (s, [area]) => maskDigits(s, 2 + digitsIn(area), 4),
  },
  {
    // Landline: (0731)1234567, 0731-12345678, 0731 1234 5678, 010-87654321-123.
    pattern: new RegExp(
      `${B}(\\(0[1-9][0-9]{1,2}\\)|0[1-9][0-9]{1,2})${SEP}([0-9]{3,4}${SEP}[0-9]{4})(-[0-9]{1,6})?${E}`,
      'g',
    ),
    mask: (s, [area, , ext]) => maskDigits(s, digitsIn(area), 4 + digitsIn(ext)),
  },
];

/** Words after which a number is part of an address, and the words that make it a house number. */
const PLACE_WORD = '[路街巷弄道村组区苑园里庄座厦寓场栋幢元号楼院]';
const HOUSE_UNIT = '(?:号楼|号院|号|栋|幢|座|单元|室|层|楼|户|弄|组)';
const HOUSE_NUMBER = new RegExp(`(?<=${PLACE_WORD})(第?)([0-9]+(?:-[0-9]+){0,3})(?=${HOUSE_UNIT})`, 'g');

function maskHouseNumbers(text: string): string {
  const plain = ascii(text);
  let out = '';
  let last = 0;
  for (const m of plain.matchAll(HOUSE_NUMBER)) {
    const start = m.index + m[1]!.length;
    // 第12号 is a document's number, not a house.
    if (m[1] && plain.startsWith('号', m.index + m[0].length) && !plain.startsWith('号楼', m.index + m[0].length))
      continue;
    out += text.slice(last, start) + maskDigits(text.slice(start, m.index + m[0].length), 0, 0);
    last = m.index + m[0].length;
  }
  return out + text.slice(last);
}

function applyRule(text: string, rule: Rule, hide: boolean): string {
  const plain = ascii(text);
  let out = '';
  let last = 0;
  for (const m of plain.matchAll(rule.pattern)) {
    const end = m.index + m[0].length;
    const original = text.slice(m.index, end);
    out +=
      text.slice(last, m.index) +
      (hide && rule.identity
        ? original.replace(/[0-9A-Za-z\uff10-\uff19]/g, '*')
        : rule.mask(original, m.slice(1) as string[]));
    last = end;
  }
  return out + text.slice(last);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 陈某某 → 陈**, Zhang San → Z*** (an empty or one-character name → *) */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (/^[A-Za-z]/.test(chars[0]!)) return `${chars[0]}***`;
  return chars[0] + '*'.repeat(Math.min(chars.length - 1, 2));
}

/**
 * Phone, identity and passport numbers and house numbers in `text` masked; with `names`, those
 * names too (longest first, each of at least two characters); with `hideIdentity`, identity and
 * passport numbers starred out entirely.
 */
export function maskText(text: string, opts: { names?: readonly string[]; hideIdentity?: boolean } = {}): string {
  const numbers = RULES.reduce((t, rule) => applyRule(t, rule, opts.hideIdentity === true), text);
  return maskNames(maskHouseNumbers(numbers), opts.names ?? []);
}

/** Only the names given masked in `text` (longest first, each of at least two characters). */
export function maskNames(text: string, names: readonly string[]): string {
  const found = [...new Set(names.map((n) => n.trim()))].filter((n) => [...n].length >= 2);
  if (found.length === 0) return text;
  found.sort((a, b) => b.length - a.length);
  return text.replace(new RegExp(found.map(escapeRegExp).join('|'), 'g'), maskName);
}

/** A phone field: masked as in text; anything else that looks like a number keeps its last 4 digits. */
export function maskPhone(phone: string): string {
  const masked = maskText(phone);
  if (masked !== phone) return masked;
  return maskDigits(phone, 0, Math.min(4, Math.max(0, digitsIn(ascii(phone)) - 4)));
}

/** An identity-number field: masked as in text, or else everything but its first 2 and last 2 characters. */
export function maskIdNumber(id: string): string {
  const masked = maskText(id);
  if (masked !== id) return masked;
  const chars = [...id];
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return chars.map((c, i) => (i < 2 || i >= chars.length - 2 ? c : '*')).join('');
}

/** Where the address stops being the district, street, community or road: a level word not in 小区. */
const ADDRESS_LEVEL = /(?:省|自治区|市|州|盟|(?<!小)区|县|旗|镇|乡|街道|社区|村|大道|路|街|巷)/g;

/**
 * An address field: kept down to the street, community or road, the rest (estate, building, house
 * number) masked: 常德市武陵区渔父祠社区桃李小区3栋 → 常德市武陵区渔父祠社区***.
 */
export function maskAddress(address: string): string {
  let keep = 0;
  for (const m of address.matchAll(ADDRESS_LEVEL)) {
    if (/[0-9\uff10-\uff19]/.test(address.slice(0, m.index))) break;
    keep = m.index + m[0].length;
  }
  const rest = address.slice(keep);
  if (keep === 0) return address.length > 0 ? `${[...address][0]}***` : address;
  return rest.trim() ? `${address.slice(0, keep)}***` : address;
}

const MASKERS: Record<string, (v: string) => string> = {
  name: maskName,
  representative: maskName,
  witness: maskName,
  phone: maskPhone,
  idNumber: maskIdNumber,
  address: maskAddress,
  serviceAddress: maskAddress,
};

/** A deep copy with personal fields masked and phone or ID numbers in any string masked (for logs). */
export function maskValue(value: unknown, key?: string, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') return key && MASKERS[key] ? MASKERS[key](value) : maskText(value);
  if (Array.isArray(value)) return value.map((v) => maskValue(v, key, depth + 1));
  // Only plain data is rewritten: requests, errors and other class instances keep their own serializers.
  if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, k, depth + 1)]));
  }
  return value;
}
