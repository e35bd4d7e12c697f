import type { EntityManager } from '@mikro-orm/postgresql';
import { Dispute } from '../db/entities';
import type { Principal } from './plugins/auth';
import { AppError } from './errors';

/**
 * Which cases a caller may see, as a SQL condition on `disputes`: staff their unit's subtree
 * (where the case is now, or where it came from), integrators the cases they created (and an area if
 * granted), admins everything, agency representatives the cases their agency is summoned to.
 */
export function scopeCondition(p: Principal): { sql: string; params: unknown[] } {
  if (p.kind === 'integrator') {
    return p.areaPath
      ? { sql: '(created_by_id = ? or origin_path like ? or unit_path like ?)', params: [p.id, `${p.areaPath}%`, `${p.areaPath}%`] }
      : { sql: 'created_by_id = ?', params: [p.id] };
  }
  if (p.role === 'admin') return { sql: 'true', params: [] };
  if (p.role === 'agency_rep') {
    if (!p.agencyCode) return { sql: 'false', params: [] };
    // Summoned now or to an earlier meeting of the case.
    const summoned = JSON.stringify({ agencies: [{ code: p.agencyCode }] });
    return { sql: `(state->'meeting' @> ?::jsonb or state->'pastMeetings' @> ?::jsonb)`, params: [summoned, `[${summoned}]`] };
  }
  if (p.unitPath) {
    return { sql: '(unit_path like ? or origin_path like ?)', params: [`${p.unitPath}%`, `${p.unitPath}%`] };
  }
  return { sql: 'false', params: [] };
}

/** The case if the caller may see it; otherwise 404, whether or not it exists. */
export async function findVisibleCase(em: EntityManager, p: Principal, id: string): Promise<Dispute> {
  const scope = scopeCondition(p);
  const rows = await em.execute<{ id: string }[]>(
    `select id from disputes where id = ? and ${scope.sql}`,
    [id, ...scope.params],
  );
  const found = rows[0] ? await em.findOne(Dispute, { id }) : null;
  if (!found) throw new AppError('not_found', `no case ${id}`);
  return found;
}

/** Who may open a case, and where: staff inside their own area. */
export function mayCreateAt(p: Principal, originPath: string): boolean {
  if (p.kind === 'integrator') return true;
  if (p.role === 'admin') return true;
  if (p.role === 'agency_rep' || !p.unitPath) return false;
  return originPath.startsWith(p.unitPath);
}
