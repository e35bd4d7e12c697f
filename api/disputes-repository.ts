import type { EntityManager } from '@mikro-orm/postgresql';
import { Dispute, DisputeEvent } from '../db/entities';
import { SLA_KINDS } from '../domain/sla';
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

export const SLA_COLOURS = ['ok', 'warning', 'breached'] as const;
export type SlaColour = (typeof SLA_COLOURS)[number];

export interface CaseFilters {
  stage?: string;
  /** A unit's path: cases held in its subtree. */
  unitPath?: string;
  level?: string;
  open?: boolean;
  overdue?: boolean;
  /** The colour of an open case's deadline (closed cases have none). */
  sla?: SlaColour;
  /** 我的案件: cases the caller handles (the read model's assignee: who accepted it, or whom it was reassigned to). */
  mine?: boolean;
  /** 本单位: cases held by the caller's own unit (not the units below it). */
  ownUnit?: boolean;
  /** Words of the title, description, case number, a party's name, or an agreement's number. */
  q?: string;
  /** After this (created_at, id), newest first. */
  before?: { at: string; id: string };
  /** After this key, in the order of urgency (`urgencyKey`). */
  after?: UrgencyKey;
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

/**
 * The order of urgency, as one ascending key (keyset pagination needs one direction):
 * 1. open and breached (the read model's `overdue`, set when a deadline breaches), then open, then closed;
 * 2. the hour the deadline falls in (breached: the breached deadline, the longest overdue first; open:
 *    the running one, none last);
 * 3. high risk first within the same hour ("among equals");
 * 4. the exact instant (closed cases: the latest closed first), then the id.
 * Every part is a value of the row, not of the clock, so a page boundary stays where it was.
 */
const DUE_EPOCH = `(case when overdue then (select extract(epoch from min((d.value->>'dueAt')::timestamptz))
      from jsonb_each(coalesce(state->'deadlines', '{}'::jsonb)) d where (d.value->>'breached')::boolean)
    else extract(epoch from next_deadline_at) end)::float8`;
const URGENCY_COLUMNS = `case when stage = 'closed' then 2 when overdue then 0 else 1 end as k1,
  (case when stage = 'closed' then 0 else coalesce(floor(${DUE_EPOCH} / 3600), 'infinity') end)::float8::text as k2,
  case when stage <> 'closed' and coalesce((state->'risk'->>'high')::boolean, false) then 0 else 1 end as k3,
  (case when stage = 'closed' then -extract(epoch from coalesce(closed_at, created_at))::float8
    else coalesce(${DUE_EPOCH}, 'infinity') end)::float8::text as k4`;

/** Where a page in the order of urgency ended: (k1, k2, k3, k4, id) of its last row. */
export type UrgencyKey = [number, string, number, string, string];

const FLOAT = /^(-?\d+(\.\d+)?(e[+-]?\d+)?|-?Infinity)$/;

export function encodeUrgencyCursor(key: UrgencyKey): string {
  return `u.${Buffer.from(JSON.stringify(key)).toString('base64url')}`;
}

/** An urgency cursor this API issued, else undefined. */
export function decodeUrgencyCursor(cursor: string): UrgencyKey | undefined {
  if (!cursor.startsWith('u.')) return undefined;
  try {
    const k = JSON.parse(Buffer.from(cursor.slice(2), 'base64url').toString()) as unknown[];
    if (!Array.isArray(k) || k.length !== 5) return undefined;
    const [k1, k2, k3, k4, id] = k;
    if (![0, 1, 2].includes(k1 as number) || ![0, 1].includes(k3 as number)) return undefined;
    if (typeof k2 !== 'string' || typeof k4 !== 'string' || !FLOAT.test(k2) || !FLOAT.test(k4)) return undefined;
    if (typeof id !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(id)) return undefined;
    return [k1 as number, k2, k3 as number, k4, id];
  } catch {
    return undefined;
  }
}

/** The colour of a case's deadline now: closed, breached (flagged, or due and not yet flagged), warning, ok. */
const SLA_KIND_LIST = SLA_KINDS.map((k) => `'${k}'`).join(', ');
const COLOUR_SQL = `case when stage = 'closed' then 'closed'
  when overdue or next_deadline_at <= now() then 'breached'
  when exists (select 1 from jsonb_each(coalesce(state->'deadlines', '{}'::jsonb)) d
    where d.key in (${SLA_KIND_LIST}) and d.value->>'pausedAt' is null and not coalesce((d.value->>'breached')::boolean, false)
      and (d.value->>'dueAt')::timestamptz = next_deadline_at and (d.value->>'warnAt')::timestamptz <= now()) then 'warning'
  else 'ok' end`;

/** The scope and filters as SQL (all but the order and the page). */
function filtersSql(p: Principal, f: CaseFilters, without: { stage?: boolean; sla?: boolean } = {}) {
  const scope = scopeCondition(p);
  const where = [scope.sql];
  const params: unknown[] = [...scope.params];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    params.push(...values);
  };
  if (f.stage && !without.stage) add('stage = ?', f.stage);
  if (f.unitPath) add('unit_path like ?', `${f.unitPath}%`);
  if (f.level) add('level = ?', f.level);
  if (f.open !== undefined) add(f.open ? "stage <> 'closed'" : "stage = 'closed'");
  if (f.overdue !== undefined) add('overdue = ?', f.overdue);
  if (f.sla && !without.sla) add(`(${COLOUR_SQL}) = ?`, f.sla);
  if (f.mine) {
    if (p.kind === 'integrator') add('created_by_id = ?', p.id);
    else add(`state->'assignee'->>'id' = ?`, p.id);
  }
  if (f.ownUnit) {
    if (p.kind === 'staff' && p.unitCode) add('unit_code = ?', p.unitCode);
    else add('false');
  }
  // LIKE wildcards in the query are matched literally.
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  // An agreement's number (this one or an earlier round's): no personal data, searched for everyone.
  const agreement = `(state->'agreement'->>'number' ilike ? escape '\\' or exists (select 1 from
    jsonb_array_elements(coalesce(state->'pastAgreements', '[]'::jsonb)) a where a->>'number' ilike ? escape '\\'))`;
  // An integrator sees the parties' names only in the cases it reported: in the others (an area
  // grant's) a search by name would tell what the masked answer hides; there it matches the number.
  if (like && p.kind === 'integrator')
    add(
      `((created_by_id = ? and search_text ilike ? escape '\\') or case_number ilike ? escape '\\' or ${agreement})`,
      p.id,
      like,
      like,
      like,
      like,
    );
  else if (like) add(`(search_text ilike ? escape '\\' or ${agreement})`, like, like, like);
  return { where, params, add };
}

type CaseRow = { id: string; created_at: Date; state: DisputeView; createdById: string; unitPath: string | null };

/**
 * A page of the cases the caller may see, newest first (or most urgent first with `urgency`); one more
 * row than `limit` says there is a next page. Urgent rows carry their key for the next cursor.
 */
export async function listCases(
  em: EntityManager,
  p: Principal,
  f: CaseFilters,
  limit: number,
  order: 'newest' | 'urgency' = 'newest',
): Promise<Array<CaseRow & { key?: UrgencyKey }>> {
  const { where, params, add } = filtersSql(p, f);
  const columns = `id, created_at, state, created_by_id as "createdById", unit_path as "unitPath"`;
  if (order === 'urgency') {
    const rows = await em.execute<Array<CaseRow & { k1: number; k2: string; k3: number; k4: string }>>(
      `select * from (select ${columns}, ${URGENCY_COLUMNS} from disputes where ${where.join(' and ')}) q
        ${f.after ? 'where (k1, k2::float8, k3, k4::float8, id) > (?::int, ?::float8, ?::int, ?::float8, ?)' : ''}
        order by k1, k2::float8, k3, k4::float8, id limit ?`,
      [...params, ...(f.after ?? []), limit + 1],
    );
    return rows.map(({ k1, k2, k3, k4, ...r }) => ({ ...r, key: [k1, k2, k3, k4, r.id] as UrgencyKey }));
  }
  if (f.before) add('(created_at, id) < (?, ?)', f.before.at, f.before.id);
  return em.execute(
    `select ${columns} from disputes where ${where.join(' and ')} order by created_at desc, id desc limit ?`,
    [...params, limit + 1],
  );
}

export interface CaseCounts {
  total: number;
  stage: Record<string, number>;
  sla: Record<SlaColour | 'closed', number>;
}

/** How many cases the caller may see match the filters, per stage and per SLA colour (each ignoring its own filter). */
export async function countCases(em: EntityManager, p: Principal, f: CaseFilters): Promise<CaseCounts> {
  const byStage = filtersSql(p, f, { stage: true });
  const bySla = filtersSql(p, f, { sla: true });
  const [stages, colours] = await Promise.all([
    em.execute<{ key: string; n: number }[]>(
      `select stage as key, count(*)::int as n from disputes where ${byStage.where.join(' and ')} group by 1`,
      byStage.params,
    ),
    em.execute<{ key: string; n: number }[]>(
      `select ${COLOUR_SQL} as key, count(*)::int as n from disputes where ${bySla.where.join(' and ')} group by 1`,
      bySla.params,
    ),
  ]);
  const sla = { ok: 0, warning: 0, breached: 0, closed: 0 };
  for (const c of colours) sla[c.key as keyof typeof sla] = c.n;
  const stage = Object.fromEntries(stages.map((s) => [s.key, s.n]));
  return { total: colours.reduce((n, c) => n + c.n, 0), stage, sla };
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
