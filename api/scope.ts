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

/** 404 for a case the caller may not see, whether or not it exists. */
export function caseNotFound(id: string): AppError {
  return new AppError('not_found', `no case ${id}`);
}

/** The row of case `id` with `columns`, if the caller may see it; otherwise 404, whether or not it exists. */
async function visibleRow<T>(em: EntityManager, p: Principal, id: string, columns: string): Promise<T> {
  const scope = scopeCondition(p);
  const [row] = await em.execute<T[]>(`select ${columns} from disputes where id = ? and ${scope.sql}`, [id, ...scope.params]);
  if (!row) throw caseNotFound(id);
  return row;
}

/** The case if the caller may see it (one query); otherwise 404. */
export async function findVisibleCase(em: EntityManager, p: Principal, id: string): Promise<Dispute> {
  return em.map(Dispute, await visibleRow<Record<string, unknown>>(em, p, id, '*'));
}

/** What an action needs to know of a case before it is sent: where it is (the workflow checks who may act). */
export interface CaseHead {
  id: string;
  unitCode?: string;
  unitPath?: string;
}

/** A row of `caseHeadQuery`. */
export type CaseHeadRow = { id: string; unit_code: string | null; unit_path: string | null };

/** The query of a case's head, if the caller may see it (at most one row; see `caseHeadOf`). */
export function caseHeadQuery(p: Principal, id: string): { sql: string; params: unknown[] } {
  const scope = scopeCondition(p);
  return {
    sql: `select id, unit_code, unit_path from disputes where id = ? and ${scope.sql}`,
    params: [id, ...scope.params],
  };
}

/** A row of `caseHeadQuery` as a CaseHead. */
export function caseHeadOf(row: CaseHeadRow): CaseHead {
  return { id: row.id, unitCode: row.unit_code ?? undefined, unitPath: row.unit_path ?? undefined };
}

/** Like findVisibleCase, without reading the case's document. */
export async function findVisibleCaseHead(em: EntityManager, p: Principal, id: string): Promise<CaseHead> {
  const query = caseHeadQuery(p, id);
  const [row] = await em.execute<CaseHeadRow[]>(query.sql, query.params);
  if (!row) throw caseNotFound(id);
  return caseHeadOf(row);
}

/** Who may open a case, and where: staff inside their own area. */
export function mayCreateAt(p: Principal, originPath: string): boolean {
  if (p.kind === 'integrator') return true;
  if (p.role === 'admin') return true;
  if (p.role === 'agency_rep' || !p.unitPath) return false;
  return originPath.startsWith(p.unitPath);
}
