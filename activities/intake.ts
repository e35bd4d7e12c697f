import type { EntityManager } from '@mikro-orm/postgresql';
import { SlaPolicy, Unit } from '../db/entities';
import { allocateNumber } from '../db/numbering';
import { chinaYear } from '../domain/numbering';
import { pickRule, wallClockDeadline } from '../domain/sla';
import type { Deadline, StartDisputeInput, UnitRef } from '../domain/types';
import { responsibleUnit, unitRef } from './directory';
import { noSlaPolicy, unknownUnit } from './errors';

export interface IntakeResult {
  caseNumber: string;
  unit: UnitRef;
  deadline: Deadline;
}

async function acceptDeadline(
  em: EntityManager,
  want: { category: string; priority: string; level: string },
  from: Date,
): Promise<Deadline> {
  const rule = pickRule(await em.find(SlaPolicy, {}), want);
  if (!rule) throw noSlaPolicy(`${want.category}/${want.priority}/${want.level}`);
  if (rule.calendar !== 'wall-clock') throw noSlaPolicy(`calendar ${rule.calendar} (only wall-clock so far)`);
  return wallClockDeadline('accept', from, rule.acceptSeconds, rule.warningShare, rule.autoEscalate);
}

/** Intake 登记: route by the grid to its community, allocate the case number, start the accept clock. */
export async function intakeDispute(em: EntityManager, input: StartDisputeInput & { from: string }): Promise<IntakeResult> {
  const origin = await em.findOne(Unit, { code: input.gridCode });
  if (!origin) throw unknownUnit(input.gridCode);
  const unit = await responsibleUnit(em, origin);
  if (!unit) throw unknownUnit(`${origin.parentCode} (parent of ${origin.code})`);
  const caseNumber = await allocateNumber(em, {
    disputeId: input.disputeId,
    kind: 'case',
    unitCode: unit.code,
    committeeShort: unit.committeeShort,
    year: chinaYear(new Date(input.receivedAt)),
  });
  const deadline = await acceptDeadline(em, { category: input.category, priority: input.priority, level: unit.level }, new Date(input.from));
  return { caseNumber, unit: unitRef(unit), deadline };
}

export interface EscalateRequest {
  disputeId: string;
  unitCode: string;
  category: string;
  priority: string;
  from: string;
}

/** The parent unit and its accept deadline, or null at the top of the tree. */
export async function escalateCase(em: EntityManager, req: EscalateRequest): Promise<{ unit: UnitRef; deadline: Deadline } | null> {
  const current = await em.findOne(Unit, { code: req.unitCode });
  if (!current) throw unknownUnit(req.unitCode);
  if (!current.parentCode) return null;
  const parent = await em.findOne(Unit, { code: current.parentCode });
  if (!parent) throw unknownUnit(current.parentCode);
  const deadline = await acceptDeadline(em, { category: req.category, priority: req.priority, level: parent.level }, new Date(req.from));
  return { unit: unitRef(parent), deadline };
}
