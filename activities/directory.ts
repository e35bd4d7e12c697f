import type { EntityManager } from '@mikro-orm/postgresql';
import { Unit } from '../db/entities';
import type { UnitRef } from '../domain/types';

export const unitRef = (u: Unit): UnitRef => ({
  code: u.code,
  name: u.name,
  level: u.level,
  committeeName: u.committeeName,
});

/** The unit that must accept a case reported at `code`: a grid's community, else the unit itself. */
export async function responsibleUnit(em: EntityManager, origin: Unit): Promise<Unit | null> {
  if (origin.level !== 'grid') return origin;
  return origin.parentCode ? em.findOne(Unit, { code: origin.parentCode }) : null;
}
