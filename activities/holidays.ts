/**
 * Holiday arrangements seen from the cases: the alert while a year is missing, and re-planning a
 * case's deadlines when a year is entered or changed (see db/holidays.ts, domain/holidays.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { HolidayStore, openCasesTouching, replanDeadlines, unitPathOf, type DeadlineMove } from '../db/holidays';
import type { OfficePeriod } from '../domain/calendar';
import type { Deadline, DeadlineKind } from '../domain/types';
import { raiseAlert } from './alerts';

/** The top-level unit of a path (`/changde/jinshi/…/` → `changde`). */
export const rootOf = (path: string | null | undefined): string | undefined => path?.split('/').filter(Boolean)[0];

/** The prefix of the alert's "case" id: these alerts are about the calendar, not one case. */
export const CALENDAR_ALERT_PREFIX = 'holiday-calendar-';

/** The alert that `year` has no national arrangement: one per year and top-level unit, to its supervisors and the admins. */
export async function raiseMissingYearAlerts(
  em: EntityManager,
  years: number[],
  at: Date,
  rootCodes?: string[],
): Promise<void> {
  if (years.length === 0) return;
  const roots =
    rootCodes ??
    (await em.execute<{ code: string }[]>('select code from units where parent_code is null')).map((r) => r.code);
  for (const year of years) {
    for (const root of roots) {
      await raiseAlert(em, {
        disputeId: `${CALENDAR_ALERT_PREFIX}${root}`.slice(0, 64),
        kind: 'holiday_data_missing',
        stageEntry: year,
        unitCode: root,
        message: `${year}年节假日安排尚未录入：该年的截止时间暂按周一至周五计算并标为“暂定”。请在“节假日安排”中录入国务院办公厅通知。/ The ${year} holiday arrangement has not been entered: deadlines in it count Monday–Friday and are marked provisional. Enter the State Council's notice under Holiday arrangements.`,
        at: at.toISOString(),
      });
    }
  }
}

/** A deadline computed into a year without data raises that year's alert (idempotent). */
export async function alertIfProvisional(
  em: EntityManager,
  deadline: Deadline,
  unitPath: string | null,
  at: string,
): Promise<void> {
  const root = rootOf(unitPath);
  if (deadline.provisionalYears?.length && root)
    await raiseMissingYearAlerts(em, deadline.provisionalYears, new Date(at), [root]);
}

/** The case's deadlines re-planned on the arrangements in force (the workflow applies them and records the event). */
export async function replanCase(
  em: EntityManager,
  store: HolidayStore,
  officeHours: OfficePeriod[] | undefined,
  req: { unitCode?: string; deadlines: Partial<Record<DeadlineKind, Deadline>>; at: string },
): Promise<{ deadlines: Deadline[]; moves: DeadlineMove[]; revision: number }> {
  const unitPath = await unitPathOf(em, req.unitCode);
  const table = await store.tableFor(em, unitPath);
  const result = await replanDeadlines(
    em,
    store,
    { unitPath, deadlines: req.deadlines, at: req.at, officeHours },
    table,
  );
  return { ...result, revision: table.revision };
}

/** A page of open cases whose running deadlines reach into `year` (in the region, if given). */
export async function casesToReplan(
  em: EntityManager,
  req: { year: number; region: string | null; afterId?: string; limit: number; at: string },
): Promise<string[]> {
  const regionPath = req.region ? await unitPathOf(em, req.region) : null;
  if (req.region && !regionPath) return [];
  const rows = await openCasesTouching(em, {
    year: req.year,
    regionPath,
    afterId: req.afterId,
    limit: req.limit,
    now: new Date(req.at),
  });
  return rows.map((r) => r.id);
}
