/**
 * What the follow-up record (回访记录) shows of per-term supervision (人民调解法 Art. 31; 2002
 * 《人民调解工作若干规定》Art. 37): each visit — when (Beijing time), how, whom it met, each term's
 * status, satisfaction — and each term's status now. Cases of the old single visit show none of it.
 */
import { STATUS_LABELS, VISIT_METHOD_LABELS, performanceView, supervisedAgreement } from '../domain/performance';
import type { DisputeView } from '../domain/types';
import type { Lang } from './labels';

export function performanceModel(view: DisputeView, lang: Lang = 'zh-CN', now = Date.now()) {
  const visits = view.followUp?.visits ?? [];
  if (!view.performance || !visits.length) return { visits: null, terms: null };
  const zh = lang === 'zh-CN';
  const agreement = supervisedAgreement(view);
  const text = (term: number) => agreement?.terms[term - 1]?.text ?? '';
  return {
    visits: visits.map((v, i) => ({
      index: i + 1,
      at: v.at,
      method: VISIT_METHOD_LABELS[lang][v.method] ?? v.method,
      met: v.met.join(zh ? '、' : ', '),
      by: v.byName,
      satisfaction: v.satisfaction,
      note: v.note ?? null,
      statuses: v.statuses.map((s) => ({ term: s.term, text: text(s.term), status: STATUS_LABELS[lang][s.status] })),
    })),
    terms: (performanceView(view, now) ?? []).map((p) => ({
      term: p.term,
      text: p.text,
      obligor: p.obligor,
      dueDate: p.dueDate,
      status: STATUS_LABELS[lang][p.status],
    })),
    performed:
      view.performance.length && view.performance.every((p) => p.status === 'done')
        ? zh
          ? '已全部履行'
          : 'fully performed'
        : zh
          ? '尚未全部履行'
          : 'not yet fully performed',
  };
}
