/**
 * The legal documents. Templates are compiled once, in strict mode (a missing field is an error,
 * not a blank on a legal document), in an isolated Handlebars environment; `{{…}}` always escapes,
 * and no template uses the unescaped `{{{…}}}` for user data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../config/paths';
import { chineseDate, chineseDateTime, chineseOrdinal, fenToCapitals, fenToFigures } from '../domain/money';
import { LANGS, type Lang } from './labels';

export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');
export const DOCUMENT_KINDS = [
  'agreement',
  'intake',
  'summons',
  'record',
  'follow-up',
  'referral',
  'judicial-confirmation',
  'certificate',
  'case-file',
  'rights-notice',
  'refusal-notice',
  'oral-agreement',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface DocumentRenderer {
  /** zh-CN is the legal original; `en` a courtesy translation. */
  render(kind: DocumentKind, model: unknown, lang?: Lang): string;
}

const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** 2026-11-06T03:16Z → 6 November 2026 (the date in China) */
function englishDate(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return `${d.getUTCDate()} ${EN_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export function createRenderer(dir = TEMPLATES_DIR): DocumentRenderer {
  const hbs = Handlebars.create();
  hbs.registerHelper('cnDate', (iso: unknown) => (typeof iso === 'string' ? chineseDate(iso) : ''));
  hbs.registerHelper('cnDateTime', (iso: unknown) => (typeof iso === 'string' ? chineseDateTime(iso) : ''));
  hbs.registerHelper('enDate', (iso: unknown) => (typeof iso === 'string' ? englishDate(iso) : ''));
  hbs.registerHelper('enDateTime', (iso: unknown) =>
    typeof iso === 'string' ? `${englishDate(iso)}, ${chineseDateTime(iso).slice(-5)} Beijing time` : '',
  );
  hbs.registerHelper('moneyFigures', (fen: number) => fenToFigures(fen));
  hbs.registerHelper('moneyCapitals', (fen: number) => fenToCapitals(fen));
  hbs.registerHelper('ordinal', (index: number) => chineseOrdinal(index + 1));
  hbs.registerHelper('plus', (a: number, b: number) => a + b);
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);

  const partialsDir = path.join(dir, 'partials');
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(path.basename(file, '.hbs'), readFileSync(path.join(partialsDir, file), 'utf8'));
  }
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const kind of DOCUMENT_KINDS) {
    for (const lang of LANGS) {
      const source = readFileSync(path.join(dir, `${kind}.${lang}.hbs`), 'utf8');
      compiled.set(`${kind}.${lang}`, hbs.compile(source, { strict: true, noEscape: false }));
    }
  }
  return {
    render(kind, model, lang = 'zh-CN') {
      const template = compiled.get(`${kind}.${lang}`);
      if (!template) throw new Error(`no template for ${kind} in ${lang}`);
      // No prototype access for data: hostile keys such as __proto__ or constructor resolve to nothing.
      return template(model, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    },
  };
}
