/**
 * The configuration tables of README.md and docs/operations.md are generated from the schema
 * (npm run config:docs): a variable added without regenerating them fails here, in the unit lane.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config/paths';
import { VARIABLES } from '../../config/schema-all';
import { DOC_FILES, docPath, renderDoc } from '../../scripts/config-docs';

const read = (file: (typeof DOC_FILES)[number]) => readFileSync(docPath(file), 'utf8');

it.each(DOC_FILES)('%s: the committed tables are the generated ones', (file) => {
  const committed = read(file);
  expect(committed).toContain('<!-- config:begin');
  const generated = renderDoc(committed, file);
  if (generated !== committed) {
    const [a, b] = [committed.split('\n'), generated.split('\n')];
    const at = a.findIndex((line, i) => line !== b[i]);
    throw new Error(
      `${file} 的配置表已过期，请运行 npm run config:docs / ${file}: the configuration tables are out of date: run npm run config:docs\n` +
        `line ${at + 1}:\n  committed: ${a[at]}\n  generated: ${b[at]}`,
    );
  }
});

it('lists every variable exactly once in docs/operations.md', () => {
  const text = read('docs/operations.md');
  for (const name of Object.keys(VARIABLES)) {
    const rows = text.split('\n').filter((line) => line.startsWith(`| \`${name}\``));
    expect([name, rows.length]).toEqual([name, 1]);
  }
});

it('shows in README the variables an operator sets, PUBLIC_URL among the required ones', () => {
  const text = read('README.md');
  for (const [name, spec] of Object.entries(VARIABLES))
    expect([name, text.includes(`| \`${name}\``)]).toEqual([name, !!spec.meta.operator]);
  expect(text).toMatch(/\| `PUBLIC_URL` \| \*\*生产必设 \/ required in production\*\*/);
  expect(text).toContain('fonts-noto-cjk');
  expect(text).toContain('(docs/operations.md#configuration)');
});

it('links only to documents that exist', () => {
  const missing = Object.entries(VARIABLES)
    .filter(([, spec]) => spec.meta.see && !existsSync(path.join(PROJECT_ROOT, 'docs', spec.meta.see.split('#')[0]!)))
    .map(([name, spec]) => `${name}: docs/${spec.meta.see}`);
  expect(missing).toEqual([]);
});
