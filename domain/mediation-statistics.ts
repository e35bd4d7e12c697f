/**
 * The Ministry of Justice's periodic people's-mediation statistics (人民调解工作统计; 司法部 2010
 * 《人民调解文书格式和统计报表》, kept by the committees and reported up through the 司法所): for a
 * unit's subtree and a period, per dispute type, the cases registered and accepted and their sources,
 * how mediation ended (success, failure, withdrawal, refusal to accept), the agreements reached
 * (written and oral, 人民调解法 Art. 28), the money they involve, judicial confirmations (Art. 33) and
 * performance. Pure counting over the cases' states (docs/design.md#statistics-人民调解工作统计).
 *
 * Records other parts of the system add, read as absent on older cases: the source of a case
 * (`source`, absent: a party's application), an oral agreement (`form: 'oral'`), an agreement's
 * judicial confirmation (`judicialConfirmation: { filedAt, ruling, rulingAt }`), the refusal to accept
 * (`refusal`, outcome `not_accepted`), non-performance (`performanceDispute`, outcome
 * `performance_referred`; visits with per-term statuses). What is absent counts as the old default.
 */
import { CATEGORIES } from './lifecycle';
import { agreementsOf, followUpsOf, isOral, judicialOf } from './case-file';
import { sourceOf } from './voluntariness';
import type { DisputeView } from './types';

export const STAT_SOURCES = [
  'party_application',
  'ex_officio',
  'court_referred',
  'police_referred',
  'assigned',
  'other',
] as const;
export type StatSource = (typeof STAT_SOURCES)[number];

export interface StatisticsRow {
  /** A category code, or `total`. */
  category: string;
  received: number;
  accepted: number;
  bySource: Record<StatSource, number>;
  succeeded: number;
  failed: number;
  withdrawn: number;
  notAccepted: number;
  /** succeeded / (succeeded + failed), null without either. */
  successRate: number | null;
  writtenAgreements: number;
  oralAgreements: number;
  amountFen: number;
  judicialApplied: number;
  judicialConfirmed: number;
  performed: number;
  notPerformed: number;
}

const emptyRow = (category: string): StatisticsRow => ({
  category,
  received: 0,
  accepted: 0,
  bySource: Object.fromEntries(STAT_SOURCES.map((s) => [s, 0])) as Record<StatSource, number>,
  succeeded: 0,
  failed: 0,
  withdrawn: 0,
  notAccepted: 0,
  successRate: null,
  writtenAgreements: 0,
  oralAgreements: 0,
  amountFen: 0,
  judicialApplied: 0,
  judicialConfirmed: 0,
  performed: 0,
  notPerformed: 0,
});

/** The instant at which the case was refused (不予受理), if it was. */
const notAcceptedAt = (view: DisputeView): string | undefined =>
  view.refusal?.at ?? (view.outcome === 'not_accepted' ? view.closedAt : undefined);

/** The instant non-performance was found (未履行): a visit, the Art. 32 referral, or the one-visit record. */
function notPerformedAt(view: DisputeView): string[] {
  const out: string[] = [];
  if (view.performanceDispute) out.push(view.performanceDispute.at);
  for (const v of followUpsOf(view)) {
    if (v.performed === false || v.statuses?.some((x) => x.status === 'not_performed')) if (v.at) out.push(v.at);
  }
  return out;
}

/**
 * Counts the cases of a period [from, to) (instants). Each figure counts what happened in the period:
 * registered (received), accepted, an agreement taking effect, the closing, a judicial confirmation,
 * a performance check. A failure after an effective agreement (non-performance) is not a mediation
 * failure (issue 21 item 6): the mediation succeeded, the performance did not.
 */
export function mediationStatistics(cases: DisputeView[], from: string, to: string): StatisticsRow[] {
  const f = Date.parse(from);
  const t = Date.parse(to);
  const inPeriod = (iso: unknown) => {
    if (typeof iso !== 'string') return false;
    const x = Date.parse(iso);
    return x >= f && x < t;
  };
  const rows = new Map<string, StatisticsRow>(CATEGORIES.map((c) => [c, emptyRow(c)]));
  for (const view of cases) {
    const row = rows.get(view.category) ?? rows.set(view.category, emptyRow(view.category)).get(view.category)!;
    if (inPeriod(view.receivedAt)) row.received++;
    if (inPeriod(view.acceptedAt)) {
      row.accepted++;
      const source = sourceOf(view);
      row.bySource[(STAT_SOURCES as readonly string[]).includes(source) ? (source as StatSource) : 'other']++;
    }
    const agreements = agreementsOf(view);
    const effective = agreements.filter((a) => a.effectiveAt);
    // 调解成功: the case's first agreement took effect in the period (a later one is a variation).
    if (effective.length > 0 && inPeriod(effective[0]!.effectiveAt)) row.succeeded++;
    for (const a of effective.filter((x) => inPeriod(x.effectiveAt))) {
      if (isOral(a)) row.oralAgreements++;
      else row.writtenAgreements++;
      row.amountFen += a.terms.reduce((s, term) => s + (term.amountFen ?? 0), 0);
    }
    if (view.stage === 'closed' && inPeriod(view.closedAt)) {
      // 人民调解法 Art. 26 (调解不成): only a mediation that never produced an effective agreement.
      if (view.outcome === 'failed' && effective.length === 0) row.failed++;
      if (view.outcome === 'withdrawn') row.withdrawn++;
    }
    if (inPeriod(notAcceptedAt(view))) row.notAccepted++;
    for (const j of judicialOf(view)) {
      if (inPeriod(j.filedAt)) row.judicialApplied++;
      // 法释〔2011〕5号 Art. 7–9: the court rules the agreement valid (有效) or rejects the application (驳回).
      if (j.ruling === 'valid' && inPeriod(j.rulingAt ?? j.recordedAt)) row.judicialConfirmed++;
    }
    // 履行完毕: the case closes resolved when the agreement is performed (every term done).
    if (view.stage === 'closed' && view.outcome === 'resolved' && inPeriod(view.closedAt)) row.performed++;
    if (notPerformedAt(view).some(inPeriod)) row.notPerformed++;
  }
  const list = [...rows.values()];
  const total = emptyRow('total');
  for (const r of list) {
    for (const k of Object.keys(r) as Array<keyof StatisticsRow>) {
      if (k === 'category' || k === 'successRate') continue;
      if (k === 'bySource') for (const s of STAT_SOURCES) total.bySource[s] += r.bySource[s];
      else (total[k] as number) += r[k] as number;
    }
  }
  const rate = (r: StatisticsRow) => {
    const n = r.succeeded + r.failed;
    return n > 0 ? Math.round((r.succeeded / n) * 1000) / 1000 : null;
  };
  return [...list, total].map((r) => ({ ...r, successRate: rate(r) }));
}

/** The table's column heads (Chinese, the report's language) and how each cell reads. */
export function statisticsTable(
  rows: StatisticsRow[],
  categoryLabel: (c: string) => string,
): { heads: string[]; cells: Array<Array<string | number>> } {
  const heads = [
    '纠纷类型',
    '登记纠纷（件）',
    '受理调解（件）',
    '来源：当事人申请',
    '来源：调委会主动调解',
    '来源：人民法院委托移送',
    '来源：公安机关移送',
    '来源：政府部门指定',
    '来源：其他',
    '调解成功（件）',
    '调解不成（件）',
    '当事人撤回（件）',
    '不予受理（件）',
    '调解成功率',
    '书面协议（份）',
    '口头协议（份）',
    '协议涉及金额（元）',
    '申请司法确认（件）',
    '司法确认有效（件）',
    '协议履行完毕（件）',
    '协议未履行（件）',
  ];
  const cells = rows.map((r) => [
    r.category === 'total' ? '合计' : categoryLabel(r.category),
    r.received,
    r.accepted,
    ...STAT_SOURCES.map((s) => r.bySource[s]),
    r.succeeded,
    r.failed,
    r.withdrawn,
    r.notAccepted,
    r.successRate === null ? '—' : `${Math.round(r.successRate * 1000) / 10}%`,
    r.writtenAgreements,
    r.oralAgreements,
    Math.round(r.amountFen) / 100,
    r.judicialApplied,
    r.judicialConfirmed,
    r.performed,
    r.notPerformed,
  ]);
  return { heads, cells };
}

/** CSV (RFC 4180) with a UTF-8 byte-order mark, so that Excel opens the Chinese heads as Chinese. */
export function toCsv(lines: Array<Array<string | number>>): string {
  const cell = (v: string | number) => {
    const s = String(v);
    // A cell starting with = + - @ would be a formula in a spreadsheet: quoted and prefixed.
    const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
    return /[",\r\n]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return `\uFEFF${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}
