/**
 * Figures for staff (统计分析, issue 24 item 4): for a unit's subtree and a period, what the
 * supervisors read to run the work — intake by category, source and month; acceptance and handling
 * times against the SLA (median, share within the deadline, in working hours and days); success rate;
 * escalations; the agencies' report-in at joint mediations (报到率); satisfaction at follow-up visits.
 * Pure counting over the cases' states and their breaches (the `deadline_breached` events of the
 * read model); the working-time clock is given (cn-workdays with the unit's holiday arrangements).
 *
 * What counts when:
 * - intake: cases registered (receivedAt) in the period, by category, by source (人民调解法 Art. 17–18,
 *   `party_application` when absent) and by China month;
 * - acceptance: cases accepted in the period; the time runs from the case's arrival at the unit that
 *   accepted it (its last escalation or transfer before the acceptance, else its registration) to the
 *   acceptance; within the deadline unless an `accept` breach was recorded in between;
 * - handling: cases whose mediation ended in the period (their first agreement took effect, else the
 *   case closed failed or withdrawn); from the acceptance to that end; within the deadline unless a
 *   `handling` breach was recorded for the case (suspensions are not taken out of the time);
 * - success: as the Ministry's table (domain/mediation-statistics.ts): succeeded / (succeeded + failed);
 * - escalations: escalations to a higher level (上报, by hand or on an accept breach) in the period;
 *   the share is of the cases active in the period (registered before its end, not closed before its start);
 * - report-in: joint mediations convened (吹哨, not invitations: Art. 20) in the period; summoned
 *   agencies, those that confirmed (报到), declined, did not answer;
 * - satisfaction: follow-up visits recorded in the period with a rating (1 很不满意 … 5 很满意),
 *   satisfied at 4 or 5; the parties' own ratings (回访满意度 from their page) apart.
 */
import { WORKING_DAY_SECONDS, workingSecondsBetween, type CalendarSpec } from './calendar';
import { agreementsOf, followUpsOf, meetingsOf } from './case-file';
import { CATEGORIES } from './lifecycle';
import { mediationStatistics } from './mediation-statistics';
import type { DisputeView } from './types';
import { CASE_SOURCES, sourceOf } from './voluntariness';

/** A deadline breach as the read model records it (`deadline_breached` events). */
export interface BreachRecord {
  disputeId: string;
  kind: string;
  at: string;
}

export interface TimeFigure {
  /** Cases measured. */
  count: number;
  /** Median working time, in working hours (acceptance) or working days (handling); null without cases. */
  median: number | null;
  /** The same median in working seconds, for people (console/durations.ts); null without cases. */
  medianSeconds: number | null;
  within: number;
  /** within / count, 0..1 rounded to 0.001; null without cases. */
  share: number | null;
}

export interface StaffStatistics {
  intake: {
    total: number;
    byCategory: Array<{ category: string; count: number }>;
    bySource: Array<{ source: string; count: number }>;
    /** China months of the period (YYYY-MM), each with its intake. */
    byMonth: Array<{ month: string; count: number }>;
  };
  acceptance: TimeFigure;
  handling: TimeFigure;
  success: { succeeded: number; failed: number; rate: number | null };
  escalations: { count: number; cases: number; active: number; share: number | null };
  reportIn: {
    meetings: number;
    summoned: number;
    confirmed: number;
    declined: number;
    unanswered: number;
    rate: number | null;
  };
  satisfaction: {
    visits: number;
    satisfied: number;
    average: number | null;
    share: number | null;
    partyRatings: number;
    partyAverage: number | null;
  };
}

export interface StaffStatisticsOptions {
  breaches?: BreachRecord[];
  /** The clock working times are counted on (default: cn-workdays on the built-in holidays and office hours). */
  calendar?: CalendarSpec;
  /** Seconds of a working day on that calendar (default: the default office hours'). */
  workingDaySeconds?: number;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 1000) / 1000 : null);
const round1 = (x: number): number => Math.round(x * 10) / 10;

/** The median of a list of numbers, null when empty. */
export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The China month (YYYY-MM) of an instant. */
const chinaMonth = (ms: number): string => new Date(ms + 8 * 3600_000).toISOString().slice(0, 7);

/** The China months from the one of `from` to the one of `to` (exclusive instant), in order. */
export function monthsOf(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  const last = chinaMonth(Math.max(fromMs, toMs - 1));
  let [y, m] = chinaMonth(fromMs).split('-').map(Number) as [number, number];
  for (let month = chinaMonth(fromMs); month <= last && out.length < 240;) {
    out.push(month);
    m++;
    if (m > 12) [y, m] = [y + 1, 1];
    month = `${y}-${String(m).padStart(2, '0')}`;
  }
  return out;
}

const ESCALATING = new Set([undefined, 'escalate', 'breach']);

/** The figures of the cases for the period [from, to) (instants). */
export function staffStatistics(
  cases: DisputeView[],
  from: string,
  to: string,
  opts: StaffStatisticsOptions = {},
): StaffStatistics {
  const f = Date.parse(from);
  const t = Date.parse(to);
  const inPeriod = (iso: string | undefined): boolean => {
    if (typeof iso !== 'string') return false;
    const x = Date.parse(iso);
    return x >= f && x < t;
  };
  const calendar: CalendarSpec = opts.calendar ?? { kind: 'cn-workdays' };
  const daySeconds = opts.workingDaySeconds ?? WORKING_DAY_SECONDS;
  const working = (a: string, b: string): number => workingSecondsBetween(new Date(a), new Date(b), calendar);
  const breaches = new Map<string, BreachRecord[]>();
  for (const b of opts.breaches ?? []) breaches.set(b.disputeId, [...(breaches.get(b.disputeId) ?? []), b]);
  const breachedBetween = (id: string, kind: string, a: string, b: string): boolean =>
    (breaches.get(id) ?? []).some(
      (x) => x.kind === kind && Date.parse(x.at) >= Date.parse(a) && Date.parse(x.at) <= Date.parse(b),
    );

  const byCategory = new Map<string, number>(CATEGORIES.map((c) => [c, 0]));
  const bySource = new Map<string, number>(CASE_SOURCES.map((s) => [s, 0]));
  const months = monthsOf(f, t);
  const byMonth = new Map<string, number>(months.map((m) => [m, 0]));
  const acceptSeconds: number[] = [];
  let acceptWithin = 0;
  const handlingSeconds: number[] = [];
  let handlingWithin = 0;
  const esc = { count: 0, cases: 0, active: 0 };
  const rep = { meetings: 0, summoned: 0, confirmed: 0, declined: 0, unanswered: 0 };
  const visits: number[] = [];
  const partyRatings: number[] = [];

  for (const view of cases) {
    if (inPeriod(view.receivedAt)) {
      byCategory.set(view.category, (byCategory.get(view.category) ?? 0) + 1);
      const source = sourceOf(view);
      bySource.set(source, (bySource.get(source) ?? 0) + 1);
      const month = chinaMonth(Date.parse(view.receivedAt));
      byMonth.set(month, (byMonth.get(month) ?? 0) + 1);
    }
    if (view.acceptedAt && inPeriod(view.acceptedAt)) {
      const acceptedAt = view.acceptedAt;
      const arrived = (view.escalations ?? [])
        .filter((e) => e.kind !== 'reassign' && Date.parse(e.at) <= Date.parse(acceptedAt))
        .reduce((last, e) => (Date.parse(e.at) > Date.parse(last) ? e.at : last), view.receivedAt);
      acceptSeconds.push(working(arrived, acceptedAt));
      if (!breachedBetween(view.disputeId, 'accept', arrived, acceptedAt)) acceptWithin++;
    }
    const firstEffective = agreementsOf(view).find((a) => a.effectiveAt)?.effectiveAt;
    const ended =
      firstEffective ??
      (view.stage === 'closed' && (view.outcome === 'failed' || view.outcome === 'withdrawn')
        ? view.closedAt
        : undefined);
    if (view.acceptedAt && ended && inPeriod(ended) && Date.parse(ended) >= Date.parse(view.acceptedAt)) {
      handlingSeconds.push(working(view.acceptedAt, ended));
      if (!breachedBetween(view.disputeId, 'handling', view.acceptedAt, ended)) handlingWithin++;
    }
    const active = Date.parse(view.receivedAt) < t && !(view.closedAt && Date.parse(view.closedAt) < f);
    if (active) esc.active++;
    const escalations = (view.escalations ?? []).filter((e) => ESCALATING.has(e.kind) && inPeriod(e.at));
    esc.count += escalations.length;
    if (escalations.length > 0) esc.cases++;
    for (const m of meetingsOf(view)) {
      if (m.kind === 'invitation' || !inPeriod(m.convenedAt)) continue;
      rep.meetings++;
      for (const a of m.agencies) {
        rep.summoned++;
        if (a.answer === 'confirmed') rep.confirmed++;
        else if (a.answer === 'declined') rep.declined++;
        else rep.unanswered++;
      }
    }
    for (const v of followUpsOf(view))
      if (inPeriod(v.at) && typeof v.satisfaction === 'number' && v.satisfaction >= 1) visits.push(v.satisfaction);
    for (const r of view.satisfaction ?? []) if (inPeriod(r.at)) partyRatings.push(r.rating);
  }

  const total = mediationStatistics(cases, from, to).find((r) => r.category === 'total')!;
  const avg = (xs: number[]): number | null =>
    xs.length ? Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 100) / 100 : null;
  const satisfied = visits.filter((x) => x >= 4).length;
  const timeFigure = (seconds: number[], per: number, within: number): TimeFigure => {
    const m = median(seconds);
    return {
      count: seconds.length,
      median: m === null ? null : round1(m / per),
      medianSeconds: m === null ? null : Math.round(m),
      within,
      share: ratio(within, seconds.length),
    };
  };
  return {
    intake: {
      total: [...byCategory.values()].reduce((s, n) => s + n, 0),
      byCategory: [...byCategory].map(([category, count]) => ({ category, count })),
      bySource: [...bySource].map(([source, count]) => ({ source, count })),
      byMonth: [...byMonth].map(([month, count]) => ({ month, count })),
    },
    acceptance: timeFigure(acceptSeconds, 3600, acceptWithin),
    handling: timeFigure(handlingSeconds, daySeconds, handlingWithin),
    success: { succeeded: total.succeeded, failed: total.failed, rate: total.successRate },
    escalations: { ...esc, share: ratio(esc.cases, esc.active) },
    reportIn: { ...rep, rate: ratio(rep.confirmed, rep.summoned) },
    satisfaction: {
      visits: visits.length,
      satisfied,
      average: avg(visits),
      share: ratio(satisfied, visits.length),
      partyRatings: partyRatings.length,
      partyAverage: avg(partyRatings),
    },
  };
}
