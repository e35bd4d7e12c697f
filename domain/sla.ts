import type { Deadline } from './types';

export interface SlaRule {
  category: string;
  priority: string;
  level: string;
  acceptSeconds: number;
  handlingSeconds: number;
  warningShare: number;
  autoEscalate: boolean;
  calendar: string;
}

/** The most specific rule for (category, priority, level); `*` matches anything. */
export function pickRule<R extends Pick<SlaRule, 'category' | 'priority' | 'level'>>(
  rules: R[],
  want: { category: string; priority: string; level: string },
): R | undefined {
  const score = (r: R): number =>
    (r.category === want.category ? 4 : r.category === '*' ? 0 : -99) +
    (r.priority === want.priority ? 2 : r.priority === '*' ? 0 : -99) +
    (r.level === want.level ? 1 : r.level === '*' ? 0 : -99);
  let best: R | undefined;
  for (const r of rules) if (score(r) >= 0 && (!best || score(r) > score(best))) best = r;
  return best;
}

/** A wall-clock deadline: due after `seconds`, warned at `warningShare` of it. */
export function wallClockDeadline(kind: Deadline['kind'], from: Date, seconds: number, warningShare: number, autoEscalate: boolean): Deadline {
  const due = new Date(from.getTime() + seconds * 1000);
  const warn = new Date(from.getTime() + Math.round(seconds * 1000 * warningShare));
  return {
    kind,
    startedAt: from.toISOString(),
    warnAt: warn.toISOString(),
    dueAt: due.toISOString(),
    warned: false,
    breached: false,
    autoEscalate,
  };
}
