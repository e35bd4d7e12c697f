/**
 * Every English document is a courtesy translation and says that the Chinese original prevails
 * (docs/glossary.md); every Chinese document has its English counterpart. Reads the template files,
 * so a document kind added later is held to the same rule.
 */
import fs from 'node:fs';
import path from 'node:path';

const DIR = path.join(__dirname, '../../templates');
const templates = fs.readdirSync(DIR).filter((f) => f.endsWith('.hbs'));
const kinds = (suffix: string) => templates.filter((f) => f.endsWith(suffix)).map((f) => f.slice(0, -suffix.length));

it('every Chinese document has an English translation and the reverse', () => {
  expect(kinds('.en.hbs').sort()).toEqual(kinds('.zh-CN.hbs').sort());
  expect(kinds('.en.hbs').length).toBeGreaterThan(5);
});

it.each(kinds('.en.hbs'))('%s.en says "The Chinese original prevails"', (kind) => {
  const text = fs.readFileSync(path.join(DIR, `${kind}.en.hbs`), 'utf8');
  expect(text).toMatch(/\{\{>\s*translation-note\s*\}\}/);
});

it('the translation note itself says it', () => {
  expect(fs.readFileSync(path.join(DIR, 'partials/translation-note.hbs'), 'utf8')).toContain(
    'The Chinese original prevails',
  );
});
