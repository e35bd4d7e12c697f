/**
 * The worker image's prebuilt workflow bundle (issue 23): scripts/build-workflow-bundle.ts builds it
 * with its manifest; the worker process, started as the image starts it (worker/main.ts with
 * WORKFLOW_BUNDLE_PATH), loads it instead of bundling, and runs a case end to end on the run's dev
 * server and PostgreSQL, in a namespace made by the deploy script (deploy/k8s/temporal-setup/
 * temporal-namespace.sh, also compose's). A stale bundle is refused when named, ignored when only
 * found at the default place.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { buildApp } from '../../api/app';
import { initORM } from '../../db/orm';
import { createRenderer } from '../../templates/render';
import { temporalCliPath } from '../../temporal/tools';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import {
  checkBundle,
  manifestPathFor,
  sha256,
  sourcesHash,
  workflowBundleFromEnv,
  type BundleManifest,
} from '../../worker/bundle';
import { SEARCH_ATTRIBUTES, TASK_QUEUE, workflowIdFor } from '../../workflows/dispute.messages';
import { taoliLiftNoise } from '../helpers/fixtures';
import { TEST_PAYLOAD_KEYS_ENV, testDataConverter } from '../helpers/payload-keys';
import { TEST_API_KEY, TEST_PASSWORD } from '../helpers/run-state';
import { eventually, expectStatus } from '../helpers/system';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '../..');
const NAMESPACE = `fq-deploy-${process.pid}`;
let dir: string;
let bundle: string;
let manifest: BundleManifest;

beforeAll(async () => {
  mkdirSync(path.join(ROOT, 'test/.tmp'), { recursive: true });
  dir = mkdtempSync(path.join(ROOT, 'test/.tmp/deploy-bundle-'));
  bundle = path.join(dir, 'workflow-bundle.js');
  manifest = await buildWorkflowBundle({ outFile: bundle });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the bundle whose manifest says `rel` had other contents when it was built: a stale bundle. */
function staleCopy(name: string, rel: string): string {
  const sub = path.join(dir, name);
  mkdirSync(sub);
  const code = path.join(sub, 'workflow-bundle.js');
  copyFileSync(bundle, code);
  // Paths in the manifest are relative to its folder: one level deeper here.
  const files = Object.fromEntries(
    Object.entries(manifest.files).map(([f, h]) => [path.join('..', f), f === rel ? sha256('an older version') : h]),
  );
  const stale: BundleManifest = {
    ...manifest,
    files,
    sourcesSha256: sourcesHash(files),
    workflowInterceptorModules: manifest.workflowInterceptorModules.map((m) => path.join('..', m)),
  };
  writeFileSync(manifestPathFor(code), JSON.stringify(stale));
  return code;
}

describe('the bundle and its manifest', () => {
  it('lists the workflow sources it was built from, and is current', () => {
    const files = Object.keys(manifest.files);
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/workflows\/dispute\.workflow\.ts$/)]));
    expect(files.some((f) => f.includes('node_modules/@temporalio/workflow/'))).toBe(true);
    // Tracing's workflow interceptors are in it, so one bundle serves with tracing on or off.
    expect(manifest.workflowInterceptorModules).toEqual([
      expect.stringMatching(/telemetry\/workflow-interceptors\.ts$/),
      expect.stringMatching(/interceptors-opentelemetry\/lib\/workflow-interceptors\.js$/),
    ]);
    expect(checkBundle(bundle)).toMatchObject({ ok: true });
  });

  it('is stale when a source differs, the bundle was altered, or the manifest is missing', () => {
    const rel = Object.keys(manifest.files).find((f) => f.endsWith('workflows/dispute.workflow.ts'))!;
    const stale = staleCopy('stale', rel);
    const check = checkBundle(stale);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(/stale bundle.*workflows\/dispute\.workflow\.ts$/);

    const altered = staleCopy('altered', 'none');
    expect(checkBundle(altered)).toMatchObject({ ok: true });
    appendFileSync(altered, '\n// patched');
    expect(checkBundle(altered)).toMatchObject({ ok: false, reason: expect.stringContaining('bundle file itself') });

    rmSync(manifestPathFor(altered));
    expect(checkBundle(altered)).toMatchObject({ ok: false, reason: expect.stringContaining('no manifest') });

    // A worker that needs an interceptor module the bundle lacks.
    expect(checkBundle(bundle, [path.join(ROOT, 'workflows/index.ts'), path.join(ROOT, 'nowhere.ts')])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('nowhere.ts'),
    });
  });

  it('the worker refuses a stale bundle it is told to use, and ignores one it only found', () => {
    const rel = Object.keys(manifest.files).find((f) => f.endsWith('workflows/dispute.workflow.ts'))!;
    const stale = staleCopy('stale-env', rel);
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => warnings.push(m) };
    expect(() => workflowBundleFromEnv({ WORKFLOW_BUNDLE_PATH: stale }, log)).toThrow(
      /WORKFLOW_BUNDLE_PATH.*stale bundle.*dispute\.workflow\.ts/,
    );
    // Found at the default place only: bundled at start instead, with a warning.
    expect(workflowBundleFromEnv({}, log, stale)).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/ignored, bundling at start.*stale bundle/)]);
    expect(workflowBundleFromEnv({}, log, bundle)).toEqual({ codePath: bundle });
    expect(workflowBundleFromEnv({ WORKFLOW_BUNDLE_PATH: 'none' }, log, bundle)).toBeUndefined();
  });
});

describe('a worker process started from the prebuilt bundle', () => {
  let child: ChildProcess | undefined;
  let output = '';
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  /** worker/main.ts as `node dist/worker/main.js` runs it in the image, under ts-node. */
  function startWorker(env: Record<string, string>): ChildProcess {
    const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'worker/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        TS_NODE_SWC: 'true',
        NODE_ENV: 'test',
        DATABASE_URL: process.env.DATABASE_URL!,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
        TEMPORAL_NAMESPACE: NAMESPACE,
        PAYLOAD_KEYS: TEST_PAYLOAD_KEYS_ENV,
        WORKER_LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    return proc;
  }

  it('refuses to start on a stale bundle, naming the file', async () => {
    const rel = Object.keys(manifest.files).find((f) => f.endsWith('workflows/dispute.workflow.ts'))!;
    output = '';
    const proc = startWorker({ WORKFLOW_BUNDLE_PATH: staleCopy('stale-process', rel) });
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/WORKFLOW_BUNDLE_PATH.*stale bundle.*workflows\/dispute\.workflow\.ts/);
  });

  it('runs a case reported and accepted through the API, in a namespace made by the deploy script', async () => {
    // The namespace and its search attributes, as compose and the Kubernetes Job make them.
    await promisify(execFile)('sh', [path.join(ROOT, 'deploy/k8s/temporal-setup/temporal-namespace.sh')], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
        TEMPORAL_NAMESPACE: NAMESPACE,
        TEMPORAL_CLI: temporalCliPath(),
      },
    });
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: NAMESPACE });
    const typeName = (t: number) => proto.api.enums.v1.IndexedValueType[t]!.replace('INDEXED_VALUE_TYPE_', '');
    expect(
      Object.fromEntries(Object.entries(customAttributes ?? {}).filter(([name]) => name.startsWith('Fengqiao'))),
    ).toEqual(
      Object.fromEntries(
        SEARCH_ATTRIBUTES.map((k) => [k.name, proto.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${k.type}`]]),
      ),
    );
    expect(Object.values(customAttributes ?? {}).map(typeName)).toEqual(
      expect.arrayContaining(['KEYWORD', 'DATETIME', 'BOOL']),
    );

    output = '';
    const started = Date.now();
    child = startWorker({ WORKFLOW_BUNDLE_PATH: bundle });
    await eventually(async () => output.includes('workflow bundle: prebuilt'), 60_000, 'the worker to load the bundle');
    expect(output).toContain(`workflow bundle: prebuilt ${bundle} (sources ${manifest.sourcesSha256.slice(0, 12)})`);

    // The API in-process, on the worker's namespace and task queue.
    const client = new Client({ connection, namespace: NAMESPACE, dataConverter: testDataConverter() });
    const orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 4 } });
    const app = await buildApp({
      config: {
        tokenTtlSeconds: 3600,
        logLevel: 'silent',
        rateLimits: { perKey: 1e6, perIp: 1e6, loginPerIp: 1e6 },
        rateLimitNamespace: NAMESPACE,
      },
      orm,
      temporal: client,
      renderer: createRenderer(),
      taskQueue: TASK_QUEUE,
      logger: false,
    });
    try {
      const integrator = { authorization: `Bearer ${TEST_API_KEY}` };
      const created = expectStatus(
        await app.inject({ method: 'POST', url: '/api/v1/disputes', headers: integrator, payload: taoliLiftNoise() }),
        201,
      );
      expect(created.stage).toBe('awaiting_acceptance');
      const token = expectStatus(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/token',
          payload: { username: 'mediator@yufuci-community', password: TEST_PASSWORD },
        }),
        200,
      ).access_token;
      const accepted = expectStatus(
        await app.inject({
          method: 'POST',
          url: `/api/v1/disputes/${created.id}/signals/accept`,
          headers: { authorization: `Bearer ${token}` },
          payload: { note: '已接单' },
        }),
        200,
      );
      expect(accepted.stage).toBe('in_mediation');
      const events = expectStatus(
        await app.inject({ url: `/api/v1/disputes/${created.id}/events`, headers: integrator }),
        200,
      );
      expect(events.items.map((e: { type: string }) => e.type)).toEqual(['received', 'accepted']);
      // The case's workflow ran on that worker, in that namespace.
      const described = await client.workflow.getHandle(workflowIdFor(created.id)).describe();
      expect(described.taskQueue).toBe(TASK_QUEUE);
      expect(described.status.name).toBe('RUNNING');
      // No bundling at start: webpack's output never appeared, and the worker was polling within seconds.
      expect(output).not.toMatch(/Workflow bundle created|asset workflow-bundle/);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      await app.close();
      await orm.close();
      await connection.close();
    }
  });
});
