/**
 * Fail-over in seconds (issue 20, item 8), on the chaos harness (a file-backed Temporal dev server
 * and a database of its own, the real worker in child processes): a steady stream of cheap actions
 * over HTTP (report, accept, notes, suspend and resume, fail) on about one open case per caller,
 * while the worker dies with SIGKILL:
 *
 * - the only polling worker, `FAILOVER_KILLS` times (3), a spare taking over at once, as in the
 *   chaos suite;
 * - one of two live workers, `FAILOVER_PAIR_KILLS` times (2), the other carrying on alone.
 *
 * Each action is timed from its first request to its success, the 503s and "busy, try again"
 * answers retried on the way included, from the moment every caller is under way (the first actions
 * load the workflow code). The figures (count, p50, p90, p99, max, and per kill the actions it held
 * up and the longest) are printed and kept in test/.tmp/failover.json with the slowest actions'
 * workflow histories (where their seconds went). `FAILOVER_STREAMS` (10), `FAILOVER_GAP_S` (8, between kills) override.
 *
 * The target, p99 under 5 s, is asserted by `npm run test:chaos` (CHAOS_FULL=1, or FAILOVER_STRICT=1),
 * meant for a machine of its own: a latency depends on what else the cores run, and in `npm test`
 * another test file shares them. There the run asserts that every action finishes through every kill,
 * without a 500, and prints the figures (docs/operations.md "Fail-over" has them before and after).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { TEST_API_KEY, TEST_PASSWORD } from '../helpers/run-state';
import { ActionLoad, LiveWorker, summary, timelineOf, type ActionSample } from './failover-load';
import { startChaosSystem, type ChaosSystem } from './harness';
import { sleep, type Headers } from './lifecycles';

const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const STREAMS = num('FAILOVER_STREAMS', 10);
const KILLS = num('FAILOVER_KILLS', 3);
const PAIR_KILLS = num('FAILOVER_PAIR_KILLS', 2);
const GAP_MS = num('FAILOVER_GAP_S', 8) * 1000;
/** Load before the first kill, and with both workers live before one of them is killed. */
const WARMUP_MS = 4000;
const P99_LIMIT_MS = 5000;
const STRICT = process.env.CHAOS_FULL === '1' || process.env.FAILOVER_STRICT === '1';
const OUT = path.join(__dirname, '../.tmp');

jest.setTimeout(4 * 60_000);

let sys: ChaosSystem;
let baseUrl: string;
let who: { integrator: Headers; mediator: Headers };
const extras: LiveWorker[] = [];
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  const started = Date.now();
  sys = await startChaosSystem({
    spareWorkers: { count: KILLS, refill: false },
    keepLogs: { dir: OUT, prefix: 'failover-' },
  });
  // The second live worker of each pair: started now, polling only when its turn comes.
  mkdirSync(OUT, { recursive: true });
  const env = {
    temporalAddress: sys.temporal().address,
    databaseUrl: sys.db.options.connectionString!,
    taskQueue: sys.taskQueue,
    noticeUrl: sys.receiver.url,
  };
  for (let i = 0; i < PAIR_KILLS; i++) extras.push(new LiveWorker(env, path.join(OUT, 'failover-extra-worker.log')));
  await Promise.all(extras.map((w) => w.start()));
  await sys.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(sys.app.server.address() as AddressInfo).port}`;
  const login = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'mediator@yufuci-community', password: TEST_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const { access_token: token } = (await login.json()) as { access_token: string };
  who = { integrator: { authorization: `Bearer ${TEST_API_KEY}` }, mediator: { authorization: `Bearer ${token}` } };
  figures.setupMs = Date.now() - started;
}, 180_000);

afterAll(async () => {
  await Promise.all(extras.map((w) => w.kill9()));
  await sys?.close();
}, 120_000);

interface Kill {
  kind: 'only worker (spare takes over)' | 'one of two live workers';
  at: number;
  pid?: number;
  takeoverMs?: number;
}

const KILLED = `${KILLS} + ${PAIR_KILLS} worker kills`;
it(`carries every action through ${KILLED}${STRICT ? `, the p99 under ${P99_LIMIT_MS / 1000} s` : ' (figures printed)'}`, async () => {
  const load = new ActionLoad(baseUrl, who, `failover-${Date.now().toString(36)}`);
  const t0 = Date.now();
  load.start(STREAMS);
  const kills: Kill[] = [];
  const waitUntil = (at: number) => sleep(Math.max(0, at - Date.now()));
  // Every caller under way (its case reported and some actions answered), then a steady stretch.
  await load.warm(STREAMS, 3, 60_000);
  const warmAt = Date.now();
  figures.warmMs = warmAt - t0;
  await sleep(WARMUP_MS);
  for (let k = 0; k < KILLS; k++) {
    const at = Date.now();
    const pid = sys.worker.pid;
    await sys.worker.kill9();
    kills.push({ kind: 'only worker (spare takes over)', at, pid, takeoverMs: Date.now() - at });
    await waitUntil(at + GAP_MS);
  }
  for (const extra of extras) {
    extra.go();
    await sleep(WARMUP_MS); // both poll; cases settle on either
    const at = Date.now();
    await extra.kill9();
    kills.push({ kind: 'one of two live workers', at, pid: extra.pid });
    await waitUntil(at + GAP_MS);
  }
  await load.stop();

  // Measured: the actions asked once the system was warm (the first ones load the workflow code).
  const samples = load.samples.filter((s) => s.startedAt >= warmAt);
  const all = summary(samples.map((s) => s.ms));
  // Each action counts for one kill: the first that struck while it was under way, else the last before it began.
  const killOf = (s: ActionSample): number => {
    const hit = kills.findIndex((k) => k.at > s.startedAt && k.at < s.endedAt);
    return hit >= 0 ? hit : kills.filter((k) => k.at <= s.startedAt).length - 1;
  };
  const windowOf = (i: number): ActionSample[] => samples.filter((s) => killOf(s) === i);
  const perKill = kills.map((k, i) => {
    const inWindow = windowOf(i);
    const held = inWindow.filter((s) => s.ms > 1000);
    return {
      kind: k.kind,
      atMs: k.at - t0,
      takeoverMs: k.takeoverMs,
      inFlight: load.inFlightAt(k.at).length,
      actions: inWindow.length,
      heldOver1s: held.length,
      stallMs: Math.max(0, ...inWindow.map((s) => s.ms)),
      slowest: [...held]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3)
        .map((s) => `${s.action} ${s.ms} ms (${s.requests} req, started +${s.startedAt - k.at} ms)`),
    };
  });
  const beforeKills = summary(samples.filter((s) => killOf(s) < 0).map((s) => s.ms));
  const held = (limit: number) => samples.filter((s) => s.ms >= limit).length;
  Object.assign(figures, {
    streams: STREAMS,
    kills: `${KILLS} only-worker + ${PAIR_KILLS} one-of-two`,
    loadMs: Date.now() - t0,
    actions: all,
    beforeFirstKill: beforeKills,
    perKill,
    over: { '2s': held(2000), '5s': held(5000), '10s': held(10_000) },
    retriedActions: samples.filter((s) => s.requests > 1).length,
    statuses: load.statuses,
    serverErrors: load.serverErrors,
    byAction: Object.fromEntries(
      [...new Set(samples.map((s) => s.action))].map((a) => [
        a,
        summary(samples.filter((s) => s.action === a).map((s) => s.ms)),
      ]),
    ),
    errors: load.errors,
  });
  const raw = {
    killsAtMs: kills.map((k) => k.at - t0),
    samples: load.samples.map((s) => [s.action, s.startedAt - t0, s.ms]),
  };
  writeFileSync(path.join(OUT, 'failover-samples.json'), JSON.stringify(raw));
  // Where the slowest actions' seconds went: their cases' histories meanwhile (kept in failover.json).
  {
    const slowest = [...samples].sort((a, b) => b.ms - a.ms).slice(0, 5);
    figures.slowestTimelines = await Promise.all(
      slowest.map(async (s) => ({
        action: `${s.action} +${s.startedAt - t0}..+${s.endedAt - t0} (${s.ms} ms)`,
        kills: kills.map((k) => `+${k.at - t0} ${k.kind}`).filter((_, i) => kills[i]!.at < s.endedAt),
        history: s.caseId ? await timelineOf(sys.client, s.caseId, s.startedAt - 500, s.endedAt + 500, t0) : [],
      })),
    );
  }
  const text = JSON.stringify(figures, null, 2);
  const { slowestTimelines: _timelines, ...printed } = figures;
  console.log(
    `fail-over figures (the slowest actions' histories are in test/.tmp/failover.json):\n${JSON.stringify(printed, null, 2)}`,
  );
  writeFileSync(path.join(OUT, 'failover.json'), text);

  expect(load.errors).toEqual([]);
  expect(load.statuses['500'] ?? 0).toBe(0);
  expect(kills).toHaveLength(KILLS + PAIR_KILLS);
  // Each kill landed on actions under way.
  expect(perKill.filter((k) => k.inFlight === 0)).toEqual([]);
  if (STRICT) expect(all.p99).toBeLessThan(P99_LIMIT_MS);
  else if (all.p99 >= P99_LIMIT_MS) console.warn(`fail-over p99 ${all.p99} ms: over the 5 s target on this shared run`);
});
