/**
 * Knob sweep: the whole lifecycle (bench/sections/lifecycle.ts: the bare workflow, the dispute
 * workflow straight from a client, the street case through the API) under each setting of one
 * knob. Every run starts a fresh system (dev server, database, worker and API processes) with its
 * setting; settings take turns round by round (A, B, C, A, B, C, …), and each run does the
 * lifecycle twice and keeps the second (the first warms the processes up). Prints, per setting, the
 * median cases/s of each variant and the API/bare ratio.
 *
 *   npx ts-node --transpile-only bench/knobs.ts --knob=KNOB --settings=a,b,… [--rounds=3] [--cases=16] [--concurrency=8]
 *
 * Results: the table on stdout and bench/results/<date>-<git sha>-knob-<knob>[-N].json (machine,
 * settings, every round's figures).
 *
 * Knobs (`default` is always a setting: the product's own configuration):
 *   pool        DATABASE_POOL_MAX of the worker and API processes (the product's default: 10)
 *   sqlite      the dev server's SQLite pragmas: full (the default: WAL, synchronous=full), normal
 *               (WAL, synchronous=normal: the default until 2026-11-27), off (WAL, synchronous=off),
 *               rollback (journal_mode=delete, synchronous=full)
 *   wft         maxConcurrentWorkflowTaskExecutions of both workers (the SDK's default: 40)
 *   activities  maxConcurrentActivityTaskExecutions and maxConcurrentLocalActivityExecutions (the SDK's: 100 each)
 *   polls       the most workflow-task and activity-task polls at once (workflowTaskPollerBehavior and
 *               activityTaskPollerBehavior; the SDK's default: 10 each. SDK 1.24 does not read its
 *               documented maxConcurrentWorkflowTaskPolls / maxConcurrentActivityTaskPolls)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SQLITE_PRAGMAS } from '../temporal/dev-server';
import type { WorkerTuning } from '../worker/create-worker';
import { lifecycleSection } from './sections/lifecycle';
import { median, round } from './lib/stats';
import { codeVersion, freshResultsFile, machine } from './lib/results';
import { dropBenchDatabases, startBenchSystem } from './lib/system';
import type { BenchConfig } from './lib/types';

interface Setting {
  env?: Record<string, string>;
  sqlitePragmas?: string[];
}

const SQLITE: Record<string, string[]> = {
  full: DEFAULT_SQLITE_PRAGMAS,
  normal: ['journal_mode=wal', 'synchronous=normal', 'busy_timeout=5000'],
  off: ['journal_mode=wal', 'synchronous=off', 'busy_timeout=5000'],
  rollback: ['journal_mode=delete', 'synchronous=full', 'busy_timeout=5000'],
};

function positive(knob: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--knob=${knob}: a setting is a positive integer or "default", not "${value}"`);
  return n;
}

const tuned = (tuning: WorkerTuning): Setting => ({ env: { BENCH_WORKER_TUNING: JSON.stringify(tuning) } });

const KNOBS: Record<string, (value: string) => Setting> = {
  pool: (v) => ({ env: { DATABASE_POOL_MAX: String(positive('pool', v)) } }),
  sqlite: (v) => {
    const pragmas = SQLITE[v];
    if (!pragmas) throw new Error(`--knob=sqlite: a setting is one of ${Object.keys(SQLITE).join(', ')}, not "${v}"`);
    return { sqlitePragmas: pragmas };
  },
  wft: (v) => tuned({ maxConcurrentWorkflowTaskExecutions: positive('wft', v) }),
  activities: (v) => {
    const n = positive('activities', v);
    return tuned({ maxConcurrentActivityTaskExecutions: n, maxConcurrentLocalActivityExecutions: n });
  },
  polls: (v) => {
    const n = positive('polls', v);
    return tuned({
      workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: n },
      activityTaskPollerBehavior: { type: 'simple-maximum', maximum: n },
    });
  },
};

function config(cases: number, concurrency: number): BenchConfig {
  return {
    mode: 'full',
    rounds: 2,
    startCases: {},
    lifecycle: { cases, concurrency },
    latency: { lanes: 0, ceilingActions: 0, openLoopMs: 0, notesPerCase: 0, minOpenLoopActions: 0 },
    documentsWindowMs: 0,
    safetyIndex: { cases: 0, eventsPerCase: 0 },
    memory: { cases: 0, warmup: 0, startConcurrency: 0, freshWorker: false },
    apiLogLevel: 'info',
    idempotencyKeys: true,
  };
}

async function main(): Promise<void> {
  const opts = Object.fromEntries(
    process.argv.slice(2).map((a) => {
      const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
      if (!m) throw new Error(`unknown argument ${a}`);
      return [m[1]!, m[2] ?? 'true'];
    }),
  );
  const knob = opts.knob ?? '';
  const apply = KNOBS[knob];
  if (!apply) throw new Error(`--knob is one of ${Object.keys(KNOBS).join(', ')}`);
  const settings = (opts.settings ?? 'default').split(',').filter(Boolean);
  const parsed = new Map(settings.map((s) => [s, s === 'default' ? {} : apply(s)] as const)); // bad settings fail here, before anything starts
  const rounds = positive('rounds', opts.rounds ?? '3');
  const cfg = config(positive('cases', opts.cases ?? '16'), positive('concurrency', opts.concurrency ?? '8'));
  const samples = new Map(
    settings.map((s) => [
      s,
      { api: [] as number[], direct: [] as number[], bare: [] as number[], ratio: [] as number[] },
    ]),
  );
  const dbPrefix = `fengqiao_bench_knobs_${process.pid}_${Date.now().toString(36)}_`;
  const started = new Date();
  const info = await machine();
  console.log(
    `knob ${knob}: settings ${settings.join(', ')}; ${rounds} rounds, ${cfg.lifecycle.cases} lifecycles a variant, ${cfg.lifecycle.concurrency} at a time`,
  );
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [i, setting] of settings.entries()) {
        const { env, sqlitePragmas } = parsed.get(setting)!;
        const sys = await startBenchSystem({
          dbPrefix: `${dbPrefix}${r}_${i}_`,
          apiLogLevel: 'info',
          log: () => undefined,
          env,
          sqlitePragmas,
        });
        try {
          const result = await lifecycleSection(sys, cfg, () => undefined);
          const last = (name: string) => (result.runs[name] as Array<{ casesPerSec: number }>)[1]!.casesPerSec;
          const s = samples.get(setting)!;
          s.api.push(last('api'));
          s.direct.push(last('rawDispute'));
          s.bare.push(last('bare'));
          s.ratio.push(round(last('api') / last('bare'), 2));
          console.log(
            `  round ${r + 1}/${rounds} ${knob}=${setting}: api ${last('api')}, direct ${last('rawDispute')}, bare ${last('bare')} cases/s`,
          );
        } finally {
          await sys.close();
        }
      }
    }
  } finally {
    await dropBenchDatabases(dbPrefix).catch((err) => console.error(err));
  }
  const lines = [
    `| ${knob} | through the API (cases/s) | straight from a client | bare workflow | API/bare (per-round ratios) |`,
    '|---|---|---|---|---|',
  ];
  for (const [setting, s] of samples) {
    lines.push(
      `| ${setting} | ${round(median(s.api))} | ${round(median(s.direct))} | ${round(median(s.bare))} | ${round(median(s.api) / median(s.bare))} (${s.ratio.join(', ')}) |`,
    );
  }
  const markdown = lines.join('\n');
  const { sha, dirty } = codeVersion();
  const file = freshResultsFile(started, sha, `-knob-${knob}`);
  const results = {
    startedAt: started.toISOString(),
    git: { sha, dirty },
    machine: info,
    knob,
    settings,
    rounds,
    config: cfg.lifecycle,
    samples: Object.fromEntries(samples),
    markdown,
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${markdown}\n\nresults: ${path.relative(process.cwd(), file)}`);
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
