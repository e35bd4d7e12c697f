/**
 * Judicial confirmation (司法确认) of an agreement in effect, and the oral agreement (口头协议):
 *
 * - `record-judicial-confirmation`: the parties' joint application (人民调解法 Art. 33; 民事诉讼法
 *   Art. 205: within 30 days of effectiveness) and the court's ruling (Art. 206: 裁定调解协议有效, or
 *   裁定驳回申请). Allowed in follow-up, and after the case has closed while its workflow still
 *   watches the 30-day window or a filing awaits its ruling (domain/agreement-law.ts
 *   `judicialRecordable`; the `judicial_ruling` deadline keeps it that long, 法释〔2011〕5号 Art. 4–5).
 * - A confirmed agreement that is not performed: the enforcement notice (申请强制执行, 人民调解法
 *   Art. 33(2), 民事诉讼法 Art. 206), sent from here when the ruling comes after the visit found
 *   non-performance, and by `noticeEnforcementIfConfirmed` from the non-performance path.
 * - `resolve` with `form: 'oral'`: an oral agreement (Art. 28), recorded by the mediator and in
 *   effect at once (Art. 30): no signatures, no number, no judicial-confirmation window (the court
 *   is asked to confirm a 调解协议 filed with the application, 法释〔2011〕5号 Art. 3: parties who
 *   want it have a written agreement made instead).
 */
import { beijingIsoDay } from '../../domain/beijing-time';
import { JUDICIAL_RULING_WAIT_DAYS, isOral, termProblem } from '../../domain/agreement-law';
import { chineseDate } from '../../domain/money';
import type { Actor, Agreement, JudicialConfirmation, Term } from '../../domain/types';
import { recordJudicialConfirmationUpdate, type ResolvePayload } from '../dispute.messages';
import { invalid, nowIso, type DisputeCase } from './case';
import { onNonPerformance, superviseFromEffectiveness } from './performance';

// Non-performance of a confirmed agreement (recorded by the follow-up or record-performance,
// workflows/dispute/performance.ts) sends the 申请强制执行 notice (民事诉讼法 Art. 206).
onNonPerformance(async (c, np) => {
  await noticeEnforcementIfConfirmed(c, np.actor);
});

/** Whether the current agreement has been found not performed (a term, or the old single visit). */
const notPerformed = (c: DisputeCase): boolean =>
  !!c.state.performance?.some((p) => p.status === 'not_performed') || c.state.followUp?.performed === false;

const DAY_MS = 86_400_000;
/** The instant a Beijing day ends (24:00 = the next day's 00:00 +08:00). */
const endOfBeijingDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00+08:00`) + DAY_MS).toISOString();

export function registerJudicialActions(c: DisputeCase): void {
  const s = c.state;

  c.on(
    recordJudicialConfirmationUpdate,
    'record-judicial-confirmation',
    async ({ actor, payload }) => {
      const agreement = s.agreement!;
      const record: JudicialConfirmation = {
        ...agreement.judicialConfirmation,
        filedAt: payload.filedAt,
        court: payload.court,
        ...(payload.caseNumber ? { caseNumber: payload.caseNumber } : {}),
        ...(payload.ruling
          ? { ruling: payload.ruling, rulingNumber: payload.rulingNumber, rulingAt: payload.rulingAt }
          : {}),
        recordedAt: nowIso(),
        recordedBy: actor.id,
      };
      agreement.judicialConfirmation = record;
      if (record.ruling) c.clearDeadlines('judicial_ruling');
      else {
        // 法释〔2011〕5号 Art. 4–5: the court accepts within 3 days and rules within 15 (25 with an
        // extension): the case waits that long for the ruling to be recorded, even once closed.
        const due = endOfBeijingDay(
          beijingIsoDay(Date.parse(`${payload.filedAt}T12:00:00+08:00`) + JUDICIAL_RULING_WAIT_DAYS * DAY_MS),
        );
        c.setDeadline({
          kind: 'judicial_ruling',
          startedAt: nowIso(),
          warnAt: due,
          dueAt: due,
          warned: true,
          breached: false,
          autoEscalate: false,
          calendar: 'wall-clock',
        });
      }
      await c.emit(record.ruling ? 'judicial_confirmation_ruled' : 'judicial_confirmation_filed', actor, {
        filedAt: record.filedAt,
        court: record.court,
        caseNumber: record.caseNumber,
        ruling: record.ruling,
        rulingNumber: record.rulingNumber,
        rulingAt: record.rulingAt,
      });
      if (record.ruling === 'rejected') noticeRejected(c, agreement, record);
      else if (record.ruling === 'valid' && notPerformed(c)) await noticeEnforcementIfConfirmed(c, actor);
    },
    ({ payload }) => {
      const a = s.agreement;
      if (!a?.effectiveAt || isOral(a))
        invalid(
          "只有已生效的书面调解协议可以申请司法确认（人民调解法第三十三条；法释〔2011〕5号第三条） / only a written agreement in effect can be confirmed by a court (People's Mediation Law Art. 33)",
        );
      if (a.judicialConfirmation?.ruling)
        invalid(
          `法院裁定已登记（${a.judicialConfirmation.rulingNumber ?? ''}），不能再次登记 / the court's ruling is already recorded`,
        );
      const today = beijingIsoDay(Date.now());
      const effectiveDay = beijingIsoDay(Date.parse(a.effectiveAt));
      if (payload.filedAt > today) invalid('申请日期不能晚于今天 / the filing date cannot be in the future');
      if (payload.filedAt < effectiveDay)
        invalid(
          `申请日期早于调解协议生效日（${chineseDate(a.effectiveAt)}） / the filing date is before the agreement took effect`,
        );
      const windowEnds = a.judicialWindowEndsAt ?? s.deadlines?.judicial_confirmation?.dueAt;
      if (windowEnds && payload.filedAt > beijingIsoDay(Date.parse(windowEnds) - 1))
        invalid(
          `申请司法确认应当自调解协议生效之日起三十日内提出，本协议的期限已于${chineseDate(new Date(Date.parse(windowEnds) - 1).toISOString())}24时届满（人民调解法第三十三条；民事诉讼法第二百零五条） / the joint application must be filed within 30 days of effectiveness; this agreement's window ended on ${beijingIsoDay(Date.parse(windowEnds) - 1)} at 24:00 Beijing time (People's Mediation Law Art. 33; Civil Procedure Law Art. 205)`,
        );
      if (payload.ruling) {
        if (!payload.rulingNumber || !payload.rulingAt)
          invalid(
            '登记法院裁定须写明裁定书文号和裁定日期 / a ruling needs its number (rulingNumber) and date (rulingAt)',
          );
        if (payload.rulingAt < payload.filedAt)
          invalid('裁定日期早于申请日期 / the ruling date is before the filing date');
        if (payload.rulingAt > today) invalid('裁定日期不能晚于今天 / the ruling date cannot be in the future');
      } else if (payload.rulingNumber || payload.rulingAt) {
        invalid(
          '裁定书文号和日期须与裁定结果（ruling: valid 或 rejected）一并登记 / rulingNumber and rulingAt go with a ruling (valid or rejected)',
        );
      }
    },
  );
}

/**
 * 人民调解法 Art. 33(2), 民事诉讼法 Art. 206: a party to an agreement the court has ruled valid may
 * apply to that court for enforcement when the other refuses to perform it or does not perform it in
 * full. Sends the notice (once per agreement) if the current agreement was ruled valid; call it where
 * non-performance is recorded. Returns whether it was sent.
 */
export async function noticeEnforcementIfConfirmed(c: DisputeCase, actor: Actor): Promise<boolean> {
  const s = c.state;
  const a = s.agreement;
  const j = a?.judicialConfirmation;
  if (!a || j?.ruling !== 'valid') return false;
  const number = a.number ?? s.caseNumber ?? s.disputeId;
  const ruledOn = j.rulingAt ? chineseDate(`${j.rulingAt}T12:00:00+08:00`) : '';
  c.notify({
    key: `${s.disputeId}:enforcement:${a.round ?? 1}`,
    disputeId: s.disputeId,
    kind: 'enforcement_notice',
    recipients: [...s.parties.map((p) => p.name), s.assignee?.name ?? s.unit?.name ?? ''],
    message:
      `申请强制执行告知：${number}人民调解协议已经${j.court}于${ruledOn}裁定确认有效（${j.rulingNumber ?? ''}）。` +
      `一方当事人拒绝履行或者未全部履行的，对方当事人可以向作出确认裁定的人民法院申请强制执行（人民调解法第三十三条第二款；民事诉讼法第二百零六条）。` +
      ` / Notice on enforcement: the people's mediation agreement ${number} was ruled valid by ${j.court} (ruling ${j.rulingNumber ?? ''}). ` +
      `Where a party refuses to perform it or does not perform it in full, the other party may apply to the court that made the ruling for enforcement (People's Mediation Law Art. 33(2); Civil Procedure Law Art. 206).`,
  });
  await c.emit('enforcement_notice_sent', actor, { court: j.court, rulingNumber: j.rulingNumber });
  return true;
}

/** 民事诉讼法 Art. 206, 人民调解法 Art. 33(3): after a rejection the parties may vary the agreement by mediation, make a new one, or sue. */
function noticeRejected(c: DisputeCase, a: Agreement, j: JudicialConfirmation): void {
  const s = c.state;
  const number = a.number ?? s.caseNumber ?? s.disputeId;
  c.notify({
    key: `${s.disputeId}:judicial-rejected:${a.round ?? 1}`,
    disputeId: s.disputeId,
    kind: 'judicial_confirmation_rejected',
    recipients: [...s.parties.map((p) => p.name), s.assignee?.name ?? s.unit?.name ?? ''],
    message:
      `${number}人民调解协议的司法确认申请已被${j.court}裁定驳回（${j.rulingNumber ?? ''}）。当事人可以通过人民调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼（人民调解法第三十三条第三款；民事诉讼法第二百零六条）。` +
      ` / ${j.court} rejected the application to confirm agreement ${number} (ruling ${j.rulingNumber ?? ''}). The parties may vary it or make a new agreement through people's mediation, or sue in a people's court (People's Mediation Law Art. 33(3); Civil Procedure Law Art. 206).`,
  });
}

/**
 * 人民调解法 Art. 28, 30: an oral agreement, recorded by the mediator (口头协议登记表) and in effect
 * at once; the committee then supervises its performance (Art. 31) like a written one's.
 */
export async function recordOralAgreement(c: DisputeCase, actor: Actor, p: ResolvePayload): Promise<void> {
  const s = c.state;
  const effectiveAt = nowIso();
  const agreement: Agreement = {
    facts: p.facts,
    matters: p.matters,
    responsibilities: p.responsibilities,
    losses: p.losses,
    terms: p.terms,
    draftedAt: effectiveAt,
    draftedBy: actor,
    signatures: [],
    round: (s.pastAgreements?.length ?? 0) + 1,
    form: 'oral',
    signingPlace: p.signingPlace ?? s.unit?.committeeName,
    effectiveAt,
  };
  s.agreement = agreement;
  const after = await c.exclusively(() =>
    c.steps.afterEffective({ ...c.slaKey(), effectiveAt, terms: agreement.terms }),
  );
  c.clearDeadlines('handling', 'signatures');
  c.setDeadline(after.followUp);
  s.followUp = { dueAt: after.followUp.dueAt };
  c.enterStage('follow_up');
  await c.emit('oral_agreement_recorded', actor, { terms: p.terms.length, followUpAt: after.followUp.dueAt });
  // Art. 31: supervised term by term like a written agreement (workflows/dispute/performance.ts).
  await superviseFromEffectiveness(c, actor, agreement);
}

/** 422 when a term lacks its manner or time limit of performance (人民调解法 Art. 29(3)), naming the term. */
export function refuseUnperformableTerms(terms: readonly Term[]): void {
  const problem = termProblem(terms);
  if (problem) invalid(problem);
}
