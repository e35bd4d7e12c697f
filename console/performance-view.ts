/** The console's table of an effective agreement's performance, term by term (人民调解法 Art. 31). */
import type { CaseDoc } from './case-view';
import type { ConsoleDict } from './i18n';

export function performanceRows(c: CaseDoc, t: ConsoleDict) {
  if (!c.performance?.length) return null;
  return c.performance.map((p) => ({
    term: p.term,
    text: p.text,
    obligor: p.obligor ?? '—',
    dueDate: p.dueDate ?? t.field.immediate ?? '—',
    status: p.status,
    label: t.option[p.status] ?? p.status,
    note: p.note,
  }));
}
