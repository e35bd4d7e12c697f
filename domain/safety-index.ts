/**
 * The Safety Index (平安指数; docs/design.md#safety-index-平安指数): per region and period, figures from
 * the cases, a weighted 0–100 score, a colour band and a rank among siblings. Pure arithmetic.
 */
export interface IndexFigures {
  population: number;
  received: number;
  closed: number;
  resolved: number;
  acceptBreaches: number;
  handlingBreaches: number;
  /** Resolved cases settled at grid or community level (小事不出村). */
  resolvedLow: number;
  reopened: number;
  satisfactionSum: number;
  satisfactionCount: number;
  highRisk: number;
}

export interface IndexMetrics {
  incidencePer10k: number;
  onTimeAcceptance: number | null;
  onTimeResolution: number | null;
  successRate: number | null;
  retention: number | null;
  reopenRate: number | null;
  satisfaction: number | null;
  highRisk: number;
}

export type IndexWeights = Record<
  'onTimeAcceptance' | 'onTimeResolution' | 'successRate' | 'retention' | 'satisfaction' | 'lowReopen' | 'lowIncidence',
  number
>;

export const DEFAULT_WEIGHTS: IndexWeights = {
  onTimeAcceptance: 20,
  onTimeResolution: 20,
  successRate: 20,
  retention: 15,
  satisfaction: 15,
  lowReopen: 5,
  lowIncidence: 5,
};

/** Where the admin-maintained weights are kept (the settings table). */
export const WEIGHTS_SETTING = 'safety-index.weights';
export const WEIGHT_KEYS = Object.keys(DEFAULT_WEIGHTS) as Array<keyof IndexWeights>;

/** Stored weights over the defaults: a missing or malformed key keeps its default; all zero is refused upstream. */
export function weightsFrom(stored: unknown): IndexWeights {
  const out = { ...DEFAULT_WEIGHTS };
  if (stored && typeof stored === 'object') {
    for (const k of WEIGHT_KEYS) {
      const v = (stored as Record<string, unknown>)[k];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100) out[k] = v;
    }
  }
  return out;
}

const ratio = (part: number, whole: number): number | null =>
  whole > 0 ? Math.min(1, Math.max(0, part / whole)) : null;
const round = (x: number): number => Math.round(x * 1000) / 1000;

export function metricsOf(f: IndexFigures): IndexMetrics {
  const r = (x: number | null) => (x === null ? null : round(x));
  return {
    incidencePer10k: f.population > 0 ? round((f.received / f.population) * 10_000) : 0,
    onTimeAcceptance: r(f.received > 0 ? 1 - (ratio(f.acceptBreaches, f.received) ?? 0) : null),
    onTimeResolution: r(f.closed > 0 ? 1 - (ratio(f.handlingBreaches, f.closed) ?? 0) : null),
    successRate: r(ratio(f.resolved, f.closed)),
    retention: r(ratio(f.resolvedLow, f.resolved)),
    reopenRate: r(ratio(f.reopened, f.resolved)),
    satisfaction: f.satisfactionCount > 0 ? round(f.satisfactionSum / f.satisfactionCount) : null,
    highRisk: f.highRisk,
  };
}

/**
 * 0–100: each part scored 0–1 and weighted; a part with nothing to measure (no cases closed, say)
 * is left out and the others weigh more. A region with no cases at all scores 100.
 */
export function scoreOf(m: IndexMetrics, weights: IndexWeights = DEFAULT_WEIGHTS): number {
  const parts: Array<[number | null, number]> = [
    [m.onTimeAcceptance, weights.onTimeAcceptance],
    [m.onTimeResolution, weights.onTimeResolution],
    [m.successRate, weights.successRate],
    [m.retention, weights.retention],
    [m.satisfaction === null ? null : (m.satisfaction - 1) / 4, weights.satisfaction],
    [m.reopenRate === null ? null : 1 - m.reopenRate, weights.lowReopen],
    // 20 disputes per 10,000 residents in a period counts as the worst.
    [Math.max(0, 1 - m.incidencePer10k / 20), weights.lowIncidence],
  ];
  const measured = parts.filter(([v]) => v !== null) as Array<[number, number]>;
  const total = measured.reduce((s, [, w]) => s + w, 0);
  if (total === 0) return 100;
  return Math.round((measured.reduce((s, [v, w]) => s + v * w, 0) / total) * 1000) / 10;
}

export const BANDS = [
  { band: 'green', label: '优', min: 90 },
  { band: 'yellow', label: '良', min: 80 },
  { band: 'orange', label: '中', min: 70 },
  { band: 'red', label: '差', min: -Infinity },
] as const;

export function bandOf(score: number): (typeof BANDS)[number] {
  return BANDS.find((b) => score >= b.min)!;
}

/** Ranks (1 = best) among units sharing a parent; equal scores share a rank. */
export function rankAmongSiblings<T extends { parentCode?: string; score: number }>(
  units: T[],
): Array<T & { rank: number }> {
  return units.map((u) => ({
    ...u,
    rank: 1 + units.filter((o) => o.parentCode === u.parentCode && o.score > u.score).length,
  }));
}

/** The period containing a China date (YYYY-MM-DD): [start, end) as China dates. */
export function periodOf(kind: 'day' | 'month', date: string): { start: string; end: string } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (kind === 'month') {
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    return { start: `${y}-${String(m).padStart(2, '0')}-01`, end: next };
  }
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return { start: date, end: t.toISOString().slice(0, 10) };
}

/** The date in China of an instant. */
export const chinaDate = (at: Date): string => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
