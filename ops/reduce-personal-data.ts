/**
 * The reduced form of a closed case's data once its archival period is over (ops/retention.ts): pure
 * functions over the JSON the case keeps (its read model's state, its events' actors and payloads, the
 * signatures on its agreements). What identifies people goes; what the statistics and the Safety Index
 * count stays:
 * - names of the people around the case (parties, representatives, agents, the reporter, signers, whom a
 *   visit met) masked to the surname (陈**) wherever they appear;
 * - phones, identity numbers, addresses, e-mail, birth dates, age, sex, ethnicity, occupation, links removed;
 * - free text (title, description, notes, facts, terms, reasons, comments…) replaced by REDUCED_TEXT;
 * - everything else (stage, outcome, category, unit, level, source, dates, amounts, ratings, the risk flag,
 *   agreement numbers and hashes, staff and unit names) kept as it was.
 */
import { maskNames, maskText } from '../security/pii';

export const REDUCED_TEXT = '〔保管期限届满，已删减 / reduced after the retention period〕';

/** Keys whose values identify or describe a person: removed. */
const DROP = new Set([
  'phone',
  'idNumber',
  'address',
  'serviceAddress',
  'email',
  'birthDate',
  'age',
  'sex',
  'ethnicity',
  'occupation',
  'phoneTail',
  'remoteLink',
  'url',
]);

/** Keys of free text people wrote: replaced (a string) by REDUCED_TEXT. */
const FREE_TEXT = new Set([
  'title',
  'description',
  'text',
  'facts',
  'matters',
  'responsibilities',
  'losses',
  'reason',
  'note',
  'comment',
  'agenda',
  'measures',
  'risks',
  'place',
  'signingPlace',
  'reference',
  'recusal',
  'ackNote',
  'subject',
  'referral',
  'reasons',
  'plan',
  'message',
  'summary',
]);

/** Objects (under these keys) that are people: their `name` and `representative` are personal names. */
const PEOPLE = new Set([
  'parties',
  'reporter',
  'legalRepresentative',
  'agents',
  'signatures',
  'persons',
  'participants',
]);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The names of the people in `value` (a case's state, an event's payload or actor), each at least two
 * characters (a one-character name cannot be told from a word): what `reduceValue` masks everywhere.
 */
export function collectNames(value: unknown, into: Set<string> = new Set(), parentKey = '', depth = 0): Set<string> {
  if (depth > 12) return into;
  const add = (v: unknown) => {
    if (typeof v === 'string' && [...v.trim()].length >= 2) into.add(v.trim());
  };
  if (Array.isArray(value)) {
    if (parentKey === 'met') value.forEach(add);
    for (const v of value) collectNames(v, into, parentKey, depth + 1);
    return into;
  }
  if (!isObject(value)) return into;
  if (PEOPLE.has(parentKey) || value.type === 'party') {
    add(value.name);
    add(value.representative);
    add(value.witness);
  }
  add(value.partyName);
  for (const [k, v] of Object.entries(value)) collectNames(v, into, k, depth + 1);
  return into;
}

/** A deep copy of `value` reduced: see the top of this file. `names` from collectNames. */
export function reduceValue(value: unknown, names: readonly string[], key = '', depth = 0): unknown {
  if (depth > 16) return null;
  if (typeof value === 'string') {
    if (FREE_TEXT.has(key) && value.trim() !== '') return REDUCED_TEXT;
    return maskText(value, { names, hideIdentity: true });
  }
  if (Array.isArray(value)) return value.map((v) => reduceValue(v, names, key, depth + 1));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (DROP.has(k)) continue;
      out[k] = reduceValue(v, names, k, depth + 1);
    }
    return out;
  }
  return value;
}

/** One line of text (a file's name, an alert) with the names and numbers in it masked. */
export function reduceLine(text: string, names: readonly string[]): string {
  return maskNames(maskText(text, { hideIdentity: true }), names);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Marks a document stored in its reduced form (ops/retention.ts; the verification of an agreement reads it). */
export const REDUCED_DOCUMENT_MARK = '<!-- fengqiao:reduced -->';

/**
 * What a frozen case file or sealed agreement is replaced by: a page saying when and why, with the
 * SHA-256 of the original (the seal, still comparable with a copy printed before).
 */
export function reducedDocument(what: {
  title: string;
  sha256: string;
  reducedAt: Date;
  archiveYears: number;
}): string {
  const day = what.reducedAt.toISOString().slice(0, 10);
  const title = escapeHtml(what.title);
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body>${REDUCED_DOCUMENT_MARK}` +
    `<h1>${title}</h1>` +
    `<p>本件保管期限（${what.archiveYears}年）已满，个人信息已于${day}删减。原件 SHA-256：<code>${what.sha256}</code></p>` +
    `<p lang="en">The archival period (${what.archiveYears} years) of this document ended; its personal data was reduced on ${day}. SHA-256 of the original: <code>${what.sha256}</code></p>` +
    `</body></html>`
  );
}
