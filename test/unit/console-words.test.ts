/**
 * The audit of the console's words: every phrase of the Chinese dictionary (console/i18n/*.ts, all
 * parts) is Chinese, outside placeholders ({field}), addresses and a short list of names that Chinese
 * offices write in Latin letters themselves. The same list as the rendered-page audit of the browser
 * tests (test/helpers/english-audit.ts LATIN_ALLOWED): file formats (PDF, CSV, XLSX, Excel), the
 * interface's own names (API, OpenAPI, Open311), ID (身份证 ID in forms) and SMS (短信 is preferred, but
 * the SMS channel is named so on the operators' side). SLA is in that list, but the console says 时限.
 * Two more than that list: JSON (a file format, as CSV; the holiday import takes a JSON file) and SHA
 * (SHA-256, the name of the digest shown with evidence) — the lead's page audit should allow them too.
 */
import { DICTS } from '../../console/i18n';
import { REFUSAL_REASONS } from '../../api/errors';
import { KEYWORD_CODES } from '../../api/plugins/errors';

export const LATIN_ALLOWED = new Set([
  ...['PDF', 'API', 'SLA', 'CSV', 'XLSX', 'Excel', 'ID', 'SMS', 'Open311', 'OpenAPI'],
  ...['JSON', 'SHA'],
]);

/**
 * Phrases that are allowed Latin words by what they are, each with its reason:
 * - switchLang: the switch names the other language in that language ("English"); the page marks it
 *   lang="en", which the page audit exempts.
 * - calendars.daysHint, calendars.badShape: they quote the keys and values of the JSON file the
 *   holiday import reads (date, kind, off, work, year, source, days): codes, not words.
 */
const CODE_PHRASES = new Set(['switchLang', 'calendars.daysHint', 'calendars.badShape']);

/** Every phrase of a dictionary with its key path. */
export function phrases(dict: unknown, path = ''): Array<[string, string]> {
  if (typeof dict === 'string') return [[path, dict]];
  if (typeof dict === 'function') return [];
  if (!dict || typeof dict !== 'object') return [];
  return Object.entries(dict).flatMap(([k, v]) => phrases(v, path ? `${path}.${k}` : k));
}

/** The Latin words of a phrase that are neither a placeholder, an address nor an allowed name. */
export function latinWords(phrase: string): string[] {
  const cleaned = phrase
    .replace(/\{\w+\}/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\S+@\S+/g, ' ');
  return [...cleaned.matchAll(/[A-Za-z][A-Za-z'’-]*[A-Za-z]/g)].map((m) => m[0]).filter((w) => !LATIN_ALLOWED.has(w));
}

describe('the Chinese console dictionary', () => {
  const all = phrases(DICTS['zh-CN']);

  it('has phrases to audit', () => {
    expect(all.length).toBeGreaterThan(500);
  });

  it('holds no English word outside names and codes', () => {
    const findings = all
      .filter(([key]) => !CODE_PHRASES.has(key))
      .flatMap(([key, phrase]) => latinWords(phrase).map((w) => `${key}: ${w} «${phrase}»`));
    expect(findings).toEqual([]);
  });

  it('has every key of the English dictionary, and the English one every Chinese key', () => {
    const zhKeys = all.map(([k]) => k).sort();
    const enKeys = phrases(DICTS.en)
      .map(([k]) => k)
      .sort();
    // Record<string, string> groups may differ in keys between languages only where a code has no
    // word yet; none should.
    expect(enKeys.filter((k) => !zhKeys.includes(k))).toEqual([]);
    expect(zhKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
  });

  it('says every refusal code and field code the API gives, in both languages', () => {
    const fieldCodes = [...new Set(Object.values(KEYWORD_CODES))];
    for (const lang of ['zh-CN', 'en'] as const) {
      const p = DICTS[lang].problem;
      expect(REFUSAL_REASONS.filter((r) => !p.reason[r])).toEqual([]);
      expect(fieldCodes.filter((c) => !p.field[c])).toEqual([]);
    }
  });
});
