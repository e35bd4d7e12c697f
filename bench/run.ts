/**
 * `npm run bench` (issue 7): starts its own Temporal dev server (SQLite file in a temp dir), its own
 * PostgreSQL databases (fengqiao_bench_*, dropped at the end), a worker process and an API process,
 * and measures: start throughput, a whole lifecycle, action latency, documents, the Safety Index
 * and worker memory. Every figure is the median of at least 5 interleaved runs (baseline and
 * subject alternately) and every speed figure comes with its ratio to a baseline measured here.
 * Prints a markdown table and writes bench/results/<date>-<git sha>[-quick][-N].json (-2, -3, … for later runs of the same day and commit).
 *
 *   npm run bench                    full mode (1M-case Safety Index, 10,000 cases in memory, …)
 *   npm run bench -- --quick         a few minutes (BENCH_QUICK=1 too)
 *   options: --only=documents,safety-index,start,lifecycle,latency,memory  --rounds=N (≥ 5)
 *            --scale=F (BENCH_SCALE: multiplies every case count)  --si-cases=N (BENCH_SI_CASES)
 *            --mem-cases=N (BENCH_MEM_CASES)  --api-log-level=info  --no-idempotency-keys
 *            --lifecycle-costs: the bare lifecycle again with one extra a step (a search-attribute
 *            upsert, a re-planned timer, a 9 KB argument, a local activity), each against bare
 *            --resume=bench/results/<file>.json: finish an interrupted run (same mode): the sections
 *            it holds are kept, the others measured, and the file rewritten
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { documentsSection } from './sections/documents';
import { latencySection } from './sections/latency';
import { lifecycleSection } from './sections/lifecycle';
import { memorySection } from './sections/memory';
import { safetyIndexSection } from './sections/safety-index';
import { startSection } from './sections/start';
import { dropBenchDatabases, startBenchSystem, type BenchSystem } from './lib/system';
import { codeVersion, freshResultsFile, machine } from './lib/results';
import type { BenchConfig, Row, SectionResult } from './lib/types';

const SECTIONS = ['documents', 'safety-index', 'start', 'lifecycle', 'latency', 'memory'] as const;
type SectionName = (typeof SECTIONS)[number];

function parseArgs(argv: string[]): { quick: boolean; only?: SectionName[]; opts: Record<string, string> } {
  const opts: Record<string, string> = {};
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a}`);
    opts[m[1]!] = m[2] ?? 'true';
  }
  const only = opts.only?.split(',').map((s) => s.trim()) as SectionName[] | undefined;
  for (const s of only ?? [])
    if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s} (one of ${SECTIONS.join(', ')})`);
  return { quick: opts.quick === 'true' || process.env.BENCH_QUICK === '1', only, opts };
}

function configFor(quick: boolean, opts: Record<string, string>): BenchConfig {
  const scale = Number(opts.scale ?? process.env.BENCH_SCALE ?? 1);
  if (!(scale > 0)) throw new Error('--scale must be a positive number');
  const n = (x: number, min = 1) => Math.max(min, Math.round(x * scale));
  const base: BenchConfig = quick
    ? {
        mode: 'quick',
        rounds: 5,
        startCases: { 1: n(3), 8: n(8), 32: n(32) },
        lifecycle: { cases: n(2), concurrency: 2 },
        latency: { lanes: 8, ceilingActions: n(40, 20), openLoopMs: 1500, notesPerCase: 25, minOpenLoopActions: 20 },
        documentsWindowMs: 300,
        safetyIndex: { cases: n(2_000), eventsPerCase: 8 },
        memory: { cases: n(60), warmup: 10, startConcurrency: 32, freshWorker: false },
        apiLogLevel: 'info',
        idempotencyKeys: true,
      }
    : {
        mode: 'full',
        rounds: 5,
        startCases: { 1: n(40), 8: n(160), 32: n(320) },
        lifecycle: { cases: n(24), concurrency: 8 },
        latency: {
          lanes: 32,
          ceilingActions: n(600, 20),
          openLoopMs: 15_000,
          notesPerCase: 25,
          minOpenLoopActions: 100,
        },
        documentsWindowMs: 2000,
        safetyIndex: { cases: n(1_000_000), eventsPerCase: 8 },
        memory: { cases: n(10_000), warmup: 100, startConcurrency: 32, freshWorker: true },
        apiLogLevel: 'info',
        idempotencyKeys: true,
      };
  const siCases = opts['si-cases'] ?? process.env.BENCH_SI_CASES;
  if (siCases) base.safetyIndex.cases = Number(siCases);
  const memCases = opts['mem-cases'] ?? process.env.BENCH_MEM_CASES;
  if (memCases) base.memory.cases = Number(memCases);
  if (opts.rounds) base.rounds = Number(opts.rounds);
  if (opts['api-log-level']) base.apiLogLevel = opts['api-log-level'];
  if (opts['no-idempotency-keys']) base.idempotencyKeys = false;
  if (opts['lifecycle-costs']) base.lifecycle.costs = true;
  return base;
}

function cell(x: number): string {
  return Number.isFinite(x) ? x.toLocaleString('en', { maximumFractionDigits: 2 }) : String(x);
}

function table(rows: Row[]): string {
  const lines = ['| Figure | Unit | Subject | Baseline | Ratio | Target |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const target = r.target ? `${r.target} ${r.met ? '✓' : '✗'}` : '';
    lines.push(
      `| ${r.figure} | ${r.unit} | **${cell(r.subject.value)}** ${r.subject.label} | ${cell(r.baseline.value)} ${r.baseline.label} | ${cell(r.ratio)} | ${target} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { quick, only, opts } = parseArgs(process.argv.slice(2));
  const cfg = configFor(quick, opts);
  if (cfg.rounds < 5) console.warn(`warning: ${cfg.rounds} rounds; the published figures need at least 5`);
  const wanted = new Set<SectionName>(only ?? SECTIONS);
  // An interrupted run to finish: keep its sections, measure the rest, write back to its file.
  const resumed = opts.resume
    ? (JSON.parse(readFileSync(opts.resume, 'utf8')) as {
        startedAt: string;
        mode: string;
        sections: SectionResult[];
        git: { sha: string };
        seconds: number;
      })
    : undefined;
  if (resumed && resumed.mode !== cfg.mode)
    throw new Error(`${opts.resume} is a ${resumed.mode} run; resume it in the same mode`);
  for (const s of resumed?.sections ?? [])
    wanted.delete(s.name === 'safetyIndex' ? 'safety-index' : (s.name as SectionName));
  const started = resumed ? new Date(resumed.startedAt) : new Date();
  const t0 = performance.now();
  const log = (line: string) => console.log(line);
  const here = codeVersion();
  const sha = resumed?.git.sha ?? here.sha;
  const dirty = here.dirty;
  const dbPrefix = `fengqiao_bench_${process.pid}_${Date.now().toString(36)}_`;
  const info = await machine();
  log(
    `Fengqiao bench, ${cfg.mode} mode, ${cfg.rounds} interleaved rounds a figure; ${info.cpuModel} ×${info.cpus}, ${info.memoryGiB} GiB, Node ${info.node}`,
  );

  const sections: SectionResult[] = [...(resumed?.sections ?? [])];
  if (resumed)
    log(
      `resuming ${opts.resume}: kept ${resumed.sections.map((s) => s.name).join(', ')}; measuring ${[...wanted].join(', ') || 'nothing'}`,
    );
  let sys: BenchSystem | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await sys?.close();
    await dropBenchDatabases(dbPrefix).catch((err) => console.error(err));
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(130));

  const file = opts.resume
    ? path.resolve(opts.resume)
    : freshResultsFile(started, sha, cfg.mode === 'quick' ? '-quick' : '');
  /** Writes what has been measured so far (after every section, so a failure late in a long run keeps the rest). */
  const save = (complete: boolean): string => {
    const seconds = Math.round((performance.now() - t0) / 1000) + (resumed?.seconds ?? 0);
    const rows = SECTIONS.flatMap((name) =>
      sections.filter((s) => s.name === name.replace('safety-index', 'safetyIndex')).flatMap((s) => s.rows),
    );
    const header =
      `Machine: ${info.cpuModel} ×${info.cpus}, ${info.memoryGiB} GiB RAM, ${info.os}, Node ${info.node}, PostgreSQL ${info.postgres}, ` +
      `${String(info.temporal).split('\n')[0]} (dev server, SQLite file). ${cfg.mode} mode, ${started.toISOString().slice(0, 10)}, ${sha}${dirty ? ' (uncommitted changes)' : ''}; ` +
      `each figure the median of ${cfg.rounds} interleaved runs; ratio = subject / baseline; run took ${seconds} s${complete ? '' : ' (incomplete)'}` +
      `${resumed ? ` (interrupted and resumed; sections measured at ${sections.map((s) => `${s.name} ${s.measuredAt ?? `in the run started ${resumed.startedAt}`}`).join(', ')})` : ''}.`;
    const notes = rows.filter((r) => r.note).map((r) => `- ${r.figure}: ${r.note}`);
    const markdown = [header, '', table(rows), '', ...notes].join('\n');
    writeFileSync(
      file,
      `${JSON.stringify({ startedAt: started.toISOString(), seconds, complete, mode: cfg.mode, git: { sha, dirty }, machine: info, config: cfg, rows, sections, markdown }, null, 2)}\n`,
    );
    return markdown;
  };

  const timed = async (name: string, fn: () => Promise<SectionResult>) => {
    log(`\n== ${name}`);
    const s0 = performance.now();
    const result = await fn();
    result.seconds = Math.round((performance.now() - s0) / 100) / 10;
    result.measuredAt = new Date().toISOString();
    log(`   ${name} done in ${result.seconds} s`);
    sections.push(result);
    save(false);
  };

  try {
    if (wanted.has('documents')) await timed('documents', () => documentsSection(cfg, log));
    if (wanted.has('safety-index')) await timed('safety-index', () => safetyIndexSection(cfg, `${dbPrefix}si`, log));
    const needsSystem = (['start', 'lifecycle', 'latency', 'memory'] as const).some((s) => wanted.has(s));
    if (needsSystem) {
      log('\n== starting the system');
      sys = await startBenchSystem({ dbPrefix, apiLogLevel: cfg.apiLogLevel, log });
      const s = sys;
      if (wanted.has('start')) await timed('start', () => startSection(s, cfg, log));
      if (wanted.has('lifecycle')) await timed('lifecycle', () => lifecycleSection(s, cfg, log));
      if (wanted.has('latency')) await timed('latency', () => latencySection(s, cfg, log));
      if (wanted.has('memory')) await timed('memory', () => memorySection(s, cfg, log));
    }
  } finally {
    await sys?.close();
    sys = undefined;
  }

  const seconds = Math.round((performance.now() - t0) / 1000) + (resumed?.seconds ?? 0);
  const markdown = save(true);
  log(`\n${markdown}\n\nresults: ${path.relative(process.cwd(), file)} (${seconds} s)`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
