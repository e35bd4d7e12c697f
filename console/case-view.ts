/**
 * What the console's case pages show of a case, computed from the API's answer: the SLA light and
 * its countdown, risk reasons and re-planned deadlines as people read
 * them (console/cases.ts renders them).
 */
import { SLA_KINDS } from '../domain/sla';
import type { Action } from '../domain/lifecycle';
import type { CaseSource, ConsentRecord } from '../domain/voluntariness';
import { beijing, provisionalTip } from './context';
import { fill, type ConsoleDict, type ConsoleLang } from './i18n';

/** What the console reads of a case (the API's Dispute). */
export interface CaseDoc {
  id: string;
  caseNumber?: string;
  stage: string;
  outcome?: string;
  level?: string;
  unit?: { code: string; name: string; committeeName?: string };
  category: string;
  priority: string;
  title: string;
  description: string;
  parties: Array<{
    name: string;
    role: string;
    kind?: string;
    phone?: string;
    address?: string;
    representative?: string;
    legalRepresentative?: { name: string; relation: string };
    agents?: Array<{ name: string }>;
  }>;
  reporter?: { name: string; relation: string; phone?: string };
  channel: string;
  receivedAt: string;
  risk?: { high: boolean; reasons: string[] };
  assignee?: { id: string; name: string };
  deadlines: Record<
    string,
    { kind: string; warnAt: string; dueAt: string; breached: boolean; pausedAt?: string; provisionalYears?: number[] }
  >;
  suspended?: { since: string; reason: string };
  meeting?: {
    at: string;
    place: string;
    agenda?: string;
    agencies: Array<{ code: string; name: string; answer?: string; note?: string }>;
    outcome?: unknown;
  };
  agreement?: { number?: string; effectiveAt?: string; signatures: unknown[]; form?: 'written' | 'oral' };
  followUp?: { recordedAt?: string };
  /** 人民调解法 Art. 31: each term's performance now (api/schemas/performance.ts). */
  performance?: Array<{
    term: number;
    text: string;
    obligor: string | null;
    dueDate: string | null;
    status: string;
    note: string | null;
  }>;
  failure?: unknown;
  /** 不予受理 and the parties' will (domain/voluntariness.ts). */
  refusal?: unknown;
  source?: CaseSource;
  consents?: ConsentRecord[];
  allowedActions: Action[];
  /** The numbers the case had before another committee took it over (原案号), the first one first. */
  priorCaseNumbers?: string[];
}

export const ROLE_LABEL: Record<string, { zh: string; en: string }> = {
  applicant: { zh: '申请人', en: 'Applicant' },
  respondent: { zh: '被申请人', en: 'Respondent' },
  third_party: { zh: '第三人', en: 'Third party' },
};

/** The intake's risk reasons are stable codes for integrators ('keyword: 报复'); people read them in their language. */
export function riskReason(reason: string, zh: boolean): string {
  if (reason === 'reporter flagged high risk') return zh ? '上报人标记为高风险' : 'flagged high risk by the reporter';
  const keyword = /^keyword: (.+)$/.exec(reason);
  if (keyword) return zh ? `含关键词“${keyword[1]}”` : `keyword “${keyword[1]}”`;
  return reason;
}

function duration(ms: number, t: ConsoleDict): string {
  const mins = Math.max(0, Math.round(ms / 60_000));
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  const { countdown: c } = t;
  if (d > 0) return `${d}${c.d}${h}${c.h}`;
  if (h > 0) return `${h}${c.h}${m}${c.m}`;
  return `${m}${c.m}`;
}

/** The SLA light of a case: red when a deadline is breached, amber from its warning time, else green. */
export function slaOf(
  c: Pick<CaseDoc, 'stage' | 'deadlines'>,
  t: ConsoleDict,
  now = Date.now(),
  lang: ConsoleLang = 'zh-CN',
) {
  const all = Object.values(c.deadlines ?? {}).filter((d) => d && SLA_KINDS.includes(d.kind as never));
  if (c.stage === 'closed' || all.length === 0)
    return {
      state: 'none',
      text: t.inbox.noDeadline,
      kindLabel: '',
      due: '',
      warn: '',
      dueText: '',
      provisional: null,
    };
  const breached = all.filter((d) => d.breached).sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
  const running = all.filter((d) => !d.breached && !d.pausedAt).sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
  const d = breached ?? running ?? all[0]!;
  const due = Date.parse(d.dueAt);
  const kindLabel = t.deadline[d.kind] ?? d.kind;
  let state: string;
  let text: string;
  if (d.pausedAt && !d.breached) {
    // The word beside it already says 暂停中: the count stays empty (it read "暂停中 暂停中").
    state = 'paused';
    text = '';
  } else if (d.breached || due <= now) {
    state = 'breach';
    text = `${t.inbox.over} ${duration(now - due, t)}`;
  } else {
    state = Date.parse(d.warnAt) <= now ? 'warn' : 'ok';
    text = `${t.inbox.left} ${duration(due - now, t)}`;
  }
  return {
    state,
    text,
    kindLabel,
    due: d.dueAt,
    warn: d.warnAt,
    dueText: beijing(d.dueAt, lang),
    provisional: provisionalTip(t, lang, d.provisionalYears),
  };
}

export const STATE_WORD = (t: ConsoleDict, state: string) =>
  ({ ok: t.inbox.ok, warn: t.inbox.warn, breach: t.inbox.breached, paused: t.case.paused })[state] ?? '';

interface ReplanMove {
  kind: string;
  dueAt: string;
  newDueAt: string;
  provisionalYears?: number[];
  newProvisionalYears?: number[];
}

/** A `deadlines_replanned` event as people read it: which arrangement prompted it, and each deadline's old → new due time. */
export function replannedDetail(
  p: Record<string, unknown>,
  t: ConsoleDict,
  lang: ConsoleLang,
  unitNames: Map<string, string>,
) {
  const prompt = (p.prompt ?? {}) as { revision?: number; year?: number; region?: string | null };
  const region = prompt.region ? (unitNames.get(prompt.region) ?? prompt.region) : t.calendars.national;
  const detail = prompt.year
    ? fill(t.case.replannedBy, {
        year: prompt.year,
        region,
        revision: prompt.revision ?? (typeof p.revision === 'number' ? p.revision : '—'),
      })
    : null;
  const moves = (Array.isArray(p.moves) ? (p.moves as ReplanMove[]) : []).map((m) => ({
    label: `${t.deadline[m.kind] ?? m.kind}${lang === 'en' ? ': ' : '：'}`,
    from: beijing(m.dueAt, lang),
    to: beijing(m.newDueAt, lang),
    fromProvisional: provisionalTip(t, lang, m.provisionalYears),
    toProvisional: provisionalTip(t, lang, m.newProvisionalYears),
  }));
  return { detail, moves };
}
