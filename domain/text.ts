/**
 * Text that cannot poison: what every string the API accepts must be. PostgreSQL's jsonb refuses an
 * unpaired UTF-16 surrogate (a case whose projection holds one could never be written again); C0
 * control characters other than tab, line feed and carriage return have no place in a case file; a
 * bidirectional override or isolate can make a name or a title read other than it is.
 */

/** Why a string is refused, in Chinese first. */
export const UNSAFE_REASONS = {
  surrogate: '含有孤立的代理项（无效的 Unicode）/ contains an unpaired UTF-16 surrogate',
  control: '含有控制字符 / contains a control character',
  bidi: '含有双向文字控制符 / contains a bidirectional override or isolate',
} as const;

// With the `u` flag a well-formed surrogate pair is one code point: \p{Cs} matches only an unpaired half.
const SURROGATE = /\p{Cs}/u;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

export function unsafeReason(s: string): keyof typeof UNSAFE_REASONS | undefined {
  if (SURROGATE.test(s)) return 'surrogate';
  if (CONTROL.test(s)) return 'control';
  if (BIDI.test(s)) return 'bidi';
  return undefined;
}

/** The first unsafe string in a JSON value (keys included), as a JSON pointer and its reason. */
export function findUnsafeText(value: unknown, pointer = ''): { field: string; message: string } | undefined {
  if (typeof value === 'string') {
    const why = unsafeReason(value);
    return why ? { field: pointer || '/', message: UNSAFE_REASONS[why] } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeText(value[i], `${pointer}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const field = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const why = unsafeReason(key);
      if (why) return { field, message: UNSAFE_REASONS[why] };
      const found = findUnsafeText(v, field);
      if (found) return found;
    }
  }
  return undefined;
}

/** The first `n` code points of `s` (never half an emoji, as cutting UTF-16 units would). */
export const cutCodePoints = (s: string, n: number): string => Array.from(s).slice(0, n).join('');

const UNSAFE_GLOBAL = /\p{Cs}|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Replaces every unsafe character in the strings of a JSON value with U+FFFD (�), in place (objects
 * and arrays are changed, keys included). The operator's repair of a case whose step the database
 * refuses for its text (docs/operations.md "A stuck case"). Returns how many strings changed.
 */
export function scrubUnsafeText(value: unknown): number {
  const scrub = (s: string) => s.replace(UNSAFE_GLOBAL, '\ufffd');
  let changed = 0;
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      const clean = scrub(v);
      if (clean !== v) changed += 1;
      return clean;
    }
    if (depth > 64 || !v || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i], depth + 1);
      return v;
    }
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const value = walk(o[key], depth + 1);
      const cleanKey = scrub(key);
      if (cleanKey !== key) {
        changed += 1;
        delete o[key];
      }
      o[cleanKey] = value;
    }
    return o;
  };
  walk(value, 0);
  return changed;
}
