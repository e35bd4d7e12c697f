/**
 * Masking of personal data in logs (and later in copies for the public): mainland mobile numbers
 * keep their first 3 and last 4 digits, resident ID numbers their first 6 and last 4, names their
 * surname, addresses their first 6 characters.
 */
const ID_NUMBER = /(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])/g;
const MOBILE = /(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])/g;

export function maskText(text: string): string {
  return text.replace(ID_NUMBER, '$1********$2').replace(MOBILE, '$1****$2');
}

/** 陈某某 → 陈** */
export const maskName = (name: string): string =>
  name.length <= 1 ? '*' : name[0] + '*'.repeat(Math.min(name.length - 1, 2));

const MASKERS: Record<string, (v: string) => string> = {
  name: maskName,
  representative: maskName,
  phone: (v) => (v.length > 4 ? `${'*'.repeat(v.length - 4)}${v.slice(-4)}` : '****'),
  idNumber: (v) => (v.length > 4 ? `${v.slice(0, 6)}********${v.slice(-4)}` : '****'),
  address: (v) => `${v.slice(0, 6)}***`,
};

/** A deep copy with personal fields masked and phone or ID numbers in any string masked. */
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
