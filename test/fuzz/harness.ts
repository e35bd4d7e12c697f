/**
 * Fuzzing the API from its own OpenAPI document with schemathesis (PyPI, installed into
 * .tools/fuzz by `scripts/install-tools.sh --fuzz`): shared by `npm run fuzz` (test/fuzz/run.ts) and
 * the bounded CI run (test/fuzz/fuzz.test.ts).
 *
 * Before the run, fixtures are made through the API itself: staff tokens, a sealed agreement (so the
 * verification routes and every document kind have something real to render), a few open cases,
 * a throwaway staff session for /auth/logout, and a user and an API key that the fuzzer may change or
 * revoke (so it never locks out the credentials it runs with). They reach schemathesis as a generated
 * schemathesis.toml: per-operation credentials, and dictionaries that put real ids into the path
 * parameters half of the time (the other half stays random).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config/paths';
import { CATEGORIES } from '../../domain/lifecycle';

/** Python modules the schemathesis processes load first (sitecustomize). */
const FUZZ_PYTHON_DIR = path.join(PROJECT_ROOT, 'test/fuzz/python');

export const FUZZ_CHECKS = [
  'not_a_server_error',
  'response_schema_conformance',
  'status_code_conformance',
  'content_type_conformance',
];

/** The schemathesis CLI: SCHEMATHESIS, else the project's tools folder; undefined when not installed. */
export function schemathesisPath(): string | undefined {
  const fromEnv = process.env.SCHEMATHESIS;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const local = path.join(PROJECT_ROOT, '.tools/fuzz/bin/st');
  return existsSync(local) ? local : undefined;
}

export interface Fixtures {
  adminToken: string;
  integratorKey: string;
  /** A staff session that /auth/logout may end. */
  logoutToken: string;
  caseIds: string[];
  agreementNumbers: string[];
  userId: string;
  apiKeyId: string;
  webhookId: string;
  alertIds: string[];
  slaPolicyIds: number[];
  unitCodes: string[];
  agencyCodes: string[];
}

type Json = Record<string, any>;

async function call(
  baseUrl: string,
  method: string,
  url: string,
  token: string,
  body?: unknown,
  expect = 200,
): Promise<Json> {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect)
    throw new Error(`fuzz fixtures: ${method} ${url} answered ${res.status}, expected ${expect}: ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200)
    throw new Error(`fuzz fixtures: login ${username} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

const PARTIES = [
  { name: '陈某', role: 'applicant', sex: 'female', phone: '13800000000', idNumber: '43070219800101002X' },
  { name: '某小吃店', role: 'respondent', kind: 'organisation', representative: '王某' },
];

/** Makes the fixtures through the API (the system must be running with the demo seed). */
export async function makeFixtures(baseUrl: string, opts: { apiKey: string; password: string }): Promise<Fixtures> {
  const adminToken = await login(baseUrl, 'admin', opts.password);
  const mediator = await login(baseUrl, 'mediator@yufuci-community', opts.password);
  const logoutToken = await login(baseUrl, 'grid@yufuci-taoli', opts.password);
  const key = opts.apiKey;

  const report = (title: string, extra: Json = {}) =>
    call(
      baseUrl,
      'POST',
      '/api/v1/disputes',
      key,
      {
        gridCode: 'yufuci-taoli',
        category: 'noise',
        title,
        description: `${title}：夜间噪音影响休息。`,
        parties: PARTIES,
        channel: 'grid-patrol',
        ...extra,
      },
      201,
    );
  const act = (id: string, action: string, body: Json, token = mediator) =>
    call(baseUrl, 'POST', `/api/v1/disputes/${id}/signals/${action}`, token, body);

  // A case through to its sealed agreement (follow_up), one in mediation, one waiting, one high-risk.
  const sealed = (await report('小吃店货梯噪音扰民')).id as string;
  await act(sealed, 'accept', {});
  await act(sealed, 'resolve', {
    facts: '小吃店货梯夜间运行噪音大。',
    matters: '货梯运行时间与隔音。',
    responsibilities: '小吃店负责整改。',
    terms: [
      {
        text: '小吃店于22时后停用货梯，并加装隔音垫。',
        obligor: '某小吃店',
        amountFen: 50000,
        method: '现金',
        place: '渔父祠社区',
        dueDate: '2026-12-31',
      },
    ],
  });
  await act(sealed, 'sign', { signer: 'party:0', method: 'signature' });
  await act(sealed, 'sign', { signer: 'party:1', method: 'seal', witness: '李某' });
  await act(sealed, 'sign', { signer: 'mediator', method: 'signature' });
  const effective = await act(sealed, 'seal', {});
  const agreementNumber = effective.agreement?.number as string | undefined;
  if (!agreementNumber)
    throw new Error(`fuzz fixtures: the sealed case has no agreement number: ${JSON.stringify(effective.agreement)}`);

  const inMediation = (await report('邻里漏水纠纷', { category: 'neighbour' })).id as string;
  await act(inMediation, 'accept', {});
  const waiting = (await report('物业维修基金使用争议', { category: 'property' })).id as string;
  const highRisk = (await report('邻居扬言报复', { highRisk: true, priority: 'urgent' })).id as string;

  const user = await call(
    baseUrl,
    'POST',
    '/api/v1/admin/users',
    adminToken,
    {
      username: 'fuzz-target',
      password: 'fuzz-target-password',
      displayName: '模糊测试账号',
      role: 'mediator',
      unitCode: 'yufuci-community',
    },
    201,
  );
  const apiKey = await call(baseUrl, 'POST', '/api/v1/admin/api-keys', adminToken, { name: 'fuzz target' }, 201);
  const webhook = await call(
    baseUrl,
    'POST',
    '/api/v1/webhooks',
    key,
    { url: 'https://93.184.216.34/fengqiao', events: ['deadline_breached'] },
    201,
  );
  const alerts = await call(baseUrl, 'GET', '/api/v1/alerts?limit=20', adminToken);
  const policies = await call(baseUrl, 'GET', '/api/v1/admin/sla-policies', adminToken);
  const units = await call(baseUrl, 'GET', '/api/v1/units', adminToken);
  const agencies = await call(baseUrl, 'GET', '/api/v1/agencies', adminToken);

  return {
    adminToken,
    integratorKey: key,
    logoutToken,
    caseIds: [sealed, inMediation, waiting, highRisk],
    agreementNumbers: [agreementNumber],
    userId: user.id as string,
    apiKeyId: apiKey.id as string,
    webhookId: webhook.id as string,
    alertIds: (alerts.items as Array<{ id: string }>).map((a) => a.id),
    slaPolicyIds: (policies.items as Array<{ id: number }>).map((p) => p.id),
    unitCodes: (units.items as Array<{ code: string }>).map((u) => u.code),
    agencyCodes: (agencies.items as Array<{ code: string }>).map((a) => a.code),
  };
}

export interface FuzzOptions {
  baseUrl: string;
  fixtures: Fixtures;
  /** Where the config, the reports and schemathesis's own files go. */
  workDir: string;
  maxExamples: number;
  /**
   * Whether the API renders PDFs (a Chromium is installed). Without one, `format=pdf` answers the
   * documented 501, which not_a_server_error would count as a failure: documents are then fuzzed as HTML only.
   */
  pdf: boolean;
  /** Phases to run (examples, coverage, fuzzing, stateful); default all. */
  phases?: string[];
  workers?: number;
  seed?: number;
  /** A time budget for the whole run, seconds (fuzzing and stateful repeat until it is spent). */
  maxTime?: number;
  /** More `st run` options (filters, reports), after the harness's own. */
  extraArgs?: string[];
  /** Lines of schemathesis output, as they come. */
  onOutput?: (text: string) => void;
}

const toml = (v: unknown): string => JSON.stringify(v);

/** The generated schemathesis.toml: credentials per operation, real ids and codes, bounds. */
export function configFor(opts: FuzzOptions): string {
  const f = opts.fixtures;
  const bearer = (token: string) => `{ Authorization = ${toml(`Bearer ${token}`)} }`;
  // Half of the generated values of these parameters are real ones (the other half stay random):
  // without them nearly every request would stop at "unknown unit" or "no such case".
  const some = (dictionary: string, probability = 0.5) =>
    `{ dictionary = "${dictionary}", probability = ${probability} }`;
  const lines = [
    '# Generated by test/fuzz/harness.ts for one run: do not edit.',
    `headers = ${bearer(f.adminToken)}`,
    'request-timeout = 40',
    'max-failures = 50',
    '',
    '[generation]',
    `max-examples = ${opts.maxExamples}`,
    'database = "none"',
    '',
    '[dictionaries]',
    `case-ids = { values = ${toml(f.caseIds)} }`,
    `request-files = { values = ${toml(f.caseIds.map((id) => `${id}.json`))} }`,
    `agreement-numbers = { values = ${toml(f.agreementNumbers)} }`,
    `alert-ids = { values = ${toml(f.alertIds.length ? f.alertIds : ['1'])} }`,
    `sla-policy-ids = { values = ${toml(f.slaPolicyIds)} }`,
    `webhook-ids = { values = ${toml([f.webhookId])} }`,
    `unit-codes = { values = ${toml(f.unitCodes)} }`,
    `agency-codes = { values = ${toml(f.agencyCodes)} }`,
    `categories = { values = ${toml(CATEGORIES)} }`,
    '',
    '[parameters]',
    `"body.gridCode" = ${some('unit-codes', 0.7)}`,
    `"body.address_id" = ${some('unit-codes', 0.7)}`,
    `"body.service_code" = ${some('categories', 0.7)}`,
    `"body.transferTo" = ${some('unit-codes')}`,
    `"body.unitCode" = ${some('unit-codes')}`,
    `"body.parentCode" = ${some('unit-codes')}`,
    `"body.areaCode" = ${some('unit-codes')}`,
    `"body.agencyCode" = ${some('agency-codes')}`,
    `"body.agencies[*]" = ${some('agency-codes', 0.7)}`,
    `"query.unit" = ${some('unit-codes')}`,
    '',
    // The default admin token sees every case; integrators report cases and own webhooks.
    '[[operations]]',
    // One filter per entry: several include-* keys in one entry are alternatives, not all required.
    'include-name = "POST /api/v1/disputes"',
    `headers = ${bearer(f.integratorKey)}`,
    '',
    '[[operations]]',
    'include-path-regex = "^/api/v1/webhooks"',
    `headers = ${bearer(f.integratorKey)}`,
    `parameters = { "path.id" = ${some('webhook-ids')} }`,
    '',
    '[[operations]]',
    'include-path-regex = "^/open311/"',
    `headers = ${bearer(f.integratorKey)}`,
    `parameters = { "path.file" = ${some('request-files')} }`,
    '',
    // Logging out ends the session it is called with: give it one of its own.
    '[[operations]]',
    'include-path = "/api/v1/auth/logout"',
    `headers = ${bearer(f.logoutToken)}`,
    '',
    // Changing or revoking these would lock the run out of its own credentials: aim them at targets of their own.
    '[[operations]]',
    'include-path = "/api/v1/admin/users/{id}"',
    `parameters = { "path.id" = ${toml(f.userId)} }`,
    '',
    '[[operations]]',
    'include-path = "/api/v1/admin/api-keys/{id}/revoke"',
    `parameters = { "path.id" = ${toml(f.apiKeyId)} }`,
    '',
    '[[operations]]',
    'include-path-regex = "^/api/v1/disputes/\\\\{id\\\\}"',
    `parameters = { "path.id" = ${some('case-ids')} }`,
    '',
    ...(opts.pdf
      ? []
      : [
          '[[operations]]',
          'include-path = "/api/v1/disputes/{id}/documents/{kind}"',
          'parameters = { "query.format" = "html" }',
          '',
        ]),
    '[[operations]]',
    'include-path-regex = "^/api/v1/agreements/"',
    `parameters = { "path.number" = ${some('agreement-numbers')} }`,
    '',
    '[[operations]]',
    'include-path = "/api/v1/alerts/{id}/ack"',
    `parameters = { "path.id" = ${some('alert-ids')} }`,
    '',
    '[[operations]]',
    'include-path = "/api/v1/admin/sla-policies/{id}"',
    `parameters = { "path.id" = ${some('sla-policy-ids')} }`,
    '',
    '[[operations]]',
    'include-path = "/api/v1/admin/units/{code}"',
    `parameters = { "path.code" = ${some('unit-codes')} }`,
    '',
    '[[operations]]',
    'include-path = "/api/v1/admin/agencies/{code}"',
    `parameters = { "path.code" = ${some('agency-codes')} }`,
    '',
    // The alert stream never ends on its own: read each answer for a moment, and only a few.
    '[[operations]]',
    'include-path = "/api/v1/alerts/stream"',
    'request-timeout = 1.5',
    'max-stream-events = 3',
    'generation = { max-examples = 5 }',
    '',
  ];
  return lines.join('\n');
}

export interface FuzzResult {
  exitCode: number;
  output: string;
  /** The summary line(s) schemathesis prints at the end. */
  summary: string;
  junitPath: string;
}

/** Runs `st run` against the running API; resolves when it exits. */
export async function runSchemathesis(opts: FuzzOptions): Promise<FuzzResult> {
  const st = schemathesisPath();
  if (!st)
    throw new Error('schemathesis is not installed: run `bash scripts/install-tools.sh --fuzz` (or set SCHEMATHESIS)');
  mkdirSync(opts.workDir, { recursive: true });
  const configPath = path.join(opts.workDir, 'schemathesis.toml');
  writeFileSync(configPath, configFor(opts));
  const junitPath = path.join(opts.workDir, 'junit.xml');
  const args = [
    '--config-file',
    configPath,
    'run',
    `${opts.baseUrl}/docs/json`,
    '--checks',
    FUZZ_CHECKS.join(','),
    // Pages for people (HTML forms behind a session cookie), documented without schemas: not API.
    '--exclude-path-regex',
    '^/console(/|$)',
    '--mode',
    'all',
    '--workers',
    String(opts.workers ?? 2),
    '--max-examples',
    String(opts.maxExamples),
    '--generation-database',
    'none',
    '--report',
    'junit',
    '--report-junit-path',
    junitPath,
    '--report-dir',
    opts.workDir,
    '--no-color',
    '--output-truncate',
    'false',
    '--wait-for-schema',
    '10',
  ];
  if (opts.phases) args.push('--phases', opts.phases.join(','));
  if (opts.seed !== undefined) args.push('--seed', String(opts.seed));
  if (opts.maxTime !== undefined) args.push('--max-time', String(opts.maxTime));
  args.push(...(opts.extraArgs ?? []));

  // Asynchronously: the API under test may run in this very process.
  // PYTHONPATH: test/fuzz/python/sitecustomize.py, a guard against a CPython 3.11 crash inside hypothesis (see there).
  const pythonPath = [FUZZ_PYTHON_DIR, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  const env = { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: '', PYTHONPATH: pythonPath };
  const child = spawn(st, args, { cwd: opts.workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    opts.onOutput?.(text);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
  writeFileSync(path.join(opts.workDir, 'output.txt'), output);
  const summary = output
    .split('\n')
    .filter((l) => /^=+ .* =+$/.test(l.trim()) || /\b(passed|failed|skipped|errors?)\b.*in [\d.]+s/.test(l))
    .slice(-2)
    .join('\n');
  return { exitCode, output, summary, junitPath };
}

/** The numbers of the JUnit report: test cases (operations × phases) and failures. */
export function junitFigures(
  junitPath: string,
): { tests: number; failures: number; errors: number; skipped: number } | undefined {
  if (!existsSync(junitPath)) return undefined;
  const xml = readFileSync(junitPath, 'utf8');
  const m = /<testsuite\b[^>]*>/.exec(xml)?.[0] ?? '';
  const n = (attr: string) => Number(new RegExp(`\\b${attr}="(\\d+)"`).exec(m)?.[1] ?? 0);
  return { tests: n('tests'), failures: n('failures'), errors: n('errors'), skipped: n('skipped') };
}
