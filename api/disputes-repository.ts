import type { EntityManager } from '@mikro-orm/postgresql';
import { Dispute, DisputeEvent } from '../db/entities';
import type { DisputeView } from '../domain/types';
import type { Principal } from './plugins/auth';
import { AppError } from './errors';

/**
 * The read model of cases (table `disputes`, projected by the workflows' activities) as the API and
 * the console read it: who may see which case, one case, its head, a page of cases, its events.
 * Every query of `disputes` by a route goes through here.
 */

/**
 * Which cases a caller may see, as a SQL condition on `disputes`: staff their unit's subtree
 * (where the case is now, or where it came from), integrators the cases they created (and an area if
 * granted), admins everything, agency representatives the cases their agency is summoned to.
 */
export function scopeCondition(p: Principal): { sql: string; params: unknown[] } {
  if (p.kind === 'integrator') {
    return p.areaPath
      ? {
          sql: '(created_by_id = ? or origin_path like ? or unit_path like ?)',
          params: [p.id, `${p.areaPath}%`, `${p.areaPath}%`],
        }
      : { sql: 'created_by_id = ?', params: [p.id] };
  }
  if (p.role === 'admin') return { sql: 'true', params: [] };
  if (p.role === 'agency_rep') {
    if (!p.agencyCode) return { sql: 'false', params: [] };
    // Summoned now or to an earlier meeting of the case.
    const summoned = JSON.stringify({ agencies: [{ code: p.agencyCode }] });
    return {
      sql: `(state->'meeting' @> ?::jsonb or state->'pastMeetings' @> ?::jsonb)`,
      params: [summoned, `[${summoned}]`],
    };
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
  const [row] = await em.execute<T[]>(`select ${columns} from disputes where id = ? and ${scope.sql}`, [
    id,
    ...scope.params,
  ]);
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
  /** Who reported it (an API key's or a staff member's id). */
  createdById: string;
}

/** The head of case `id` if the caller may see it; undefined otherwise (whether or not it exists). */
export async function visibleCaseHead(em: EntityManager, p: Principal, id: string): Promise<CaseHead | undefined> {
  const scope = scopeCondition(p);
  const [row] = await em.execute<
    { id: string; unit_code: string | null; unit_path: string | null; created_by_id: string }[]
  >(`select id, unit_code, unit_path, created_by_id from disputes where id = ? and ${scope.sql}`, [
    id,
    ...scope.params,
  ]);
  return row
    ? {
        id: row.id,
        unitCode: row.unit_code ?? undefined,
        unitPath: row.unit_path ?? undefined,
        createdById: row.created_by_id,
      }
    : undefined;
}

/** Like findVisibleCase, without reading the case's document. */
export async function findVisibleCaseHead(em: EntityManager, p: Principal, id: string): Promise<CaseHead> {
  const head = await visibleCaseHead(em, p, id);
  if (!head) throw caseNotFound(id);
  return head;
}

/** Who may open a case, and where: staff inside their own area. */
export function mayCreateAt(p: Principal, originPath: string): boolean {
  if (p.kind === 'integrator') return true;
  if (p.role === 'admin') return true;
  if (p.role === 'agency_rep' || !p.unitPath) return false;
  return originPath.startsWith(p.unitPath);
}

export interface CaseFilters {
  stage?: string;
  /** A unit's path: cases held in its subtree. */
  unitPath?: string;
  level?: string;
  open?: boolean;
  overdue?: boolean;
  /** Words of the title, description, case number or a party's name. */
  q?: string;
  /** After this (created_at, id), newest first. */
  before?: { at: string; id: string };
}

/** The cursor of the page after the row created at `at` with id `id` (opaque to clients). */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

/**
 * A cursor this API issued, else undefined. Its instant must be one `encodeCursor` writes (a UTC ISO
 * instant from 1970 on): `Date.parse` takes forms PostgreSQL refuses (`2026`, year 0), which made a
 * hand-made cursor a 500.
 */
export function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (rest.length || !at || !id || !/^[A-Za-z0-9-]{1,64}$/.test(id)) return undefined;
  if (!/^(19[7-9]\d|[2-9]\d{3})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(at)) return undefined;
  const time = Date.parse(at);
  return Number.isFinite(time) && new Date(time).toISOString() === at ? { at, id } : undefined;
}

/** A page of the cases the caller may see, newest first; one more row than `limit` says there is a next page. */
export async function listCases(
  em: EntityManager,
  p: Principal,
  f: CaseFilters,
  limit: number,
): Promise<Array<{ id: string; created_at: Date; state: DisputeView; createdById: string; unitPath: string | null }>> {
  const scope = scopeCondition(p);
  const where = [scope.sql];
  const params: unknown[] = [...scope.params];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    params.push(...values);
  };
  if (f.stage) add('stage = ?', f.stage);
  if (f.unitPath) add('unit_path like ?', `${f.unitPath}%`);
  if (f.level) add('level = ?', f.level);
  if (f.open !== undefined) add(f.open ? "stage <> 'closed'" : "stage = 'closed'");
  if (f.overdue !== undefined) add('overdue = ?', f.overdue);
  // LIKE wildcards in the query are matched literally.
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  // An integrator sees the parties' names only in the cases it reported: in the others (an area
  // grant's) a search by name would tell what the masked answer hides; there it matches the number.
  if (like && p.kind === 'integrator')
    add(
      `((created_by_id = ? and search_text ilike ? escape '\\') or case_number ilike ? escape '\\')`,
      p.id,
      like,
      like,
    );
  else if (like) add(`search_text ilike ? escape '\\'`, like);
  if (f.before) add('(created_at, id) < (?, ?)', f.before.at, f.before.id);
  return em.execute(
    `select id, created_at, state, created_by_id as "createdById", unit_path as "unitPath" from disputes where ${where.join(' and ')} order by created_at desc, id desc limit ?`,
    [...params, limit + 1],
  );
}

/** The cases the caller may see that match `where` (Open311's requests), newest first. */
export async function casesWhere(
  em: EntityManager,
  p: Principal,
  where: string[],
  params: unknown[],
  limit: number,
): Promise<Array<{ state: DisputeView; updated_at: Date; createdById: string; unitPath: string | null }>> {
  const scope = scopeCondition(p);
  return em.execute(
    `select state, updated_at, created_by_id as "createdById", unit_path as "unitPath" from disputes where ${[scope.sql, ...where].join(' and ')} order by created_at desc limit ?`,
    [...scope.params, ...params, limit],
  );
}

/** A case's history, oldest first (the caller's right to see the case is checked before). */
export async function caseEvents(em: EntityManager, id: string): Promise<DisputeEvent[]> {
  return em.find(DisputeEvent, { disputeId: id }, { orderBy: { seq: 'asc' } });
}

/** The case as projected (with who reported it and where it is), if the read model has reached event `seq`. */
export async function caseAtLeast(
  em: EntityManager,
  id: string,
  seq: number,
): Promise<{ state: DisputeView; createdById: string; unitPath: string | null } | undefined> {
  const [row] = await em.execute<{ seq: number; state: DisputeView; createdById: string; unitPath: string | null }[]>(
    'select seq, state, created_by_id as "createdById", unit_path as "unitPath" from disputes where id = ?',
    [id],
  );
  return row && row.seq >= seq ? { state: row.state, createdById: row.createdById, unitPath: row.unitPath } : undefined;
}
