/**
 * The directory side of issue 21, item 1: which committee a case goes up to (人民调解法 Art. 34), and
 * the case number a committee that takes a case over registers it under (each committee keeps its
 * own register, 2002《人民调解工作若干规定》Art. 19: 业务登记).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Unit } from '../db/entities';
import { allocateNumber } from '../db/numbering';
import { escalationTarget, skipsParent } from '../domain/committee';
import { chinaYear } from '../domain/numbering';
import { unknownUnit } from './errors';

/** Where a case escalated from `current` goes (domain/committee.ts `escalationTarget`), or null at the top. */
export async function escalationUnit(em: EntityManager, current: Unit, category: string): Promise<Unit | null> {
  let parentCode = current.parentCode;
  if (parentCode && skipsParent(current)) {
    const county = await em.findOne(Unit, { code: parentCode });
    if (!county) throw unknownUnit(parentCode);
    parentCode = county.parentCode;
  }
  if (!parentCode) return null;
  const parent = await em.findOne(Unit, { code: parentCode });
  if (!parent) throw unknownUnit(parentCode);
  const children =
    current.level === 'street' ? await em.find(Unit, { parentCode: parent.code }, { orderBy: { code: 'asc' } }) : [];
  return escalationTarget(current, parent, children, category);
}

export interface RegisterNumberRequest {
  disputeId: string;
  unitCode: string;
  /** When the committee took the case (its year numbers it). */
  at: string;
}

/**
 * The accepting committee's own case number (（2026）汪人调受字第N号), once per case and committee: a
 * repeated call (a retry, or the case coming back to the committee) returns the same number.
 */
export async function registerCaseNumber(em: EntityManager, req: RegisterNumberRequest): Promise<string> {
  const unit = await em.findOne(Unit, { code: req.unitCode });
  if (!unit) throw unknownUnit(req.unitCode);
  // The committee numbered the case already (at intake, or when it had it before): the same number.
  const [had] = await em.execute<{ formatted: string }[]>(
    `select formatted from number_allocations where kind = 'case' and unit_code = ? and owner_key in (?, ?)`,
    [unit.code, req.disputeId, `${req.disputeId}@${unit.code}`],
  );
  if (had) return had.formatted;
  return allocateNumber(em, {
    ownerKey: `${req.disputeId}@${unit.code}`,
    kind: 'case',
    unitCode: unit.code,
    committeeShort: unit.committeeShort,
    year: chinaYear(new Date(req.at)),
  });
}
