/**
 * Worker memory per 1,000 open cases: a fresh worker process (bench/worker-child.ts, node
 * --expose-gc) per run; `warmup` cases first (the workflow sandbox and the first-use costs), then
 * the process's RSS and heap after a full GC; then `cases` more cases that stop in
 * awaiting_acceptance waiting on their accept timer; RSS and heap again. Baseline: the same count
 * of a bare workflow that only waits on a timer, in the same kind of process. Each run has its own
 * task queues, so cases of earlier runs never reach it. The SDK's sticky cache (maxCachedWorkflows,
 * by default sized from the heap limit) bounds how many cases stay in memory: reported alongside.
 * Quick mode keeps one worker process of each kind for all its runs (each run adds `cases` more),
 * which is only sound while they all fit in the cache.
 */
import { randomUUID } from 'node:crypto';
import { integratorActor, startInput, taoliReport } from '../lib/scenario';
import { interleaved, median, pool, round, sleepMs } from '../lib/stats';
import { WorkerProcess, type BenchSystem } from '../lib/system';
import type { BenchConfig, SectionResult } from '../lib/types';
import { workflowIdFor } from '../../workflows/dispute.messages';

const MB = 1024 * 1024;

async function countCases(sys: BenchSystem, prefix: string): Promise<number> {
  const [row] = await sys.orm.em
    .getConnection()
    .execute<{ n: string }[]>(`select count(*) as n from disputes where id like ?`, [`${prefix}%`]);
  return Number(row?.n ?? 0);
}

export async function memorySection(
  sys: BenchSystem,
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<SectionResult> {
  const { cases, warmup, startConcurrency } = cfg.memory;
  const reportedBy = await integratorActor(sys.orm);
  let runNo = 0;
  const spawn = (kind: 'real' | 'bare', queue: string) =>
    WorkerProcess.start(
      {
        TEMPORAL_ADDRESS: sys.temporalAddress,
        DATABASE_URL: sys.dbUrl,
        BENCH_WORKER_MODE: kind,
        BENCH_TASK_QUEUE: queue,
        BENCH_BARE_TASK_QUEUE: queue,
        BENCH_DISPUTE_BUNDLE: sys.disputeBundle,
        BENCH_BARE_BUNDLE: sys.bareBundle,
      },
      { gc: true },
    );
  const kept = new Map<'real' | 'bare', { worker: WorkerProcess; queue: string }>();
  if (!cfg.memory.freshWorker) {
    await Promise.all(
      (['real', 'bare'] as const).map(async (kind) => {
        const queue = `bench-mem-${kind}-kept`;
        kept.set(kind, { worker: await spawn(kind, queue), queue });
      }),
    );
  }

  const warmed = new Set<string>();
  const measure = (kind: 'real' | 'bare') => async () => {
    const run = ++runNo;
    const reuse = kept.get(kind);
    const queue = reuse?.queue ?? `bench-mem-${kind}-${run}`;
    const worker = reuse?.worker ?? (await spawn(kind, queue));
    try {
      const startMany = async (prefix: string, n: number) => {
        await pool(
          Array.from({ length: n }, (_, i) => i),
          startConcurrency,
          async () => {
            const id = `${prefix}${randomUUID()}`;
            const input = startInput(taoliReport(), id, reportedBy);
            if (kind === 'real')
              await sys.client.workflow.start('disputeWorkflow', {
                workflowId: workflowIdFor(id),
                taskQueue: queue,
                args: [input],
              });
            else
              await sys.client.workflow.start('bareTimerWorkflow', {
                workflowId: `bare-timer-${id}`,
                taskQueue: queue,
                args: [input],
              });
          },
        );
        if (kind === 'real') {
          const deadline = Date.now() + 1_800_000;
          while ((await countCases(sys, prefix)) < n) {
            if (Date.now() > deadline) throw new Error(`memory run ${run}: cases did not all reach the read model`);
            await sleepMs(500);
          }
        }
        await worker.idle(2000, 1_800_000);
      };
      if (!reuse || !warmed.has(kind)) await startMany(`m${run}w-`, warmup);
      warmed.add(kind);
      const before = await worker.memory();
      const t0 = performance.now();
      await startMany(`m${run}-`, cases);
      const seconds = (performance.now() - t0) / 1000;
      const after = await worker.memory();
      const rss = (after.memory.rss - before.memory.rss) / MB;
      const heap = (after.memory.heapUsed - before.memory.heapUsed) / MB;
      return {
        rssMBPer1000: round((rss / cases) * 1000, 2),
        heapMBPer1000: round((heap / cases) * 1000, 2),
        rssBeforeMB: round(before.memory.rss / MB, 1),
        rssAfterMB: round(after.memory.rss / MB, 1),
        cached: after.workers[0]?.cached ?? 0,
        maxCachedWorkflows: after.maxCachedWorkflows,
        startSeconds: round(seconds, 1),
      };
    } finally {
      if (!reuse) await worker.stop();
    }
  };

  const runs = await interleaved(
    cfg.rounds,
    [
      { name: 'bare', run: measure('bare') },
      { name: 'real', run: measure('real') },
    ],
    log,
  ).finally(() => Promise.all([...kept.values()].map(({ worker }) => worker.stop())));
  const real = median(runs.real!.map((r) => r.rssMBPer1000));
  const bare = median(runs.bare!.map((r) => r.rssMBPer1000));
  const cached = median(runs.real!.map((r) => r.cached));
  const maxCached = runs.real![0]?.maxCachedWorkflows ?? 0;
  return {
    name: 'memory',
    rows: [
      {
        figure: `Worker memory with ${cases.toLocaleString('en')} cases waiting on timers (RSS growth per 1,000 open cases)`,
        unit: 'MB',
        subject: { label: 'dispute workflow, awaiting_acceptance', value: real },
        baseline: { label: 'bare workflow on a timer', value: bare },
        ratio: round(real / bare, 2),
        note: `sticky cache holds ${cached} of them (maxCachedWorkflows ${maxCached}); main-thread heap growth per 1,000: ${median(runs.real!.map((r) => r.heapMBPer1000))} MB vs ${median(runs.bare!.map((r) => r.heapMBPer1000))} MB`,
      },
    ],
    runs,
  };
}
