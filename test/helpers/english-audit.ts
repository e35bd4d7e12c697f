/**
 * The Chinese console's audit: every word a person reads on a rendered page — visible text, and the
 * texts of labels, titles, placeholders, alternative texts and buttons — is Chinese, outside names
 * and codes. Names and codes are what the page marks as such: an element with a `lang` other than
 * Chinese (the "English" switch), <code>, <kbd>, <samp>, or `translate="no"` (user names, case ids,
 * API paths). What is left must hold no Latin word of two letters or more, except a few
 * abbreviations that Chinese offices write in Latin letters themselves.
 */
import type { Page } from 'playwright-core';

/** Written in Latin letters in Chinese official texts too. */
export const LATIN_ALLOWED = new Set([
  'PDF',
  'API',
  'SLA',
  'CSV',
  'XLSX',
  'Excel',
  'JSON',
  'ID',
  'SMS',
  'Open311',
  'OpenAPI',
]);

/** Names of things that are names in Chinese texts too (the holiday data's source library). */
const NAMES = /\bchinese-days\b/g;

export interface EnglishFinding {
  word: string;
  context: string;
}

/** Runs in the page (a string: the project's TypeScript has no DOM types): every text with where it was. */
const IN_PAGE = `(() => {
  const exempt = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const lang = e.getAttribute('lang');
      if (lang && !lang.toLowerCase().startsWith('zh')) return true;
      if (e.getAttribute('translate') === 'no') return true;
      if (['CODE', 'KBD', 'SAMP', 'SCRIPT', 'STYLE', 'NOSCRIPT'].includes(e.tagName)) return true;
    }
    return false;
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || exempt(parent)) continue;
    const text = (n.textContent || '').trim();
    if (text) out.push({ text, where: parent.outerHTML.slice(0, 100) });
  }
  for (const el of Array.from(document.querySelectorAll('*'))) {
    if (exempt(el)) continue;
    for (const attr of ['title', 'aria-label', 'placeholder', 'alt']) {
      const v = el.getAttribute(attr);
      if (v) out.push({ text: v, where: attr + ' of ' + el.outerHTML.slice(0, 80) });
    }
    if (el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type)) out.push({ text: el.value, where: el.outerHTML.slice(0, 80) });
  }
  out.push({ text: document.title, where: '<title>' });
  return out;
})()`;

/** Latin words on the page outside names and codes (empty means the page passed). */
export async function englishOn(page: Page): Promise<EnglishFinding[]> {
  const texts = (await page.evaluate(IN_PAGE)) as Array<{ text: string; where: string }>;
  const findings: EnglishFinding[] = [];
  for (const { text, where } of texts) {
    // Strip what is a code by its form: addresses, e-mail, user names with @, file names, ids.
    const cleaned = text
      .replace(NAMES, ' ')
      .replace(/\{[^{}]*"[^{}]*\}/g, ' ') // a JSON example is code
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/\S+@\S+/g, ' ')
      .replace(/\/[\w/.-]+/g, ' ')
      .replace(/\b[\w-]+\.(pdf|csv|xlsx|json|png|svg)\b/gi, ' ')
      .replace(/\b[0-9a-f]{8}-[0-9a-f-]{27,}\b/gi, ' ');
    for (const m of cleaned.matchAll(/[A-Za-z][A-Za-z'’-]*[A-Za-z]/g)) {
      if (!LATIN_ALLOWED.has(m[0])) findings.push({ word: m[0], context: `${text.slice(0, 80)} ← ${where}` });
    }
  }
  return findings;
}
