/**
 * The case page's timeline and deadline table in people's words (issue 24): every event named from
 * the dictionaries (never its code), its details translated (a meeting's result 达成协议, not
 * "agreed"; a unit by name, not its code; a signature by how it was given), times in Beijing time;
 * and each deadline with its warning only where the warning comes before it (a meeting reminder's
 * `warnAt` is the meeting itself, after the reminder is due).
 */
import { provisionalTip } from './context';
import { replannedDetail, type CaseDoc } from './case-view';
import { when } from './case-signing';
import { fill, type ConsoleDict, type ConsoleLang } from './i18n';

export interface CaseEvent {
  seq: number;
  type: string;
  at: string;
  actor: { name: string };
  payload: Record<string, unknown>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/** An event's name: the lifecycle dictionary's, else this page's, else a neutral word (never the code). */
export function eventLabel(type: string, t: ConsoleDict): string {
  return t.event[type] ?? (t.caseMore as Record<string, string>)[type] ?? t.caseMore.event;
}

/** What an event's payload says, in words: people's own texts as written, codes translated. */
export function eventDetail(
  e: CaseEvent,
  t: ConsoleDict,
  lang: ConsoleLang,
  unitNames: Map<string, string>,
): string | null {
  const p = e.payload ?? {};
  const parts: string[] = [];
  const result = str(p.result);
  if (result) parts.push(t.option[result] ?? t.caseMore.event);
  if (e.type === 'signed' && str(p.name)) {
    const method = str(p.method) ?? '';
    const how =
      (
        {
          signature: t.signing.signature,
          fingerprint: t.signing.fingerprint,
          seal: t.signing.partySeal,
          electronic: t.signing.electronic,
        } as Record<string, string>
      )[method] ?? '';
    parts.push(fill(t.caseMore.signedDetail, { name: str(p.name)!, how }));
  }
  if (e.type === 'agreement_effective' && str(p.number))
    parts.push(fill(t.caseMore.effectiveDetail, { number: str(p.number)! }));
  if (e.type === 'deadline_breached' && str(p.kind)) parts.push(t.deadline[str(p.kind)!] ?? '');
  const to = str(p.to);
  if (to) parts.push(fill(t.caseMore.movedTo, { unit: unitNames.get(to) ?? to }));
  for (const key of ['reason', 'text', 'note', 'place', 'fileName']) {
    const v = str(p[key]);
    if (v) parts.push(v);
  }
  const out = parts.filter(Boolean);
  return out.length ? out.join(lang === 'zh-CN' ? '；' : '; ') : null;
}

/** The timeline, oldest first as the API lists it. */
export function timelineRows(events: CaseEvent[], t: ConsoleDict, lang: ConsoleLang, unitNames: Map<string, string>) {
  return events.map((e) => {
    const base = { at: when(e.at, lang), iso: e.at, label: eventLabel(e.type, t), actor: e.actor?.name ?? '' };
    if (e.type === 'deadlines_replanned') return { ...base, ...replannedDetail(e.payload ?? {}, t, lang, unitNames) };
    return { ...base, detail: eventDetail(e, t, lang, unitNames), moves: null };
  });
}

/** The deadline table's rows. */
export function deadlineRows(c: Pick<CaseDoc, 'deadlines'>, t: ConsoleDict, lang: ConsoleLang, now = Date.now()) {
  return Object.values(c.deadlines ?? {}).map((d) => {
    const reminder = d.kind === 'meeting_reminder';
    // A warning is shown only where it comes before the deadline (a reminder's warnAt is the meeting).
    const warns = Date.parse(d.warnAt) < Date.parse(d.dueAt);
    const warned = warns && Date.parse(d.warnAt) <= now;
    const state = d.breached ? 'breach' : d.pausedAt ? 'paused' : warned ? 'warn' : 'ok';
    return {
      label: reminder ? t.caseMore.reminderAt : (t.deadline[d.kind] ?? t.caseMore.event),
      dueAt: when(d.dueAt, lang),
      warnAt: warns ? when(d.warnAt, lang) : '—',
      // The reminder's row names the meeting it is for.
      note: reminder ? fill(t.caseMore.meetingAt, { at: when(d.warnAt, lang) }) : null,
      state,
      word: d.breached
        ? t.inbox.breached
        : d.pausedAt
          ? t.case.paused
          : reminder
            ? t.caseMore.reminderPending
            : warned
              ? t.inbox.warn
              : t.inbox.ok,
      pausedSince: d.pausedAt ? fill(t.caseMore.pausedSince, { at: when(d.pausedAt, lang) }) : null,
      provisional: provisionalTip(t, lang, d.provisionalYears),
    };
  });
}
