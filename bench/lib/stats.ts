/** Medians, percentiles and the interleaved runner every figure of the bench goes through. */

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0–100). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))]!;
}

/**
 * The ratio of each round's subject to the same round's baseline (they ran back to back), as
 * "min–max (median m)": how far the machine's noise moves a ratio within one run.
 */
export function perRoundRatios(subject: number[], baseline: number[]): string {
  const ratios = subject.map((s, i) => s / baseline[i]!).filter((r) => Number.isFinite(r));
  if (ratios.length === 0) return 'no rounds';
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return `${r2(Math.min(...ratios))}–${r2(Math.max(...ratios))} (median ${r2(median(ratios))})`;
}

export interface Variant<T> {
  name: string;
  run: (round: number) => Promise<T>;
}

/**
 * Runs the variants alternately, `rounds` times (B S B S … for two): drift in the machine's load
 * then falls on both sides alike. Returns every variant's samples in round order.
 */
export async function interleaved<T>(
  rounds: number,
  variants: Variant<T>[],
  log?: (line: string) => void,
): Promise<Record<string, T[]>> {
  const out: Record<string, T[]> = Object.fromEntries(variants.map((v) => [v.name, [] as T[]]));
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) {
      const sample = await v.run(round);
      out[v.name]!.push(sample);
      log?.(`    round ${round + 1}/${rounds} ${v.name}: ${JSON.stringify(sample)}`);
    }
  }
  return out;
}

/** Runs `fn` for each item with at most `concurrency` in flight; resolves when all are done. */
export async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}

export const round = (x: number, digits = 2): number =>
  Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x;

export const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
