import type { EntityManager } from '@mikro-orm/postgresql';
import { RiskKeyword, Unit } from '../db/entities';
import { allocateNumber } from '../db/numbering';
import { chinaYear } from '../domain/numbering';
import type { Deadline, Risk, StartDisputeInput, UnitRef } from '../domain/types';
import { escalationUnit } from './committee';
import { responsibleUnit, unitRef } from './directory';
import { unknownUnit } from './errors';
import { computeDeadline, type CalendarDeps } from './sla';

export interface IntakeResult {
  caseNumber: string;
  unit: UnitRef;
  deadline: Deadline;
  risk: Risk;
}

/** Risk of escalation to violence or crime (人民调解法 Art. 25): the reporter's flag or a keyword. */
export async function assessRisk(
  em: EntityManager,
  input: Pick<StartDisputeInput, 'highRisk' | 'title' | 'description'>,
): Promise<Risk> {
  const reasons: string[] = [];
  if (input.highRisk) reasons.push('reporter flagged high risk');
  const text = `${input.title}\n${input.description}`;
  for (const { word } of await em.find(RiskKeyword, {})) if (text.includes(word)) reasons.push(`keyword: ${word}`);
  return { high: reasons.length > 0, reasons };
}

/**
 * Intake 登记: route by the grid to its community, allocate the case number, assess the risk and
 * start the accept clock (the urgent policy for a high-risk case).
 */
export async function intakeDispute(
  em: EntityManager,
  cal: CalendarDeps,
  input: StartDisputeInput & { from: string },
): Promise<IntakeResult> {
  const origin = await em.findOne(Unit, { code: input.gridCode });
  if (!origin) throw unknownUnit(input.gridCode);
  const unit = await responsibleUnit(em, origin);
  if (!unit) throw unknownUnit(`${origin.parentCode} (parent of ${origin.code})`);
  const caseNumber = await allocateNumber(em, {
    ownerKey: input.disputeId,
    kind: 'case',
    unitCode: unit.code,
    committeeShort: unit.committeeShort,
    year: chinaYear(new Date(input.receivedAt)),
  });
  const risk = await assessRisk(em, input);
  const priority = risk.high ? 'urgent' : input.priority;
  const deadline = await computeDeadline(em, cal, {
    kind: 'accept',
    category: input.category,
    priority,
    level: unit.level,
    from: input.from,
    unitPath: unit.path,
  });
  return { caseNumber, unit: unitRef(unit), deadline, risk };
}

export interface EscalateRequest {
  disputeId: string;
  unitCode: string;
  category: string;
  priority: string;
  from: string;
}

/**
 * The unit a case goes up to and its accept deadline, or null at the top of the tree: the parent,
 * except that from a street it goes, under the same county, to the 行业性专业性 committee taking its
 * category or to the county's 矛盾纠纷调处中心, and from those past the county (domain/committee.ts).
 */
export async function escalateCase(
  em: EntityManager,
  cal: CalendarDeps,
  req: EscalateRequest,
): Promise<{ unit: UnitRef; deadline: Deadline } | null> {
  const current = await em.findOne(Unit, { code: req.unitCode });
  if (!current) throw unknownUnit(req.unitCode);
  const target = await escalationUnit(em, current, req.category);
  if (!target) return null;
  const parent = target;
  const deadline = await computeDeadline(em, cal, {
    kind: 'accept',
    category: req.category,
    priority: req.priority,
    level: parent.level,
    from: req.from,
    unitPath: parent.path,
  });
  return { unit: unitRef(parent), deadline };
}
