// ESLint: typed rules everywhere (no floating promises), no import up the layers, and Temporal's
// determinism guards for workflow code: no Node built-ins, no I/O clients, no value imports of activities.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

// Layers, bottom up: domain ← config ← templates ← db ← activities ← workflows ← api/console. A
// folder imports its own files and the folders listed for it, never one above it; temporal/ (the
// server's tooling) and worker/ sit between workflows and the API, security/ beside domain, demo/ (the
// demo seed and history) above the API. scripts/,
// bench/ and test/ are harnesses over the whole system (they may import anything); nothing imports them.
// Checked with the built-in no-restricted-imports: every import in the project is relative, so the
// number of `../` at a file's depth names the top-level folder exactly, with no resolver or plugin.
const FOLDERS = [
  'domain',
  'security',
  'config',
  'telemetry',
  'templates',
  'db',
  'storage',
  'parties',
  'notifications',
  'activities',
  'workflows',
  'temporal',
  'worker',
  'api',
  'attachments',
  'console',
  'demo',
  'ops',
  'scripts',
  'bench',
  'test',
  'migrations',
];
const BELOW = {};
BELOW.domain = [];
BELOW.security = ['domain'];
BELOW.config = ['domain'];
// Tracing and log correlation (issue 23): OpenTelemetry and Temporal's interceptors over config and security only;
// temporal/, worker/ and the API wire it in.
BELOW.telemetry = [...BELOW.config, 'config', 'security'];
BELOW.templates = [...BELOW.config, 'config', 'security'];
BELOW.db = [...BELOW.templates, 'templates'];
// Notices to people (issue 22): beside activities, which call them on the side of what the case records.
BELOW.notifications = [...BELOW.db, 'db'];
// The attachment stores (PostgreSQL, S3) and the parties' codes and links (issue 22): beside db.
BELOW.storage = [...BELOW.db, 'db'];
BELOW.parties = [...BELOW.db, 'db'];
BELOW.activities = [...BELOW.db, 'db', 'notifications', 'storage', 'parties'];
BELOW.workflows = [...BELOW.activities, 'activities'];
BELOW.temporal = [...BELOW.workflows, 'workflows', 'telemetry'];
BELOW.worker = [...BELOW.temporal, 'temporal'];
BELOW.api = [...BELOW.temporal, 'temporal', 'console', 'attachments', 'ops'];
BELOW.console = [...BELOW.temporal, 'temporal', 'api', 'attachments'];
// Evidence intake (issue 22) answers with the API's errors and records through the workflow: the API's level.
BELOW.attachments = [...BELOW.temporal, 'temporal', 'api'];
// Operators' tools (issue 23: the reconciler, retention, personal-data export) read PostgreSQL and Temporal
// as the API does: the API's level (its admin routes and housekeeping may call them; they never import api/).
BELOW.ops = [...BELOW.temporal, 'temporal'];
// The demo data (seed and history) fills a system through its own API: above everything but the harnesses.
BELOW.demo = [...BELOW.temporal, 'temporal', 'api', 'console', 'attachments'];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Top-level folders of TypeScript that the map does not place yet (each of their files then fails lint). */
const NOT_CODE = ['node_modules', 'dist', 'dist-bench', 'data', 'coverage'];
const unplaced = readdirSync(import.meta.dirname, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !NOT_CODE.includes(d.name) && !FOLDERS.includes(d.name))
  .map((d) => d.name)
  .filter((name) =>
    readdirSync(path.join(import.meta.dirname, name), { recursive: true }).some((f) => String(f).endsWith('.ts')),
  );

/** Workflow and domain code is deterministic: no Node built-ins, no I/O clients, activities by type only. */
const DETERMINISM = {
  paths: [
    ...NODE_BUILTINS.flatMap((m) => [
      { name: m, message: 'Workflow code is deterministic: no Node built-ins.' },
      { name: `node:${m}`, message: 'Workflow code is deterministic: no Node built-ins.' },
    ]),
    { name: '@temporalio/client', message: 'Workflows do not use the client.' },
    { name: '@temporalio/worker', message: 'Workflows do not use the worker.' },
    { name: '@temporalio/activity', message: 'Workflows call activities through proxyActivities.' },
  ],
  patterns: [
    {
      group: ['**/activities', '**/activities/*'],
      allowTypeImports: true,
      message: 'Import activities with `import type` only.',
    },
    { group: ['**/db/*', '**/api/*', '@mikro-orm/*', 'fastify', 'pg'], message: 'No I/O in workflow or domain code.' },
  ],
};

/** One no-restricted-imports per folder and file depth (flat config does not merge a rule's options). */
function layerConfigs(maxDepth = 8) {
  const configs = [];
  for (const [folder, below] of Object.entries(BELOW)) {
    const forbidden = FOLDERS.filter((f) => f !== folder && !below.includes(f));
    for (let depth = 1; depth <= maxDepth; depth++) {
      const up = '\\.\\./'.repeat(depth);
      const layers = forbidden.map((f) => ({
        regex: `^(\\./)?${up}${escape(f)}(/|$)`,
        message: `${folder}/ may not import ${f}/: imports run down the layers (domain ← config ← templates ← db ← activities ← workflows ← api/console; the map is in eslint.config.mjs). Move the shared part down, or invert the dependency.`,
      }));
      const deterministic = folder === 'workflows' || folder === 'domain';
      configs.push({
        files: [`${folder}/${'*/'.repeat(depth - 1)}*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            deterministic
              ? { paths: DETERMINISM.paths, patterns: [...DETERMINISM.patterns, ...layers] }
              : { patterns: layers },
          ],
        },
      });
    }
  }
  for (const folder of unplaced) {
    configs.push({
      files: [`${folder}/**/*.ts`],
      rules: {
        'no-restricted-syntax': [
          'error',
          {
            selector: 'Program',
            message: `${folder}/ has no place in the layers yet: add it to FOLDERS and BELOW in eslint.config.mjs (what it may import, and who may import it).`,
          },
        ],
      },
    });
  }
  return configs;
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-bench/**',
      'data.old-*/**',
      'node_modules/**',
      '.tools/**',
      'data/**',
      'coverage/**',
      'test/.tmp/**',
      'migrations/**',
      '*.config.js',
      '*.config.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The console's browser script: plain ES5-style JavaScript served as is, no type information.
    files: ['console/static/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        EventSource: 'readonly',
        fetch: 'readonly',
        FormData: 'readonly',
        URLSearchParams: 'readonly',
        Date: 'readonly',
        JSON: 'readonly',
      },
    },
  },
  ...layerConfigs(),
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() or condition() with a timeout.' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
        { name: 'fetch', message: 'I/O belongs in activities.' },
      ],
    },
  },
);
