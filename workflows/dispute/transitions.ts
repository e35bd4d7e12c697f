/**
 * The moves a case makes that more than one action (or a deadline) sets off: to another unit, up a
 * level, closed, an agreement drafted, effective once signed and sealed (人民调解法 Art. 29), the
 * handling clock started.
 */
import type { Agreement, Actor, Deadline, DisputeView, Escalation, UnitRef } from '../../domain/types';
import type { ResolvePayload } from '../dispute.messages';
import { nowIso, type DisputeCase } from './case';
import { agreementInForce, superviseFromEffectiveness } from './performance';

/** The case goes to another unit, which must accept it within its own accept deadline. */
export function moveTo(
  c: DisputeCase,
  unit: UnitRef,
  deadline: Deadline,
  escalation: Omit<Escalation, 'at' | 'to'>,
): void {
  const s = c.state;
  s.escalations.push({ at: nowIso(), to: unit.code, ...escalation, fromName: s.unit?.name, toName: unit.name });
  s.unit = unit;
  s.level = unit.level;
  s.acceptedAt = undefined;
  s.acceptedBy = undefined;
  s.assignee = undefined;
  s.suspended = undefined;
  s.deadlines = {};
  c.setDeadline(deadline);
  c.enterStage('awaiting_acceptance');
}

/** Hands the case to the parent unit, whose own accept clock starts; false at the top of the tree. */
export async function escalate(
  c: DisputeCase,
  actor: Actor,
  reason: string,
  automatic: boolean,
  kind: Escalation['kind'],
): Promise<boolean> {
  const s = c.state;
  const from = s.unit;
  if (!from) return false;
  const next = await c.exclusively(() =>
    c.steps.escalateCase({
      disputeId: s.disputeId,
      unitCode: from.code,
      category: s.category,
      priority: s.priority,
      from: nowIso(),
    }),
  );
  if (!next) return false;
  moveTo(c, next.unit, next.deadline, { from: from.code, reason, automatic, kind });
  await c.emit('escalated', actor, { from: from.code, to: next.unit.code, reason, automatic });
  return true;
}

export function closeCase(c: DisputeCase, outcome: NonNullable<DisputeView['outcome']>): void {
  const s = c.state;
  s.outcome = outcome;
  s.closedAt = nowIso();
  s.suspended = undefined;
  // After a resolved case closes, only the judicial-confirmation window and a filing's pending ruling remain
  // (workflows/dispute/judicial.ts): the workflow runs on until they end, and they can still be recorded.
  const judicial = agreementInForce(outcome) ? c.deadlines().judicial_confirmation : undefined;
  const ruling = agreementInForce(outcome) ? c.deadlines().judicial_ruling : undefined;
  s.deadlines = {
    ...(judicial ? { judicial_confirmation: judicial } : {}),
    ...(ruling ? { judicial_ruling: ruling } : {}),
  };
  c.enterStage('closed');
}

export async function draftAgreement(c: DisputeCase, actor: Actor, p: ResolvePayload): Promise<void> {
  const s = c.state;
  const signatures = await c.exclusively(() =>
    c.steps.computeDeadline({ kind: 'signatures', ...c.slaKey(), from: nowIso() }),
  );
  const agreement: Agreement = {
    facts: p.facts,
    matters: p.matters,
    responsibilities: p.responsibilities,
    losses: p.losses,
    terms: p.terms,
    draftedAt: nowIso(),
    draftedBy: actor,
    signatures: [],
    round: (s.pastAgreements?.length ?? 0) + 1,
    // A variation (变更协议) names the effective agreement it varies (workflows/dispute/performance.ts).
    ...(s.varying ? { varies: { number: s.varying.number, effectiveAt: s.varying.effectiveAt } } : {}),
    form: 'written',
    // 签订地点: as agreed, else the committee (人民调解法 Art. 29; domain/agreement-law.ts).
    signingPlace: p.signingPlace ?? s.unit?.committeeName,
  };
  s.agreement = agreement;
  c.setDeadline(signatures, { noWarning: true });
  c.enterStage('awaiting_signatures');
  await c.emit('agreement_drafted', actor, { terms: p.terms.length });
}

/** Art. 29: effective once every party and the mediator have signed and the committee's seal is affixed. */
export async function becomeEffectiveIfComplete(c: DisputeCase, actor: Actor): Promise<void> {
  const s = c.state;
  const agreement = s.agreement;
  if (!agreement?.sealedAt) return;
  const signed = new Set(agreement.signatures.map((sig) => sig.signer));
  const everyone = ['mediator', ...s.parties.map((_, i) => `party:${i}`)];
  if (!everyone.every((signer) => signed.has(signer))) return;
  const effectiveAt = nowIso();
  const sealed = await c.exclusively(() => c.effects.sealAgreement({ view: s, effectiveAt }));
  agreement.number = sealed.number;
  agreement.sha256 = sealed.sha256;
  agreement.effectiveAt = effectiveAt;
  const after = await c.exclusively(() =>
    c.steps.afterEffective({ ...c.slaKey(), effectiveAt, terms: agreement.terms }),
  );
  c.clearDeadlines('handling', 'signatures');
  c.setDeadline(after.followUp);
  c.setDeadline(after.judicial);
  // Art. 33 (民法典 Art. 201, 203): the window's end, and the court proposed (民事诉讼法 Art. 205), for the application.
  agreement.judicialWindowEndsAt = after.judicial.dueAt;
  if (after.court) agreement.judicialCourt = after.court;
  s.followUp = { dueAt: after.followUp.dueAt };
  c.enterStage('follow_up');
  await c.emit('agreement_effective', actor, {
    number: agreement.number,
    sha256: agreement.sha256,
    followUpAt: after.followUp.dueAt,
  });
  // 人民调解法 Art. 31: supervision term by term, visits up to the last term's deadline (patched).
  await superviseFromEffectiveness(c, actor, agreement);
}

export async function startHandlingClock(c: DisputeCase): Promise<void> {
  const handling = await c.exclusively(() =>
    c.steps.computeDeadline({ kind: 'handling', ...c.slaKey(), from: nowIso() }),
  );
  c.setDeadline(handling);
}

/** A unit named by an action (transfer, reassign) and the accept deadline it would have. */
export async function unitWithAcceptDeadline(
  c: DisputeCase,
  code: string,
): Promise<{ unit: UnitRef; deadline: Deadline }> {
  return c.exclusively(async () => {
    const unit = await c.steps.resolveUnit(code);
    const deadline = await c.steps.computeDeadline({
      kind: 'accept',
      ...c.slaKey(),
      level: unit.level,
      unitPath: unit.path,
      from: nowIso(),
    });
    return { unit, deadline };
  });
}
