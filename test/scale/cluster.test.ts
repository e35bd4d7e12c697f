/**
 * `npm run test:scale`: the system as a deployment runs it, on a Temporal server and namespace of
 * its own: two worker processes and two API processes (real child processes, each configured by
 * its environment only), one database. What an operator and the users would see:
 * a case reported on one API is acted on through the other; a live alert reaches the streams of
 * both; a worker killed with SIGKILL mid-flight leaves every case to finish on the other; each
 * API's /readyz says 503 naming `workers` while no worker polls, and `alertListener` while its
 * LISTEN session is gone, and 200 again once they are back. Figures are printed at the end.
 */
import { startScaleCluster, WORKER_MAX_AGE_SECONDS, type ScaleCluster } from './cluster';
import { get, login, openAlertStream, post, type AlertStream, type Headers } from './driver';
import { alive, probe, stopProc, until, type Proc } from './processes';
import { LONG_POLL_SECONDS } from './temporal-server';
import { TEST_API_KEY } from '../helpers/run-state';

jest.setTimeout(170_000);

let cluster: ScaleCluster;
const figures: Record<string, string> = {};
const streams: AlertStream[] = [];
const integrator: Headers = { authorization: `Bearer ${TEST_API_KEY}` };

const all = (): Proc[] => [...cluster.apis, ...cluster.workers.filter(alive)];
const ready = (p: { status: number }) => p.status === 200;

beforeAll(async () => {
  const t0 = Date.now();
  cluster = await startScaleCluster();
  figures['cluster set up (Temporal + namespace, database, bundle)'] = `${Date.now() - t0} ms`;
}, 120_000);

afterAll(async () => {
  for (const s of streams) s.close();
  await cluster?.close();
  console.log(
    `scale figures:\n${Object.entries(figures)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n')}`,
  );
});

const report = (category: string, gridCode: string, title: string) => ({
  gridCode,
  category,
  title,
  description: '两户邻居因漏水与围墙位置发生争执，多次协商未果。',
  parties: [
    { name: '赵某', role: 'applicant' },
    { name: '钱某', role: 'respondent' },
  ],
  channel: '12345',
});

it('starts two workers and two APIs, each ready (API /readyz, worker /readyz and /healthz)', async () => {
  for (const w of cluster.workers) {
    const { ms } = await until(`${w.name} ready`, () => probe(w.baseUrl, '/readyz'), ready, 90_000, all());
    figures[`${w.name} ready after start`] = `${Date.now() - w.startedAt} ms (polled ${ms} ms)`;
    const live = await probe(w.baseUrl, '/healthz');
    expect(live).toEqual({ status: 200, body: { status: 'ok', state: 'RUNNING' } });
    expect((await probe(w.baseUrl, '/readyz')).body).toEqual({
      status: 'ready',
      checks: { worker: { ok: true, state: 'RUNNING' }, database: { ok: true }, temporal: { ok: true } },
    });
  }
  for (const a of cluster.apis) {
    const { probe: answer } = await until(`${a.name} ready`, () => probe(a.baseUrl, '/readyz'), ready, 90_000, all());
    figures[`${a.name} ready after start`] = `${Date.now() - a.startedAt} ms`;
    expect(answer.body).toEqual({
      status: 'ready',
      checks: { database: { ok: true }, temporal: { ok: true }, workers: { ok: true }, alertListener: { ok: true } },
    });
  }
});

it('takes a case reported on one API and acted on through the other', async () => {
  const [api1, api2] = cluster.apis.map((a) => a.baseUrl) as [string, string];
  const created = await post(api1, '/api/v1/disputes', integrator, report('noise', 'yufuci-taoli', '规模测试 跨进程'));
  expect(created.status).toBe(201);
  const mediator = await login(api2, 'mediator@yufuci-community');
  const accepted = await post(api2, `/api/v1/disputes/${created.json.id}/signals/accept`, mediator, {});
  expect([accepted.status, accepted.json.stage]).toEqual([200, 'in_mediation']);
  const seen = await get(api1, `/api/v1/disputes/${created.json.id}`, integrator);
  expect([seen.status, seen.json.stage]).toEqual([200, 'in_mediation']);
});

it('streams a live alert to the supervisors on both APIs', async () => {
  const [api1, api2] = cluster.apis.map((a) => a.baseUrl) as [string, string];
  for (const base of [api1, api2]) {
    const s = await openAlertStream(base, await login(base, 'supervisor@wangjiaqiao-street'));
    expect(s.status).toBe(200);
    streams.push(s);
  }
  // `land` at a community breaches its 2 s accept deadline.
  const created = await post(api2, '/api/v1/disputes', integrator, report('land', 'wangjiaqiao-g1', '规模测试 告警'));
  expect(created.status).toBe(201);
  const started = Date.now();
  const breachOn = (s: AlertStream) =>
    s.alerts.find((a) => a.disputeId === created.json.id && a.kind === 'accept_breach');
  await until(
    'the breach on both streams',
    async () => ({ status: streams.every(breachOn) ? 200 : 0, body: streams.map((s) => s.alerts.length) }),
    ready,
    30_000,
    all(),
  );
  figures['accept breach on both streams after the report'] = `${Date.now() - started} ms (deadline 2000 ms)`;
  const [a, b] = streams.map(breachOn);
  expect(a).toEqual(b); // the same alert, by id, on both processes
  expect(a).toMatchObject({ unitCode: 'wangjiaqiao-community' });
  for (const s of streams.splice(0)) s.close();
});

const TERMS = {
  facts: '楼上卫生间防水层破损导致楼下天花板渗水。',
  matters: '维修与赔偿。',
  responsibilities: '楼上住户承担维修责任。',
  terms: [
    { text: '钱某负责修复防水层并赔偿赵某', obligor: '钱某', amountFen: 150_000, method: '现金', immediate: true },
  ],
};
const STEPS: Array<[string, object]> = [
  ['accept', {}],
  [
    'record-consent',
    { party: 0, consented: true, manner: 'by_application', rightsNotice: 'written', inviteOthers: true },
  ],
  ['record-consent', { party: 1, consented: true, manner: 'oral', rightsNotice: 'written', inviteOthers: true }],
  ['resolve', TERMS],
  ['sign', { signer: 'party:0', method: 'signature' }],
  ['sign', { signer: 'party:1', method: 'fingerprint', witness: '孙某' }],
  ['sign', { signer: 'mediator', method: 'signature' }],
  ['seal', {}],
];
const CASES = 6;

it('finishes every case through the remaining worker when one is killed with SIGKILL mid-flight', async () => {
  const bases = cluster.apis.map((a) => a.baseUrl);
  const mediators = await Promise.all(bases.map((b) => login(b, 'mediator@yufuci-community')));
  let done = 0;
  let killedAt = 0;
  const finishedAt: number[] = [];
  const kill = (async () => {
    // Mid-flight: once about a third of the actions are through, and the rest still to come.
    while (done < (CASES * STEPS.length) / 3) await new Promise((r) => setTimeout(r, 20));
    killedAt = Date.now();
    await stopProc(cluster.workers[0]!, 'SIGKILL');
  })();
  const ids = await Promise.all(
    Array.from({ length: CASES }, async (_, n) => {
      const created = await post(
        bases[n % 2]!,
        '/api/v1/disputes',
        integrator,
        report('noise', 'yufuci-taoli', `规模测试 ${n}`),
      );
      expect(created.status).toBe(201);
      for (const [i, [action, body]] of STEPS.entries()) {
        const api = (n + i) % 2; // each step through the other API
        const res = await post(
          bases[api]!,
          `/api/v1/disputes/${created.json.id}/signals/${action}`,
          mediators[api]!,
          body,
          {
            ms: 90_000,
          },
        );
        if (res.status !== 200) throw new Error(`case ${n} ${action}: ${res.status} ${JSON.stringify(res.json)}`);
        done++;
      }
      finishedAt.push(Date.now());
      return created.json.id as string;
    }),
  );
  await kill;
  expect(alive(cluster.workers[0]!)).toBe(false);
  expect(alive(cluster.workers[1]!)).toBe(true);
  for (const [n, id] of ids.entries()) {
    const seen = await get(bases[(n + 1) % 2]!, `/api/v1/disputes/${id}`, integrator);
    expect([n, seen.json.stage]).toEqual([n, 'follow_up']);
  }
  figures[`${CASES} cases × ${STEPS.length} actions: all sealed after the SIGKILL`] =
    `${Math.max(...finishedAt) - killedAt} ms`;
});

it('is not ready on either API while no worker polls, and ready again once a worker is back', async () => {
  // The other worker stops too (SIGTERM: a graceful shutdown, as a rollout or a scale-down does).
  const stoppedAt = Date.now();
  await stopProc(cluster.workers[1]!, 'SIGTERM');
  for (const a of cluster.apis) {
    const { probe: answer } = await until(
      `${a.name} not ready`,
      () => probe(a.baseUrl, '/readyz'),
      (p) => p.status === 503,
      (WORKER_MAX_AGE_SECONDS + LONG_POLL_SECONDS + 15) * 1000,
      cluster.apis,
      500,
    );
    expect(answer.body).toEqual({
      status: 'not ready',
      checks: {
        database: { ok: true },
        temporal: { ok: true },
        // The workflow and the activity pollers age out a moment apart: either or both are named.
        workers: { ok: false, error: expect.stringMatching(/^no (workflow|activity|workflow or activity) poller$/) },
        alertListener: { ok: true },
      },
    });
    figures[`${a.name} /readyz 503 (workers) after the last worker stopped`] = `${Date.now() - stoppedAt} ms`;
  }
  const w = cluster.startWorker(0);
  for (const a of cluster.apis) {
    await until(`${a.name} ready again`, () => probe(a.baseUrl, '/readyz'), ready, 60_000, [...cluster.apis, w], 250);
    figures[`${a.name} /readyz 200 after a worker restarted`] = `${Date.now() - w.startedAt} ms`;
  }
});

it("is not ready while its alert listener's session is gone, and ready again once it has reconnected", async () => {
  const [api1, api2] = cluster.apis as [Proc, Proc];
  const [role1] = cluster.apiRoles;
  // API 1's listener session ended from the server side, and its role locked out meanwhile (as during
  // a failover), so that it cannot reconnect at once.
  await cluster.admin.query(`alter role ${role1} nologin`);
  const killedAt = Date.now();
  try {
    const { rows } = await cluster.db.query(
      `select pg_terminate_backend(pid) as ended from pg_stat_activity
        where usename = $1 and application_name = 'fengqiao-alert-stream'`,
      [role1],
    );
    expect(rows).toEqual([{ ended: true }]);
    const { probe: down } = await until(
      'API 1 not ready',
      () => probe(api1.baseUrl, '/readyz'),
      (p) => p.status === 503 && p.body?.checks?.alertListener?.ok === false,
      10_000,
      cluster.apis,
      50,
    );
    expect(down.body.checks.alertListener).toEqual({ ok: false, error: 'not listening' });
    figures['API 1 /readyz 503 (alertListener) after its LISTEN session ended'] = `${Date.now() - killedAt} ms`;
    // Still down while it cannot log in; the other API's listener is untouched.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await probe(api1.baseUrl, '/readyz')).body.checks.alertListener.ok).toBe(false);
    expect((await probe(api2.baseUrl, '/readyz')).body.checks.alertListener).toEqual({ ok: true });
  } finally {
    await cluster.admin.query(`alter role ${role1} login`);
  }
  const back = Date.now();
  await until('API 1 ready again', () => probe(api1.baseUrl, '/readyz'), ready, 40_000, cluster.apis, 200);
  figures['API 1 /readyz 200 after its role could log in again (reconnect with backoff)'] = `${Date.now() - back} ms`;
  const { rows } = await cluster.db.query(
    `select count(*)::int as n from pg_stat_activity where usename = $1 and application_name = 'fengqiao-alert-stream'`,
    [role1],
  );
  expect(rows[0].n).toBe(1);
});
