/**
 * The deployment files set only declared variables, with values the schema accepts: a typo in a
 * manifest (WORKER_LOG_LEVLE) or an out-of-range value is caught here rather than by a pod that
 * ignores it or refuses to start. Placeholders of secrets (REPLACE…) are checked by name only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config/paths';
import { VARIABLES } from '../../config/schema-all';
import { validateConfigEnv } from '../../config/schema-all';

const DEPLOY = path.join(PROJECT_ROOT, 'deploy');
const NAME = '[A-Z][A-Z0-9_]+';

/** name → value, from a Kubernetes manifest: env entries, and a ConfigMap's data or a Secret's stringData (commented ones too). */
function fromManifest(text: string): Map<string, string> {
  const found = new Map<string, string>();
  const unquote = (v: string) => v.trim().replace(/^(['"])(.*)\1$/, '$2');
  for (const m of text.matchAll(new RegExp(`\\{\\s*name:\\s*(${NAME}),\\s*value:\\s*([^}]*)\\}`, 'g')))
    found.set(m[1]!, unquote(m[2]!));
  for (const m of text.matchAll(new RegExp(`- name:\\s*(${NAME})\\s*\\n\\s*value:\\s*(.*)`, 'g')))
    found.set(m[1]!, unquote(m[2]!));
  const block = /^(data|stringData):\s*\n((?:[ \t]+.*\n?|\s*\n)*)/m.exec(text);
  for (const line of block?.[2]?.split('\n') ?? []) {
    const m = new RegExp(`^\\s+(?:#\\s*)?(${NAME}):\\s*(.*)$`).exec(line);
    if (m) found.set(m[1]!, unquote(m[2]!));
  }
  return found;
}

function fromEnvFile(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of text.matchAll(new RegExp(`^#?\\s*(${NAME})=(.*)$`, 'gm'))) found.set(m[1]!, m[2]!.trim());
  return found;
}

const files = existsSync(DEPLOY)
  ? [
      ...(existsSync(path.join(DEPLOY, 'k8s'))
        ? readdirSync(path.join(DEPLOY, 'k8s'))
            .filter((f) => f.endsWith('.yaml'))
            .map((f) => path.join('deploy', 'k8s', f))
        : []),
      ...readdirSync(DEPLOY)
        .filter((f) => /^fengqiao.*\.env\.example$/.test(f)) // deploy/.env.example is compose's own
        .map((f) => path.join('deploy', f)),
    ]
  : [];

(files.length ? it : it.skip)('sets only declared variables, with values the schema accepts', () => {
  const problems: string[] = [];
  let seen = 0;
  for (const file of files) {
    const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
    const vars = file.endsWith('.yaml') ? fromManifest(text) : fromEnvFile(text);
    seen += vars.size;
    for (const name of vars.keys()) if (!(name in VARIABLES)) problems.push(`${file}: ${name} is not declared`);
    const values = Object.fromEntries([...vars].filter(([, v]) => v !== '' && !/REPLACE/.test(v)));
    for (const p of validateConfigEnv(values).problems) problems.push(`${file}: ${p}`);
  }
  expect(seen).toBeGreaterThan(5); // the files were read
  expect(problems).toEqual([]);
});
