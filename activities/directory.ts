import type { EntityManager } from '@mikro-orm/postgresql';
import { Agency, Unit } from '../db/entities';
import type { MeetingAgency, UnitRef } from '../domain/types';
import { invalidRequest, unknownUnit } from './errors';

export const unitRef = (u: Unit): UnitRef => ({
  code: u.code,
  name: u.name,
  level: u.level,
  committeeName: u.committeeName,
  path: u.path,
  ...(u.phone ? { phone: u.phone } : {}),
});

/** The unit that must accept a case reported at `code`: a grid's community, else the unit itself. */
export async function responsibleUnit(em: EntityManager, origin: Unit): Promise<Unit | null> {
  if (origin.level !== 'grid') return origin;
  return origin.parentCode ? em.findOne(Unit, { code: origin.parentCode }) : null;
}

/** A unit for a transfer or reassignment; a grid cannot hold a case (its community does). */
export async function resolveUnit(em: EntityManager, code: string): Promise<UnitRef> {
  const unit = await em.findOne(Unit, { code });
  if (!unit) throw unknownUnit(code);
  if (unit.level === 'grid') throw invalidRequest(`${code} is a grid: cases are handled by its community`);
  return unitRef(unit);
}

/** The agencies summoned to a meeting, by code; every code must exist. */
export async function resolveAgencies(em: EntityManager, codes: string[]): Promise<MeetingAgency[]> {
  const found = await em.find(Agency, { code: { $in: codes } });
  const missing = codes.filter((c) => !found.some((a) => a.code === c));
  if (missing.length) throw invalidRequest(`unknown agencies: ${missing.join(', ')} (GET /api/v1/agencies)`);
  return codes.map((code) => ({ code, name: found.find((a) => a.code === code)!.name }));
}
