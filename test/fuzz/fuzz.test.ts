/**
 * The bounded fuzz run of CI: schemathesis over every operation of the OpenAPI document, against the
 * real system (the run's Temporal dev server, a PostgreSQL database of its own, a worker) with the API
 * listening on a free port. Fails on any 5xx, any response that does not match its documented schema, status code
 * or content type. `npm run fuzz` is the longer run (test/fuzz/run.ts).
 *
 * Skipped, saying so, only when schemathesis is not installed (`npm test` installs it: pretest).
 * FUZZ_CI_MAX_EXAMPLES and FUZZ_SEED change the bounds.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { junitFigures, makeFixtures, runSchemathesis, schemathesisPath } from './harness';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { seedDemo } from '../../demo/seed';
import { startSystem, type TestSystem } from '../helpers/system';
import { findChromium } from '../../templates/pdf';
import { TEST_API_KEY, TEST_PASSWORD } from '../helpers/run-state';

const st = schemathesisPath();
if (!st) {
  console.warn(
    'test/fuzz: SKIPPED — schemathesis is not installed; run `bash scripts/install-tools.sh --fuzz` (npm test does it in pretest)',
  );
}

/** Server errors the API logged (with their stacks), to show next to a failing run. */
const serverErrors: string[] = [];
const errorLog = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) serverErrors.push(line);
    done();
  },
});

let sys: TestSystem;
let baseUrl: string;
const workDir = path.join(__dirname, '../.tmp', `fuzz-ci-${process.pid}`);

// The fuzzer changes what it may (SLA policies, risk keywords, units, users): on a database of its
// own, so that no other test file of the run sees its changes. Temporal is the run's (own task queue).
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `fengqiao_fuzz_${process.pid}_${Date.now().toString(36)}`;

beforeAll(async () => {
  if (!st) return;
  await ensureDatabase(adminUrl, dbName);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const orm = await initORM(url.toString(), { migrations: { ...ormOptions('').migrations, silent: true } });
  try {
    await migrate(orm);
    await seedDemo(orm.em.fork(), { demoPassword: TEST_PASSWORD, demoApiKey: TEST_API_KEY });
  } finally {
    await orm.close();
  }
  // startSystem reads DATABASE_URL; the jest worker runs other test files after this one: put it back.
  const runDatabase = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url.toString();
  try {
    sys = await startSystem({ logger: { level: 'error', stream: errorLog }, webhooksToPrivateAddresses: false });
  } finally {
    process.env.DATABASE_URL = runDatabase;
  }
  await sys.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(sys.app.server.address() as { port: number }).port}`;
}, 60_000);
let passed = false;
afterAll(async () => {
  await sys?.close();
  if (st) await dropDatabase(adminUrl, dbName);
  // A failed run keeps its reports (output.txt, junit.xml, schemathesis.toml) for a look.
  if (passed) rmSync(workDir, { recursive: true, force: true });
});

(st ? it : it.skip)(
  st
    ? 'answers every generated request without a server error, as its OpenAPI document says'
    : 'fuzz SKIPPED: schemathesis not installed (bash scripts/install-tools.sh --fuzz)',
  async () => {
    const fixtures = await makeFixtures(baseUrl, { apiKey: TEST_API_KEY, password: TEST_PASSWORD });
    const run = () =>
      runSchemathesis({
        baseUrl,
        fixtures,
        workDir,
        // startSystem renders PDFs exactly when Chromium is found.
        pdf: !!findChromium(process.env.CHROMIUM_PATH),
        maxExamples: Number(process.env.FUZZ_CI_MAX_EXAMPLES ?? 5),
        // Stateful testing follows links between operations; it is for the longer `npm run fuzz`.
        phases: ['examples', 'coverage', 'fuzzing'],
        workers: 2,
        seed: Number(process.env.FUZZ_SEED ?? 20260),
      });
    let result = await run();
    // CPython 3.11 sometimes crashes inside hypothesis while it describes a lambda ("AST constructor
    // recursion depth mismatch"): schemathesis reports a Runtime Error of its own, with no request
    // failing. test/fuzz/python/sitecustomize.py keeps that crash out of the lambda descriptions (in
    // one CI run it had hit both runs); should it surface elsewhere in the tool, run once more, and the
    // second run must pass in full.
    if (
      result.exitCode !== 0 &&
      serverErrors.length === 0 &&
      junitFigures(result.junitPath)?.failures === 0 &&
      /AST constructor recursion depth mismatch/.test(result.output)
    ) {
      console.warn('schemathesis crashed inside hypothesis (CPython AST recursion bug); running it once more');
      result = await run();
    }
    const figures = junitFigures(result.junitPath);
    // What a reader of the CI log needs: the failures as schemathesis prints them, and the stacks.
    const report = `${result.output.split('\n').slice(-200).join('\n')}\n--- API server errors ---\n${serverErrors.slice(-50).join('\n')}`;
    expect({
      exitCode: result.exitCode,
      failures: figures?.failures,
      serverErrors: serverErrors.length,
      report: result.exitCode === 0 ? '' : report,
    }).toEqual({
      exitCode: 0,
      failures: 0,
      serverErrors: 0,
      report: '',
    });
    // The run reached the operations: it is not green by having tested nothing.
    expect(figures?.tests).toBeGreaterThan(50);
    // And its generators sent every kind of Unicode edge string (test/fuzz/python/unicode_edges.py).
    const edges = JSON.parse(readFileSync(path.join(workDir, 'unicode-edges.json'), 'utf8')) as Record<string, number>;
    expect(Object.entries(edges).filter(([, n]) => n === 0)).toEqual([]);
    expect(Object.keys(edges)).toHaveLength(7);
    passed = true;
  },
  // About 75 s on an idle 2-core machine; a loaded one (other suites in parallel) can take three times that.
  420_000,
);
