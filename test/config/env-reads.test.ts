/**
 * Every environment variable the code reads is declared in the schema (config/schema-vars*.ts):
 * `process.env.X`, `env.X`, `env['X']` and `const { X } = process.env` in the repository's .ts files
 * outside test/, node_modules/ and dist/. And nothing is declared that nothing reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config/paths';
import { VARIABLES } from '../../config/schema-all';

/**
 * Read but not configuration, so not in the schema:
 * - PATH, HOME: the standard ones, passed through to child processes (bench/lib/system.ts);
 * - BENCH_* plumbing that bench/lib/system.ts sets for its own worker children (bench/worker-child.ts).
 */
const NOT_CONFIGURATION = new Set([
  'PATH',
  'HOME',
  'BENCH_WORKER_MODE',
  'BENCH_WORKER_TUNING',
  'BENCH_TASK_QUEUE',
  'BENCH_DISPUTE_BUNDLE',
  'BENCH_BARE_TASK_QUEUE',
  'BENCH_BARE_BUNDLE',
]);
const SKIP = new Set(['node_modules', 'dist', '.git', '.tools', 'data', 'coverage']);

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) tsFiles(full, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const READS = [
  /\bprocess\.env\.([A-Z][A-Z0-9_]*)/g,
  /\benv\.([A-Z][A-Z0-9_]*)/g,
  /\benv\[\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*\]/g,
];
const DESTRUCTURED = /\{([^}]*)\}\s*=\s*process\.env\b/g;

/** Variable name → the files (relative) that read it. */
export function envReads(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (name: string, file: string) => found.set(name, [...(found.get(name) ?? []), file]);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const rel = path.relative(PROJECT_ROOT, file);
    for (const re of READS) for (const m of text.matchAll(re)) add(m[1]!, rel);
    for (const m of text.matchAll(DESTRUCTURED))
      for (const part of m[1]!.split(',')) {
        const name = part.split(':')[0]!.trim();
        if (/^[A-Z][A-Z0-9_]*$/.test(name)) add(name, rel);
      }
  }
  return found;
}

const all = tsFiles(PROJECT_ROOT);
const source = all.filter((f) => !path.relative(PROJECT_ROOT, f).startsWith(`test${path.sep}`));

it('declares every variable the code reads', () => {
  const reads = envReads(source);
  expect(reads.size).toBeGreaterThan(40); // the scan does find the reads
  const undeclared = [...reads]
    .filter(([name]) => !(name in VARIABLES) && !NOT_CONFIGURATION.has(name))
    .map(([name, files]) => `${name} (${[...new Set(files)].join(', ')})`);
  expect(undeclared).toEqual([]);
  // The allow-list holds only names still read.
  expect([...NOT_CONFIGURATION].filter((name) => !reads.has(name))).toEqual([]);
});

it('reads every declared variable somewhere (or a library does)', () => {
  const declarations = /config[\\/]schema-vars[^\\/]*\.ts$/;
  const text = all
    .filter((f) => !declarations.test(f))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const unread = Object.entries(VARIABLES)
    .filter(([name, spec]) => !spec.meta.readBy && !new RegExp(`\\b${name}\\b`).test(text))
    .map(([name]) => name);
  expect(unread).toEqual([]);
});
