/**
 * After the agreement (issue 21, item 6): the committee supervises the performance of the effective
 * agreement term by term and visits the parties up to the last term's deadline (人民调解法 Art. 31;
 * 2002《人民调解工作若干规定》Art. 36–37); non-performance leads to 督促履行 and the Art. 32 notice,
 * never to discarding the agreement; a new agreement is an agreed variation (变更协议) naming the
 * original, which stays in force until the variation takes effect.
 *
 * Versioning: cases that became effective before this code keep the old follow-up (one visit,
 * performed or not, then reopen or fail). The choice is made once, at effectiveness, by
 * `patched(PERFORMANCE_PATCH)`; from then on `state.performance` being present is the new path.
 */
import { patched } from '@temporalio/workflow';
import { beijingDateTime } from '../../domain/beijing-time';
import { chineseOrdinal } from '../../domain/money';
import {
  ART_32_NOTICE,
  allPerformed,
  nextPlannedVisit,
  statusRefusal,
  termDueAt,
  termStatus,
  termStatuses,
  visitPlan,
  type FollowUpVisit,
  type RecordedStatus,
} from '../../domain/performance';
import type { Actor, Agreement, Deadline } from '../../domain/types';
import {
  recordPerformanceUpdate,
  type FailPayload,
  type FollowUpPayload,
  type ReopenPayload,
} from '../dispute.messages';
import { invalid, nowIso, type DisputeCase } from './case';
import { closeCase, startHandlingClock } from './transitions';

export const PERFORMANCE_PATCH = 'performance-per-term';

/** What a non-performance hook is told: the terms found not performed, their obligors, the agreement's number. */
export interface NonPerformance {
  actor: Actor;
  /** 1-based term numbers. */
  terms: number[];
  obligors: string[];
  number?: string;
}
export type NonPerformanceHook = (c: DisputeCase, np: NonPerformance) => Promise<void>;

/**
 * Hooks run after 督促履行 whenever a term is found not performed (e.g. the 申请强制执行 notice for
 * a judicially confirmed agreement, 民事诉讼法 Art. 206). Register once, at a module's top level,
 * with `onNonPerformance(fn)`; a hook runs inside the action's step, so what it does (notices,
 * events) is recorded with it. A hook that issues commands changes this path's command sequence.
 */
export const nonPerformanceHooks: NonPerformanceHook[] = [];
export function onNonPerformance(hook: NonPerformanceHook): void {
  if (!nonPerformanceHooks.includes(hook)) nonPerformanceHooks.push(hook);
}

/** Outcomes after which the effective agreement stays in force (its judicial-confirmation window runs on). */
export function agreementInForce(outcome: string): boolean {
  return outcome === 'resolved' || outcome === 'performance_referred';
}

const termsText = (terms: number[]) => terms.map((t) => `第${chineseOrdinal(t)}项`).join('、');

/**
 * At effectiveness (人民调解法 Art. 29 → Art. 31): new cases supervise each term and plan a visit at
 * each term's deadline, the first being the policy's; a variation's effectiveness retires the
 * original agreement it varies.
 */
export async function superviseFromEffectiveness(c: DisputeCase, actor: Actor, agreement: Agreement): Promise<void> {
  const s = c.state;
  if (!patched(PERFORMANCE_PATCH)) return;
  s.performance = agreement.terms.map((_, i) => ({ term: i + 1 }));
  const first = s.followUp!.dueAt;
  s.followUp = { dueAt: first, plan: visitPlan(first, agreement.terms), visits: [] };
  const varying = s.varying;
  if (varying && agreement.number) {
    s.variations = [...(s.variations ?? []), { original: varying.number, variedBy: agreement.number, at: nowIso() }];
    s.varying = undefined;
    await c.emit('agreement_varied', actor, { original: varying.number, number: agreement.number });
  }
}

/** Registers `record-performance` (a new Update: replay-safe). */
export function registerPerformanceActions(c: DisputeCase): void {
  const s = c.state;
  c.on(
    recordPerformanceUpdate,
    'record-performance',
    async ({ actor, payload }) => {
      const at = nowIso();
      s.performance![payload.term - 1] = {
        term: payload.term,
        status: payload.status,
        note: payload.note,
        at,
        by: actor.id,
        source: 'record-performance',
      };
      await c.emit('performance_recorded', actor, { term: payload.term, status: payload.status, note: payload.note });
      await afterStatuses(c, actor, unperformed(c, [payload.term]));
    },
    ({ payload }) => {
      const terms = s.agreement?.terms ?? [];
      if (!s.performance || !s.agreement?.effectiveAt)
        invalid('没有正在履行的调解协议 / there is no effective agreement to supervise');
      const term = terms[payload.term - 1];
      if (!term)
        invalid(`调解协议共${terms.length}项，没有第${payload.term}项 / the agreement has ${terms.length} terms`);
      const why = statusRefusal(term, payload.term - 1, payload.status, Date.now());
      if (why) invalid(why);
    },
  );
}

/** The follow-up visit on the per-term path: how, whom, the terms as seen; then close, urge, or plan the next visit. */
export async function recordVisit(c: DisputeCase, actor: Actor, payload: FollowUpPayload): Promise<void> {
  const s = c.state;
  const agreement = s.agreement!;
  const now = Date.now();
  const at = nowIso();
  const seen = new Map<number, { status: RecordedStatus; note?: string }>();
  for (const t of payload.terms ?? []) seen.set(t.term, { status: t.status, note: t.note });
  agreement.terms.forEach((term, i) => {
    if (seen.has(i + 1) || payload.performed === undefined) return;
    const status = termStatus(term, s.performance![i], now);
    // The shorthand: performed = every term done; not performed = every due term not yet done.
    if (payload.performed) seen.set(i + 1, { status: 'done' });
    else if (status === 'in_progress') seen.set(i + 1, { status: 'not_performed' });
  });
  for (const [term, { status, note }] of seen) {
    s.performance![term - 1] = { term, status, note, at, by: actor.id, source: 'follow-up' };
  }
  const statuses = termStatuses(agreement.terms, s.performance, now);
  const done = allPerformed(agreement.terms, s.performance);
  const visit: FollowUpVisit = {
    at,
    by: actor.id,
    byName: actor.name,
    method: payload.method,
    met: payload.met,
    statuses,
    satisfaction: payload.satisfaction,
    note: payload.note,
    risks: payload.risks,
    measures: payload.measures,
  };
  s.followUp = {
    ...s.followUp!,
    performed: done,
    satisfaction: payload.satisfaction,
    note: payload.note,
    risks: payload.risks,
    measures: payload.measures,
    method: payload.method,
    met: payload.met,
    recordedAt: at,
    recordedBy: actor.id,
    visits: [...(s.followUp?.visits ?? []), visit],
  };
  c.clearDeadlines('follow_up');
  await c.emit('follow_up_recorded', actor, {
    performed: done,
    satisfaction: payload.satisfaction,
    method: payload.method,
    met: payload.met,
    statuses,
  });
  await afterStatuses(c, actor, unperformed(c, [...seen.keys()]));
  if (s.stage === 'follow_up') await planNextVisit(c);
}

/** The visit's content fits the agreement: each term exists once, no 未履行 before its deadline, `performed` agrees. */
export function checkVisit(c: DisputeCase, payload: FollowUpPayload): void {
  const s = c.state;
  if (!s.performance) {
    if (payload.performed === undefined) invalid('请记录协议是否已履行 / state whether the agreement was performed');
    return;
  }
  const terms = s.agreement?.terms ?? [];
  const listed = new Set<number>();
  for (const t of payload.terms ?? []) {
    const term = terms[t.term - 1];
    if (!term) invalid(`调解协议共${terms.length}项，没有第${t.term}项 / the agreement has ${terms.length} terms`);
    if (listed.has(t.term)) invalid(`第${t.term}项重复记录 / term ${t.term} is listed twice`);
    listed.add(t.term);
    const why = statusRefusal(term, t.term - 1, t.status, Date.now());
    if (why) invalid(why);
    if (payload.performed === true && t.status !== 'done') {
      invalid(
        `记为已履行时每一项都须已履行，第${t.term}项不是 / “performed” means every term is done; term ${t.term} is not`,
      );
    }
  }
}

/** Terms among `terms` (1-based) that are now not performed, or only partly performed after their deadline. */
function unperformed(c: DisputeCase, terms: number[]): number[] {
  const s = c.state;
  const now = Date.now();
  return terms
    .filter((t) => {
      const status = s.performance?.[t - 1]?.status;
      const term = s.agreement?.terms[t - 1];
      if (status === 'not_performed') return true;
      const due = term ? termDueAt(term) : undefined;
      return status === 'partly' && (due === undefined || now >= due);
    })
    .sort((a, b) => a - b);
}

/** Every term done closes the case as resolved; a term not performed is urged (督促履行). */
async function afterStatuses(c: DisputeCase, actor: Actor, notPerformed: number[]): Promise<void> {
  const s = c.state;
  if (allPerformed(s.agreement!.terms, s.performance)) {
    closeCase(c, 'resolved');
    await c.emit('closed', actor, { outcome: 'resolved' });
    return;
  }
  if (notPerformed.length) await urgePerformance(c, actor, notPerformed);
}

/**
 * 督促履行 (人民调解法 Art. 31; 2002 规定 Art. 36): recorded on the file, a notice to the obligor (and
 * the mediator), an alert to the unit, and the Art. 32 notice to the parties. The agreement stays in
 * force: the case stays in follow-up. Then the hooks (see `onNonPerformance`).
 */
export async function urgePerformance(c: DisputeCase, actor: Actor, terms: number[]): Promise<void> {
  const s = c.state;
  const agreement = s.agreement!;
  const number = agreement.number ?? s.caseNumber ?? s.disputeId;
  const obligors = [...new Set(terms.map((t) => agreement.terms[t - 1]?.obligor).filter((o): o is string => !!o))];
  const who = obligors.length ? obligors.join('、') : '义务人';
  // A new round of supervision: its own alert (one per case, kind and stage entry).
  c.enterStage('follow_up');
  await c.emit('performance_urged', actor, { number, terms, obligors });
  await c.alert(
    'performance_urged',
    `${number} 调解协议${termsText(terms)}未履行，请督促${who}履行（人民调解法第三十一条）`,
  );
  const mediator = s.assignee?.name ?? s.unit?.name ?? '';
  c.notify({
    key: `${s.disputeId}:urging:${s.seq}`,
    disputeId: s.disputeId,
    kind: 'performance_urging',
    recipients: [...(obligors.length ? obligors : s.parties.map((p) => p.name)), mediator],
    message: `履行督促通知：${who}，依${number}调解协议，${termsText(terms)}至今未履行，请按协议约定履行义务。${s.unit?.committeeName ?? ''}将继续回访（人民调解法第三十一条，${beijingDateTime(nowIso())}）。 / Notice to perform: the terms ${terms.join(', ')} of the mediation agreement ${number} have not been performed; please perform them as agreed (People’s Mediation Law Art. 31).`,
  });
  c.notify({
    key: `${s.disputeId}:art32:${s.seq}`,
    disputeId: s.disputeId,
    kind: 'performance_dispute_notice',
    recipients: s.parties.map((p) => p.name),
    message: `${number} 调解协议${termsText(terms)}未履行。调解协议仍然有效。${ART_32_NOTICE}`,
  });
  for (const hook of nonPerformanceHooks) await hook(c, { actor, terms, obligors, number });
}

/** The next visit: the next term deadline still ahead, else the policy's follow-up days from now, while terms remain open. */
async function planNextVisit(c: DisputeCase): Promise<void> {
  const s = c.state;
  let due = nextPlannedVisit(s.followUp?.plan, Date.now());
  if (!due) {
    const after = await c.exclusively(() =>
      c.steps.afterEffective({ ...c.slaKey(), effectiveAt: nowIso(), terms: [] }),
    );
    due = after.followUp.dueAt;
  }
  const visit: Deadline = {
    kind: 'follow_up',
    startedAt: nowIso(),
    warnAt: due,
    dueAt: due,
    warned: true,
    breached: false,
    autoEscalate: false,
    calendar: 'wall-clock',
  };
  s.followUp = { ...s.followUp!, dueAt: due };
  // A new visit round: its own follow_up_due alert when it falls due.
  c.enterStage('follow_up');
  c.setDeadline(visit);
}

/**
 * `reopen` on the per-term path: the parties agree to vary the effective agreement (变更协议,
 * 民法典 Art. 543). The original stays in force (in the history, its judicial-confirmation window
 * running) until the variation, which names it, takes effect. False on the old path.
 */
export async function openVariation(c: DisputeCase, actor: Actor, payload: ReopenPayload): Promise<boolean> {
  const s = c.state;
  const original = s.agreement;
  if (!s.performance || !original?.number) return false;
  await startHandlingClock(c);
  s.varying = {
    number: original.number,
    round: original.round,
    effectiveAt: original.effectiveAt,
    reason: payload.reason,
    at: nowIso(),
    by: actor.id,
  };
  s.pastAgreements = [...(s.pastAgreements ?? []), original];
  s.agreement = undefined;
  c.clearDeadlines('follow_up');
  c.enterStage('in_mediation');
  await c.emit('variation_opened', actor, { original: original.number, reason: payload.reason });
  return true;
}

/**
 * `fail` after an effective agreement (per-term path): not a failure of mediation but a dispute over
 * the agreement's performance or content, referred to the court (人民调解法 Art. 32). The agreement
 * stays effective. False when the case has no effective agreement under supervision.
 */
export async function referPerformanceDispute(c: DisputeCase, actor: Actor, payload: FailPayload): Promise<boolean> {
  const s = c.state;
  if (!s.performance || !(s.stage === 'follow_up' || s.varying)) return false;
  const agreement = s.agreement?.effectiveAt
    ? s.agreement
    : s.pastAgreements?.find((a) => a.number === s.varying?.number);
  const terms = (s.performance ?? [])
    .filter((p) => p.status === 'not_performed' || p.status === 'partly')
    .map((p) => p.term);
  const number = agreement?.number ?? s.varying?.number;
  s.performanceDispute = { at: nowIso(), by: actor.id, reason: payload.reason, referral: payload.referral, terms };
  closeCase(c, 'performance_referred');
  await c.emit('performance_dispute_referred', actor, {
    number,
    terms,
    reason: payload.reason,
    referral: payload.referral,
  });
  c.notify({
    key: `${s.disputeId}:art32:referred`,
    disputeId: s.disputeId,
    kind: 'performance_dispute_notice',
    recipients: s.parties.map((p) => p.name),
    message: `${number ?? s.caseNumber ?? ''} 调解协议履行争议：${payload.reason}。${ART_32_NOTICE} ${payload.referral}`,
  });
  return true;
}
