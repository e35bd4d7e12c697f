/**
 * CPU time used by the processes of the system under test (Linux /proc; elsewhere nothing): the
 * Temporal dev server, the worker process, the API process, the bench's own process, and the
 * PostgreSQL backends connected to the bench's database. Read before and after a run, the
 * difference shows where a case's CPU goes.
 */
import { readFileSync } from 'node:fs';
import { median, pool, round } from './stats';
import type { BenchSystem } from './system';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function cpuMsOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
  } catch {
    return 0;
  }
}

export type CpuSnapshot = Record<string, number>;

export async function cpuSnapshot(sys: BenchSystem): Promise<CpuSnapshot> {
  const rows = await sys.orm.em
    .getConnection()
    .execute<{ pid: number }[]>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
  const snapshot: CpuSnapshot = {
    temporal: cpuMsOf(sys.devServer.process.pid),
    worker: cpuMsOf(sys.worker.child.pid),
    api: cpuMsOf(sys.apiChild.pid),
    bench: cpuMsOf(process.pid),
  };
  for (const r of rows) snapshot[`pg:${r.pid}`] = cpuMsOf(r.pid);
  return snapshot;
}

/**
 * CPU ms per case, by process, between two snapshots. PostgreSQL is the sum over the bench
 * database's backends (one that connected during the run counts whole; one that ended is missed).
 */
export function cpuPerCase(before: CpuSnapshot, after: CpuSnapshot, cases: number): CpuSnapshot {
  const sums: CpuSnapshot = { temporal: 0, worker: 0, api: 0, bench: 0, postgres: 0 };
  for (const [k, v] of Object.entries(after)) {
    const delta = v - (before[k] ?? 0);
    if (k.startsWith('pg:')) sums.postgres! += delta;
    else sums[k] = delta;
  }
  const out: CpuSnapshot = {};
  for (const [k, v] of Object.entries(sums)) out[k] = Math.round((v / cases) * 10) / 10;
  return out;
}

/** The median of each process's CPU ms over runs' `cpuPerCase` figures, rounded to `digits`. */
export function medianCpu(samples: CpuSnapshot[], digits = 0): CpuSnapshot {
  return Object.fromEntries(
    Object.keys(samples[0] ?? {}).map((k) => [k, round(median(samples.map((s) => s[k] ?? 0)), digits)]),
  );
}

/**
 * `n` calls of `fn`, `concurrency` at a time, from an idle worker: calls a second, when they began,
 * and the CPU each process spent a call while they ran (work the worker did meanwhile included).
 */
export async function cpuTimedBatch(
  sys: BenchSystem,
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<{ perSec: number; t0: number; cpuMsPerCall: CpuSnapshot }> {
  await sys.worker.idle(300);
  const before = await cpuSnapshot(sys);
  const t0 = performance.now();
  await pool(
    Array.from({ length: n }, (_, i) => i),
    concurrency,
    fn,
  );
  const perSec = round(n / ((performance.now() - t0) / 1000), 2);
  return { perSec, t0, cpuMsPerCall: cpuPerCase(before, await cpuSnapshot(sys), n) };
}

/** CPU ms a case summed over every process (the machine's whole cost of a case). */
export function totalCpu(cpu: CpuSnapshot): number {
  return round(
    Object.values(cpu).reduce((sum, ms) => sum + ms, 0),
    1,
  );
}

/**
 * What the ratio would be if throughput were set by CPU alone (both at the same CPU use): the
 * baseline's CPU a case over the subject's. A ratio near it means the CPU the subject spends, not
 * waiting, is what holds it back; on a machine whose cores are full, the target needs the subject's
 * work cut, not its waits.
 */
export function cpuBound(subject: CpuSnapshot, baseline: CpuSnapshot): string {
  const s = totalCpu(subject);
  const b = totalCpu(baseline);
  return `at equal CPU the ratio would be ${s > 0 ? round(b / s, 2) : '—'} (CPU ms a case, all processes: ${s} vs ${b})`;
}
