/**
 * Committees are their own records (issue 21, item 1): a committee that takes a case over registers
 * it under its own number, and a street (or a unit above) that does not accept a ticket in time is
 * supervised (督办) from above instead of having the case moved up automatically. Both add steps on
 * paths older cases take, so each is behind its own patch (docs/versioning.md).
 */
import { patched } from '@temporalio/workflow';
import { beijingDateTime } from '../../domain/beijing-time';
import { acceptBreachSupervised, parentCodeOf } from '../../domain/committee';
import type { Actor, Deadline } from '../../domain/types';
import { SYSTEM, nowIso, type DisputeCase } from './case';

/**
 * On accepting a case numbered by another committee (a street taking over a community's case, say):
 * the accepting committee registers it under its own number (（2026）汪人调受字第N号), and the number
 * it had is kept as the original (原案号) for the documents.
 */
export async function registerOwnNumber(c: DisputeCase, actor: Actor): Promise<void> {
  const s = c.state;
  const unit = s.unit;
  if (!unit) return;
  // Cases from before `numberedBy` was kept: the intake committee (the first move's origin).
  const numberedBy = s.numberedBy ?? s.escalations[0]?.from ?? unit.code;
  if (numberedBy === unit.code) return;
  if (!patched('street-own-number')) return;
  const number = await c.exclusively(() =>
    c.steps.registerCaseNumber({ disputeId: s.disputeId, unitCode: unit.code, at: nowIso() }),
  );
  const before = s.caseNumber;
  s.numberedBy = unit.code;
  if (number === before) return;
  s.priorCaseNumbers = [...(s.priorCaseNumbers ?? []).filter((n) => n !== number), ...(before ? [before] : [])];
  s.caseNumber = number;
  await c.emit('case_number_registered', actor, {
    caseNumber: number,
    priorCaseNumber: before,
    unit: unit.code,
  });
}

/**
 * An accept deadline breached. A community's ticket goes up to its street as before (the caller
 * escalates, when the policy says so); from the street up the case is not moved: a 督办 alert goes
 * to the supervisors of the unit above (the county's, and the city's above them), and the case
 * waits for its unit to accept it. True when it was supervised (the caller does nothing more).
 */
export async function superviseAcceptBreach(c: DisputeCase, d: Deadline): Promise<boolean> {
  const s = c.state;
  const unit = s.unit;
  if (!unit || !acceptBreachSupervised(s.level)) return false;
  if (!patched('accept-breach-supervision')) return false;
  const above = parentCodeOf(unit.path) ?? unit.code;
  const number = s.caseNumber ?? s.disputeId;
  await c.effects.raiseAlert({
    disputeId: s.disputeId,
    caseNumber: s.caseNumber,
    kind: 'accept_supervision',
    stageEntry: s.stageEntry,
    unitCode: above,
    message:
      `督办：${number} ${unit.name}未在${beijingDateTime(d.dueAt)}前受理，案件仍由其办理，请上级督促受理或改派 / ` +
      `Supervision: ${unit.name} did not accept ${number} in time; the case stays with it: see that it is accepted or reassign it`,
    at: nowIso(),
  });
  await c.emit('supervision_requested', SYSTEM, { kind: 'accept', unit: unit.code, to: above, dueAt: d.dueAt });
  return true;
}
