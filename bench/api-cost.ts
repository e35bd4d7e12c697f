/**
 * CPU each process spends a request, by kind of request: starts the bench's system (dev server,
 * database, compiled worker and API, as `npm run bench` does), sends N requests of each kind, C at a
 * time, in R interleaved rounds, and prints CPU ms a request read from /proc around each batch.
 * Kinds: `healthz` (public, no credential, no database: the HTTP and logging floor), `create202`
 * (`POST /api/v1/disputes` with `Prefer: respond-async` and an Idempotency-Key, the start bench's
 * subject), `create202-unkeyed` (the same without a key), `start` (`client.workflow.start` from this
 * process, the start bench's baseline).
 * `--log=warn` starts the API at that log level (default info, as the bench: one line a request).
 *   npx ts-node --transpile-only bench/api-cost.ts [--n=400] [--c=32] [--rounds=3] [--kinds=healthz,create202] [--log=warn]
 */
import { randomUUID } from 'node:crypto';
import { TASK_QUEUE, workflowIdFor } from '../workflows/dispute.messages';
import { cpuTimedBatch, medianCpu, type CpuSnapshot } from './lib/cpu';
import { integratorActor, startInput, taoliReport } from './lib/scenario';
import { median, round } from './lib/stats';
import { startBenchSystem, type BenchSystem } from './lib/system';

type Kind = (sys: BenchSystem) => () => Promise<void>;

const KINDS: Record<string, Kind> = {
  healthz: (sys) => async () => {
    await sys.api.expect(200, 'GET', '/healthz');
  },
  create202: (sys) => async () => {
    const headers = { authorization: `Bearer ${sys.apiKey}`, prefer: 'respond-async', 'idempotency-key': randomUUID() };
    await sys.api.expect(202, 'POST', '/api/v1/disputes', taoliReport(), headers);
  },
  'create202-unkeyed': (sys) => async () => {
    await sys.api.expect(202, 'POST', '/api/v1/disputes', taoliReport(), {
      authorization: `Bearer ${sys.apiKey}`,
      prefer: 'respond-async',
    });
  },
  start: (sys) => {
    const actor = integratorActor(sys.orm);
    return async () => {
      const id = `ac-${randomUUID()}`;
      await sys.client.workflow.start('disputeWorkflow', {
        workflowId: workflowIdFor(id),
        taskQueue: TASK_QUEUE,
        args: [startInput(taoliReport(), id, await actor)],
      });
    };
  },
};

async function main(): Promise<void> {
  const opts = Object.fromEntries(
    process.argv.slice(2).map((a) => /^--([a-z]+)=(.*)$/.exec(a)?.slice(1, 3) ?? [a, '']),
  );
  const n = Number(opts.n ?? 400);
  const concurrency = Number(opts.c ?? 32);
  const rounds = Number(opts.rounds ?? 3);
  const kinds = (opts.kinds ?? 'healthz,create202,create202-unkeyed,start').split(',');
  for (const k of kinds) if (!KINDS[k]) throw new Error(`unknown kind ${k} (one of ${Object.keys(KINDS).join(', ')})`);

  const sys = await startBenchSystem({
    dbPrefix: `fengqiao_bench_${process.pid}_`,
    apiLogLevel: opts.log ?? 'info',
    log: (line) => console.log(line),
  });
  try {
    const runs: Record<string, Array<{ perSec: number; cpu: CpuSnapshot }>> = {};
    for (let r = 1; r <= rounds; r++) {
      for (const kind of kinds) {
        // From an idle worker: the intake of the previous batch's cases is not counted here.
        const { perSec, cpuMsPerCall: cpu } = await cpuTimedBatch(sys, n, concurrency, KINDS[kind]!(sys));
        (runs[kind] ??= []).push({ perSec, cpu });
        console.log(`  round ${r}/${rounds} ${kind}: ${round(perSec, 1)}/s, CPU ms a request ${JSON.stringify(cpu)}`);
      }
    }
    await sys.worker.idle(300);
    console.log(
      `\n${n} requests a batch, ${concurrency} at a time, API log level ${opts.log ?? 'info'}, median of ${rounds} rounds (CPU ms a request, by process; the worker's intake of the started cases included while the batch ran)`,
    );
    console.log(
      '| kind | requests/s | temporal | worker | api | bench | postgres |\n| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const kind of kinds) {
      const m = medianCpu(
        runs[kind]!.map((x) => x.cpu),
        1,
      );
      console.log(
        `| ${kind} | ${round(median(runs[kind]!.map((x) => x.perSec)), 1)} | ${m.temporal} | ${m.worker} | ${m.api} | ${m.bench} | ${m.postgres} |`,
      );
    }
  } finally {
    await sys.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
