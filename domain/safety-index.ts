/**
 * The Safety Index (平安指数; docs/design.md#safety-index-平安指数): its dispute-handling sub-index
 * (矛盾纠纷化解分项指数), per region and period, figures from the cases, a weighted 0–100 score (or no
 * data), a colour band and a rank among siblings. Pure arithmetic.
 */
export interface IndexFigures {
  population: number;
  received: number;
  closed: number;
  resolved: number;
  /**
   * Mediation failures (调解不成, 人民调解法 Art. 26) among the closed: not a withdrawal (Art. 23), not a
   * refusal to accept (不予受理), not the non-performance of an agreement that took effect (Art. 32).
   */
  failed: number;
  acceptBreaches: number;
  handlingBreaches: number;
  /** Resolved cases settled at grid or community level (小事不出村). */
  resolvedLow: number;
  reopened: number;
  /** The parties' own ratings (rate-satisfaction on their page), of cases closed in the period. */
  satisfactionSum: number;
  satisfactionCount: number;
  /** The satisfaction a mediator recorded at a follow-up visit: shown, labelled as such, never scored. */
  staffSatisfactionSum: number;
  staffSatisfactionCount: number;
  highRisk: number;
}

export interface IndexMetrics {
  /** Cases received and closed in the period: with neither, the region has no data (暂无数据). */
  received: number;
  closed: number;
  incidencePer10k: number;
  onTimeAcceptance: number | null;
  onTimeResolution: number | null;
  /** Resolved among resolved and failed (withdrawals and refusals are neither). */
  successRate: number | null;
  retention: number | null;
  reopenRate: number | null;
  /** The parties' own satisfaction, 1–5 (scored). */
  satisfaction: number | null;
  /** Satisfaction as recorded by the mediator at the visit, 1–5 (shown, not scored). */
  staffSatisfaction: number | null;
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
    received: f.received,
    closed: f.closed,
    incidencePer10k: f.population > 0 ? round((f.received / f.population) * 10_000) : 0,
    onTimeAcceptance: r(f.received > 0 ? 1 - (ratio(f.acceptBreaches, f.received) ?? 0) : null),
    onTimeResolution: r(f.closed > 0 ? 1 - (ratio(f.handlingBreaches, f.closed) ?? 0) : null),
    successRate: r(ratio(f.resolved, f.resolved + f.failed)),
    retention: r(ratio(f.resolvedLow, f.resolved)),
    reopenRate: r(ratio(f.reopened, f.resolved)),
    satisfaction: f.satisfactionCount > 0 ? round(f.satisfactionSum / f.satisfactionCount) : null,
    staffSatisfaction: f.staffSatisfactionCount > 0 ? round(f.staffSatisfactionSum / f.staffSatisfactionCount) : null,
    highRisk: f.highRisk,
  };
}

/** The incidence that scores 0: 20 disputes per 10,000 residents in a month. */
export const WORST_INCIDENCE_PER_MONTH = 20;

const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * The worst incidence for a period [start, end) of China dates: 20 per 10,000 residents per month,
 * each day counting its share of its own month (a month: 20; a day of November: 20/30).
 */
export function incidenceCeiling(start: string, end: string): number {
  let total = 0;
  for (let t = Date.parse(`${start}T00:00:00Z`); t < Date.parse(`${end}T00:00:00Z`); t += 86400_000) {
    const d = new Date(t);
    total += WORST_INCIDENCE_PER_MONTH / daysInMonth(d.getUTCFullYear(), d.getUTCMonth() + 1);
  }
  return Math.round(total * 1000) / 1000;
}

/** Whether there is anything to score: a case received or closed in the period. */
export const hasData = (m: Pick<IndexMetrics, 'received' | 'closed'>): boolean => m.received > 0 || m.closed > 0;

/**
 * 0–100, or null for a region with no case in the period (暂无数据: not a perfect score). Each part is
 * scored 0–1 and weighted; a part with nothing to measure (no case closed, say) is left out and the
 * others weigh more. `worstIncidence`: the incidence scoring 0 for the period (incidenceCeiling).
 */
export function scoreOf(
  m: IndexMetrics,
  weights: IndexWeights = DEFAULT_WEIGHTS,
  worstIncidence: number = WORST_INCIDENCE_PER_MONTH,
): number | null {
  if (!hasData(m)) return null;
  const parts: Array<[number | null, number]> = [
    [m.onTimeAcceptance, weights.onTimeAcceptance],
    [m.onTimeResolution, weights.onTimeResolution],
    [m.successRate, weights.successRate],
    [m.retention, weights.retention],
    // The parties' own ratings only: what a mediator records at a visit is not the parties' voice.
    [m.satisfaction === null ? null : (m.satisfaction - 1) / 4, weights.satisfaction],
    [m.reopenRate === null ? null : 1 - m.reopenRate, weights.lowReopen],
    [worstIncidence > 0 ? Math.max(0, 1 - m.incidencePer10k / worstIncidence) : null, weights.lowIncidence],
  ];
  const measured = parts.filter(([v]) => v !== null) as Array<[number, number]>;
  const total = measured.reduce((s, [, w]) => s + w, 0);
  if (total === 0) return null;
  return Math.round((measured.reduce((s, [v, w]) => s + v * w, 0) / total) * 1000) / 10;
}

export const BANDS = [
  { band: 'green', label: '优', min: 90 },
  { band: 'yellow', label: '良', min: 80 },
  { band: 'orange', label: '中', min: 70 },
  { band: 'red', label: '差', min: -Infinity },
] as const;

/** A region without data: no colour, no rank. */
export const NO_DATA = { band: 'none', label: '暂无数据' } as const;

export function bandOf(score: number | null): { band: string; label: string } {
  return score === null ? NO_DATA : BANDS.find((b) => score >= b.min)!;
}

/**
 * Ranks (1 = best) among units sharing a parent; equal scores share a rank. A unit without data has
 * no rank (null) and is never ranked above one with data.
 */
export function rankAmongSiblings<T extends { parentCode?: string; score: number | null }>(
  units: T[],
): Array<T & { rank: number | null }> {
  return units.map((u) => ({
    ...u,
    rank:
      u.score === null
        ? null
        : 1 + units.filter((o) => o.parentCode === u.parentCode && o.score !== null && o.score > u.score!).length,
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
