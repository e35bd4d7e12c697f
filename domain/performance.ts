/**
 * After the agreement: the committee supervises its performance term by term and visits the parties
 * (人民调解法 Art. 31: 人民调解委员会应当对调解协议的履行情况进行监督，督促当事人履行约定的义务;
 * 2002《人民调解工作若干规定》Art. 36: 当事人无正当理由不履行协议的，应当做好当事人的工作，督促其履行;
 * Art. 37: 人民调解委员会应当对调解协议的履行情况适时进行回访，并就履行情况做出记录).
 *
 * Pure and deterministic: the workflow, the API's view, the documents and the console share it.
 * The status of a term lives here, beside the agreement, never in its sealed Term objects.
 */
import { beijingDate } from './beijing-time';
import type { Agreement, DisputeView, Term } from './types';

/** 未到期 / 履行中 / 部分履行 / 已履行 / 未履行 */
export const PERFORMANCE_STATUSES = ['not_due', 'in_progress', 'partly', 'done', 'not_performed'] as const;
export type PerformanceStatus = (typeof PERFORMANCE_STATUSES)[number];
/** What a person records: `not_due` is never recorded, it is read from the term's deadline. */
export const RECORDED_STATUSES = ['in_progress', 'partly', 'done', 'not_performed'] as const;
export type RecordedStatus = (typeof RECORDED_STATUSES)[number];

export const STATUS_LABELS: Record<'zh-CN' | 'en', Record<PerformanceStatus, string>> = {
  'zh-CN': { not_due: '未到期', in_progress: '履行中', partly: '部分履行', done: '已履行', not_performed: '未履行' },
  en: {
    not_due: 'not yet due',
    in_progress: 'being performed',
    partly: 'partly performed',
    done: 'performed',
    not_performed: 'not performed',
  },
};

/** How the visit was made: 上门 (at the party's home or premises), 电话, 视频, 到场 (the party came to the committee). */
export const VISIT_METHODS = ['home', 'phone', 'video', 'office'] as const;
export type VisitMethod = (typeof VISIT_METHODS)[number];
export const VISIT_METHOD_LABELS: Record<'zh-CN' | 'en', Record<VisitMethod, string>> = {
  'zh-CN': { home: '上门回访', phone: '电话回访', video: '视频回访', office: '当事人到场' },
  en: { home: 'home visit', phone: 'by telephone', video: 'by video', office: 'at the committee' },
};

/** The supervision of one term (1-based `term`): the last status recorded, if any. */
export interface TermPerformance {
  term: number;
  status?: RecordedStatus;
  note?: string;
  at?: string;
  by?: string;
  /** Recorded by a visit (`follow-up`) or on its own (`record-performance`). */
  source?: 'follow-up' | 'record-performance';
}

/** One follow-up visit (回访), as recorded. */
export interface FollowUpVisit {
  at: string;
  by: string;
  byName: string;
  method: VisitMethod;
  /** Whom the visitor met: parties and other persons, by name. */
  met: string[];
  /** What the visitor saw, term by term (1-based), after the visit. */
  statuses: Array<{ term: number; status: PerformanceStatus }>;
  satisfaction: number;
  note?: string;
  risks?: string;
  measures?: string;
}

/** The instant a term falls due: the start of its deadline day in Beijing; undefined for an immediate term (即时履行). */
export function termDueAt(term: Pick<Term, 'dueDate'>): number | undefined {
  if (!term.dueDate || !/^\d{4}-\d{2}-\d{2}$/.test(term.dueDate)) return undefined;
  return Date.parse(`${term.dueDate}T00:00:00+08:00`);
}

/** A term's status now: the one recorded, else 未到期 before its deadline day, else 履行中 (awaiting the check). */
export function termStatus(term: Term, rec: TermPerformance | undefined, now: number): PerformanceStatus {
  if (rec?.status) return rec.status;
  const due = termDueAt(term);
  return due !== undefined && now < due ? 'not_due' : 'in_progress';
}

export function termStatuses(
  terms: Term[],
  performance: TermPerformance[] | undefined,
  now: number,
): Array<{ term: number; status: PerformanceStatus }> {
  return terms.map((t, i) => ({ term: i + 1, status: termStatus(t, performance?.[i], now) }));
}

/** Every term performed (已履行): only then does the case close as resolved. */
export function allPerformed(terms: Term[], performance: TermPerformance[] | undefined): boolean {
  return terms.length > 0 && terms.every((_, i) => performance?.[i]?.status === 'done');
}

/**
 * Why a status may not be recorded for a term now (a refusal text), or undefined when it may:
 * a term cannot be 未履行 before it falls due (民法典 Art. 577: liability arises from not performing
 * an obligation that is due).
 */
export function statusRefusal(term: Term, index: number, status: string, now: number): string | undefined {
  if (!(RECORDED_STATUSES as readonly string[]).includes(status)) {
    return `第${index + 1}项：履行状态只能记录为履行中、部分履行、已履行或未履行（未到期按履行期限自动确定） / term ${index + 1}: record in_progress, partly, done or not_performed (not_due follows from the deadline)`;
  }
  const due = termDueAt(term);
  if (status === 'not_performed' && due !== undefined && now < due) {
    return `第${index + 1}项履行期限为${beijingDate(due)}，期限届满前不能记为未履行（民法典第五百七十七条） / term ${index + 1} is due on ${term.dueDate}: it cannot be “not performed” before then (Civil Code Art. 577)`;
  }
  return undefined;
}

/** 17:30 Beijing time on a term's deadline day: when its visit is due. */
const visitAt = (dueDate: string) => new Date(`${dueDate}T17:30:00+08:00`).toISOString();

/**
 * The follow-up visits, up to the last term's deadline: the first (the policy's visit, `first`), then
 * one at each later deadline day among the terms (2002 规定 Art. 37).
 */
export function visitPlan(first: string, terms: Term[]): string[] {
  const later = terms
    .map((t) => t.dueDate)
    .filter((d): d is string => !!d && /^\d{4}-\d{2}-\d{2}$/.test(d))
    .map(visitAt)
    .filter((at) => at > first);
  return [first, ...[...new Set(later)].sort()];
}

/** The next planned visit after `now`, if any is left. */
export function nextPlannedVisit(plan: string[] | undefined, now: number): string | undefined {
  return (plan ?? []).find((at) => Date.parse(at) > now);
}

/** Art. 32, as the parties are told when an agreement is not performed. */
export const ART_32_NOTICE =
  '当事人之间就调解协议的履行或者调解协议的内容发生争议的，一方当事人可以向人民法院提起诉讼（人民调解法第三十二条）。 / Where the parties dispute the performance or the content of the mediation agreement, either party may bring a suit before a people’s court (People’s Mediation Law Art. 32).';

/** The agreement under supervision: the effective one, or while a variation is negotiated the original still in force. */
export function supervisedAgreement(view: DisputeView): Agreement | undefined {
  if (view.agreement?.effectiveAt) return view.agreement;
  const past = view.pastAgreements ?? [];
  if (view.varying) return past.find((a) => a.number === view.varying!.number);
  return view.performance ? [...past].reverse().find((a) => a.effectiveAt) : undefined;
}

/** Each term of the supervised agreement with its status now, for the API, the console and the documents. */
export function performanceView(view: DisputeView, now: number) {
  const agreement = supervisedAgreement(view);
  if (!view.performance || !agreement) return undefined;
  return agreement.terms.map((t, i) => {
    const rec = view.performance?.[i];
    return {
      term: i + 1,
      text: t.text,
      obligor: t.obligor ?? null,
      dueDate: t.dueDate ?? null,
      status: termStatus(t, rec, now),
      note: rec?.note ?? null,
      recordedAt: rec?.at ?? null,
    };
  });
}
