/**
 * One dispute, from intake to the follow-up visit, as one durable workflow. The workflow is the
 * single source of truth for the case's stage and deadlines; each staff action is an Update whose
 * validator refuses what the caller's role or area (403), the stage (409) or the content (422) does
 * not allow. All I/O is in activities; deadlines are computed by activities and recorded in history.
 *
 * The parts: `dispute/case.ts` the state and the rules of a step, `dispute/actions-*.ts` the staff
 * actions, `dispute/transitions.ts` the moves several of them share, `dispute/clock.ts` the
 * deadlines, `dispute/steps.ts` the activities. How a change to this code is versioned: docs/versioning.md.
 */
import { allHandlersFinished, condition, patched, setHandler } from '@temporalio/workflow';
import { riskReasonText } from '../domain/beijing-time';
import type { DisputeView, StartDisputeInput } from '../domain/types';
import { intakeDoneUpdate, repairSignal, stateQuery } from './dispute.messages';
import { registerAgreementActions } from './dispute/actions-agreement';
import { registerHandlingActions } from './dispute/actions-handling';
import { DisputeCase, SYSTEM, nowIso } from './dispute/case';
import { runClock } from './dispute/clock';
import { registerJudicialActions } from './dispute/judicial';
import { registerMeetingAndRiskActions } from './dispute/meeting';
import { registerVoluntarinessActions } from './dispute/voluntariness';
import { registerSatisfactionActions } from './dispute/satisfaction';

export async function disputeWorkflow(input: StartDisputeInput): Promise<DisputeView> {
  const c = new DisputeCase(input);
  const s = c.state;
  setHandler(stateQuery, () => s);
  setHandler(intakeDoneUpdate, async () => {
    await condition(() => c.intakeDone);
    return c.receipt();
  });
  setHandler(repairSignal, (input) => c.requestRepair(input));
  registerHandlingActions(c);
  registerAgreementActions(c);
  registerJudicialActions(c);
  registerMeetingAndRiskActions(c);
  registerVoluntarinessActions(c, input);
  registerSatisfactionActions(c);

  // Intake 登记: route, number, assess the risk, start the accept clock.
  const intake = await c.steps.intakeDispute({ ...input, from: nowIso() });
  s.caseNumber = intake.caseNumber;
  s.numberedBy = intake.unit.code;
  s.unit = intake.unit;
  s.level = intake.unit.level;
  s.risk = intake.risk;
  if (intake.risk.high) s.priority = 'urgent';
  c.setDeadline(intake.deadline);
  c.enterStage('awaiting_acceptance');
  await c.emit('received', input.reportedBy, { unit: intake.unit.code, caseNumber: intake.caseNumber });
  if (intake.risk.high) await flagHighRisk(c, intake.risk.reasons);
  // Only now is the case readable from the API, so only now do actions and the creator's answer go ahead.
  c.intakeDone = true;

  await runClock(c);
  await condition(allHandlersFinished);
  // A closed case whose notice is still being retried (its endpoint down, a worker lost) waits for it:
  // a run that completes abandons its activities.
  if (c.noticesInFlight.size > 0) await condition(() => c.noticesInFlight.size === 0);
  return s;
}

/**
 * 人民调解法 Art. 25: a dispute that may turn violent is flagged and put on the urgent clock; the report
 * to the police (应当向当地公安机关或者其他有关部门报告) is proposed to the mediator, who sends it with
 * `refer-to-police` naming the preventive measures taken (应当及时采取有针对性的预防措施). Old
 * histories sent the referral at intake, automatically: that path is kept for them.
 */
async function flagHighRisk(c: DisputeCase, reasons: string[]): Promise<void> {
  const s = c.state;
  const why = reasons.map(riskReasonText).join('；');
  if (patched('police-referral-confirmed')) {
    const text = `高风险纠纷（${why}）：可能激化为治安案件或刑事案件，已启用紧急时限。请调解员及时采取有针对性的预防措施，并在确认后报告当地公安机关（“报告公安机关”，人民调解法第二十五条）。`;
    s.notes.push({ at: nowIso(), by: SYSTEM, text });
    await c.alert('high_risk', `${s.caseNumber} ${text}`);
    await c.emit('high_risk_flagged', SYSTEM, { reasons, policeReferral: 'proposed' });
    return;
  }
  const text = `高风险纠纷（${why}）：可能激化为刑事案件或治安案件，已启用紧急时限，建议同时报告当地公安机关（人民调解法第二十五条）。`;
  s.notes.push({ at: nowIso(), by: SYSTEM, text });
  await c.alert('high_risk', `${s.caseNumber} ${text}`);
  c.notify({
    key: `${s.disputeId}:police-referral`,
    disputeId: s.disputeId,
    kind: 'high_risk_referral',
    recipients: ['police'],
    message: `${s.caseNumber} ${s.title}：${text}`,
  });
  await c.emit('high_risk_flagged', SYSTEM, { reasons });
}
