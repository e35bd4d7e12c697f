/**
 * The units an assignee picker may offer (issue 24, item 3): exactly those the API would take, from
 * the rules the workflow applies (workflows/dispute/actions-handling.ts, reassign-clock.ts and
 * activities/directory.ts `resolveUnit`):
 *
 * - never the unit that holds the case, and never a grid (a grid has no committee: "cases are handled
 *   by its community");
 * - reassign (改派, a supervisor's or an admin's: domain/permissions.ts): a supervisor within their own
 *   area (the unit's path under theirs), an admin anywhere;
 * - decline with a transfer (退回转办, the addressed unit's answer): sideways within the level above
 *   (the unit's path under the holding unit's parent), an admin anywhere.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Unit } from '../db/entities';
import type { Level } from '../domain/lifecycle';

export interface UnitChoice {
  code: string;
  name: string;
  level: Level;
  path: string;
}

export interface PickerUser {
  role: string;
  unitPath?: string | null;
}

/** The level above's path of a unit (`/changde/jinshi/x/` → `/changde/jinshi/`), as the decline rule computes it. */
export const neighbourhoodOf = (path: string | undefined): string | undefined => path?.replace(/[^/]+\/$/, '');

/** Whether the API would move the case held at `holding` to `unit` by `action` for `user`. */
export function acceptsMove(
  action: 'reassign' | 'decline',
  user: PickerUser,
  holding: { code?: string; path?: string },
  unit: Pick<UnitChoice, 'code' | 'level' | 'path'>,
): boolean {
  if (unit.level === 'grid' || unit.code === holding.code) return false;
  if (user.role === 'admin') return true;
  if (action === 'reassign') return !!user.unitPath && unit.path.startsWith(user.unitPath);
  const around = neighbourhoodOf(holding.path);
  return !around || unit.path.startsWith(around);
}

/** Every unit of the directory (code, name, level, path), in tree order. */
export async function directoryUnits(em: EntityManager): Promise<UnitChoice[]> {
  const units = await em.find(Unit, {}, { orderBy: { path: 'asc' }, fields: ['code', 'name', 'level', 'path'] });
  return units.map((u) => ({ code: u.code, name: u.name, level: u.level, path: u.path }));
}

/** The choices of a picker: the directory filtered by the API's rule for the action. */
export function unitChoices(
  action: 'reassign' | 'decline',
  user: PickerUser,
  holding: { code?: string; path?: string },
  all: readonly UnitChoice[],
): UnitChoice[] {
  return all.filter((u) => acceptsMove(action, user, holding, u));
}
