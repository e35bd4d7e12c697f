/**
 * Action latency: `add-note` by the community's mediator through the API (HTTP) vs the same Update
 * sent straight with `handle.executeUpdate`. First the ceiling (closed loop, `lanes` in flight, a
 * fixed number of actions a run) of both; then both open-loop at HALF the API's median ceiling
 * (arrivals on a fixed schedule, latency counted from the scheduled instant, so a stall is not
 * hidden). Every action goes to a case that has no other action in flight (a case applies one at a
 * time); API and raw each have their own pool of identical accepted cases, used in the same order.
 */
import { addNoteUpdate, workflowIdFor } from '../../workflows/dispute.messages';
import { staffHeaders } from '../lib/login';
import { staffActor, taoliReport } from '../lib/scenario';
import { interleaved, median, percentile, pool, round, sleepMs } from '../lib/stats';
import type { BenchSystem } from '../lib/system';
import type { BenchConfig, SectionResult } from '../lib/types';

const MEDIATOR = 'mediator@yufuci-community';

class CasePool {
  private readonly idle: Array<{ id: string; left: number }> = [];
  private waiters: Array<(c: { id: string; left: number }) => void> = [];
  constructor(ids: string[], perCase: number) {
    for (const id of ids) this.idle.push({ id, left: perCase });
  }
  /** An idle case with notes left; waits for one when all are busy. */
  async take(): Promise<{ id: string; left: number }> {
    const c = this.idle.shift();
    if (c) return c;
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  give(c: { id: string; left: number }): void {
    c.left -= 1;
    if (c.left <= 0) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter(c);
    else this.idle.push(c);
  }
  get available(): number {
    return this.idle.reduce((s, c) => s + c.left, 0);
  }
}

export async function latencySection(
  sys: BenchSystem,
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<SectionResult> {
  const { lanes, notesPerCase } = cfg.latency;
  const ceilingActions = cfg.latency.ceilingActions;
  const headers = (await staffHeaders(sys, [MEDIATOR]))[MEDIATOR]!;
  const integrator = { authorization: `Bearer ${sys.apiKey}` };
  const actor = await staffActor(sys.orm, MEDIATOR);

  /** `n` accepted cases (through the API, untimed). */
  const createCases = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    await pool(
      Array.from({ length: n }, (_, i) => i),
      8,
      async () => {
        const c = await sys.api.expect<{ id: string }>(201, 'POST', '/api/v1/disputes', taoliReport(), integrator);
        await sys.api.expect(200, 'POST', `/api/v1/disputes/${c.id}/signals/accept`, {}, headers);
        ids.push(c.id);
      },
    );
    await sys.worker.idle(300);
    return ids;
  };

  let noteNo = 0;
  const viaApi = async (id: string) => {
    await sys.api.expect(
      200,
      'POST',
      `/api/v1/disputes/${id}/signals/add-note`,
      { text: `回访当事人，记录第${++noteNo}条情况` },
      headers,
    );
  };
  const raw = async (id: string) => {
    await sys.client.workflow
      .getHandle(workflowIdFor(id))
      .executeUpdate(addNoteUpdate, { args: [{ actor, payload: { text: `回访当事人，记录第${++noteNo}条情况` } }] });
  };

  // Ceiling: closed loop.
  const ceilingCases = Math.ceil((cfg.rounds * ceilingActions) / notesPerCase) + lanes;
  log(`  creating 2 × ${ceilingCases} accepted cases for the ceiling runs`);
  const ceilingPools = {
    api: new CasePool(await createCases(ceilingCases), notesPerCase),
    raw: new CasePool(await createCases(ceilingCases), notesPerCase),
  };
  const closedLoop = (casePool: CasePool, send: (id: string) => Promise<void>) => async () => {
    await sys.worker.idle(300);
    let issued = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (issued < ceilingActions) {
          issued++;
          const c = await casePool.take();
          await send(c.id);
          casePool.give(c);
        }
      }),
    );
    return round(ceilingActions / ((performance.now() - t0) / 1000), 1);
  };
  const ceilings = await interleaved(
    cfg.rounds,
    [
      { name: 'raw', run: closedLoop(ceilingPools.raw, raw) },
      { name: 'api', run: closedLoop(ceilingPools.api, viaApi) },
    ],
    log,
  );
  const apiCeiling = median(ceilings.api!);
  const rawCeiling = median(ceilings.raw!);
  const rate = apiCeiling / 2;
  const perRun = Math.max(cfg.latency.minOpenLoopActions, Math.round((rate * cfg.latency.openLoopMs) / 1000));
  log(`  API ceiling ${round(apiCeiling, 1)} actions/s → open loop at ${round(rate, 1)}/s, ${perRun} actions a run`);

  // Open loop at half the API's ceiling.
  const openCases = Math.ceil((cfg.rounds * perRun) / notesPerCase) + Math.ceil(rate);
  log(`  creating 2 × ${openCases} accepted cases for the open-loop runs`);
  const openPools = {
    api: new CasePool(await createCases(openCases), notesPerCase),
    raw: new CasePool(await createCases(openCases), notesPerCase),
  };
  const openLoop = (casePool: CasePool, send: (id: string) => Promise<void>) => async () => {
    await sys.worker.idle(300);
    const latencies: number[] = [];
    const interval = 1000 / rate;
    const t0 = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let k = 0; k < perRun; k++) {
      const due = t0 + k * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleepMs(wait);
      inFlight.push(
        (async () => {
          const c = await casePool.take();
          await send(c.id);
          latencies.push(performance.now() - due);
          casePool.give(c);
        })(),
      );
    }
    await Promise.all(inFlight);
    const achieved = perRun / ((performance.now() - t0) / 1000);
    return {
      p50: round(percentile(latencies, 50), 1),
      p99: round(percentile(latencies, 99), 1),
      max: round(Math.max(...latencies), 1),
      rate: round(achieved, 1),
      n: latencies.length,
    };
  };
  const open = await interleaved(
    cfg.rounds,
    [
      { name: 'raw', run: openLoop(openPools.raw, raw) },
      { name: 'api', run: openLoop(openPools.api, viaApi) },
    ],
    log,
  );
  const p = (name: 'api' | 'raw', key: 'p50' | 'p99') => median(open[name]!.map((r) => r[key]));
  const p99Ratio = round(p('api', 'p99') / p('raw', 'p99'), 2);
  return {
    name: 'latency',
    rows: [
      {
        figure: `Action ceiling, add-note, ${lanes} in flight`,
        unit: 'actions/s',
        subject: { label: 'through the API (HTTP)', value: round(apiCeiling, 1) },
        baseline: { label: 'handle.executeUpdate', value: round(rawCeiling, 1) },
        ratio: round(apiCeiling / rawCeiling, 2),
      },
      {
        figure: `Action latency p50, open loop at ${round(rate, 1)}/s (half the API ceiling)`,
        unit: 'ms',
        subject: { label: 'through the API (HTTP)', value: p('api', 'p50') },
        baseline: { label: 'handle.executeUpdate', value: p('raw', 'p50') },
        ratio: round(p('api', 'p50') / p('raw', 'p50'), 2),
      },
      {
        figure: `Action latency p99, open loop at ${round(rate, 1)}/s (half the API ceiling)`,
        unit: 'ms',
        subject: { label: 'through the API (HTTP)', value: p('api', 'p99') },
        baseline: { label: 'handle.executeUpdate', value: p('raw', 'p99') },
        ratio: p99Ratio,
        target: '≤ 2',
        met: p99Ratio <= 2,
      },
    ],
    runs: { ceilings, open, rate: round(rate, 2), actionsPerOpenRun: perRun },
  };
}
