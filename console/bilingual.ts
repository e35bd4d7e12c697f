/**
 * Texts the system stores in both languages at once, "中文 / English" (alert texts, seeded notes,
 * the workflow's reasons), shown in the console's language only: the Chinese part in the Chinese
 * console, the English part in the English one. A text that is not of that form is shown as it is.
 */
import type { ConsoleLang } from './i18n';

const CJK = /[\u3400-\u9fff\uff00-\uffef]/;

/** The part of a bilingual text in the person's language. */
export function inLanguage(text: string | null | undefined, lang: ConsoleLang): string {
  if (!text) return '';
  // The last " / " with Chinese before it and none after: the translation follows it.
  for (let i = text.lastIndexOf(' / '); i > 0; i = text.lastIndexOf(' / ', i - 1)) {
    const zh = text.slice(0, i).trim();
    const en = text.slice(i + 3).trim();
    if (CJK.test(zh) && en && !CJK.test(en)) return lang === 'en' ? en : zh;
  }
  // "中文。/ English": the same without the space before the slash.
  const m = /^(.*[\u3400-\u9fff。！？）」])\s?\/\s(.+)$/su.exec(text);
  if (m && !CJK.test(m[2]!)) return lang === 'en' ? m[2]!.trim() : m[1]!.trim();
  return text;
}
