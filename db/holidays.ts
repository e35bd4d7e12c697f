/**
 * Holiday arrangements in PostgreSQL (table `holiday_arrangements`, one row a revision): what is in
 * force, the table as it stood at an earlier revision, entering a year, which open deadlines a
 * change moves, and the alert while a year is missing. The arithmetic is in domain/.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  SEED_HOLIDAYS,
  buildHolidayTable,
  beijingYear,
  changedDates,
  type Arrangement,
  type HolidayDay,
  type HolidayTable,
} from '../domain/holidays';
import { replanDeadline } from '../domain/sla';
import type { OfficePeriod } from '../domain/calendar';
import type { Deadline, DeadlineKind } from '../domain/types';

type Row = { id: string; region_code: string | null; region_path: string | null; year: number; days: HolidayDay[] };

const toArrangement = (r: Row): Arrangement => ({
  region: r.region_code,
  regionPath: r.region_path,
  year: Number(r.year),
  revision: Number(r.id),
  days: r.days,
});

/** The latest revision number of all arrangements (0 when there are none). */
export async function latestRevision(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ n: string | null }[]>('select max(id) as n from holiday_arrangements');
  return Number(row?.n ?? 0);
}

/** The arrangements in force, every region and year; with `asOf`, as they stood at that revision. */
export async function arrangementsAsOf(em: EntityManager, asOf?: number): Promise<Arrangement[]> {
  const rows = await em.execute<Row[]>(
    `select distinct on (coalesce(h.region_code, ''), h.year) h.id, h.region_code, u.path as region_path, h.year, h.days
       from holiday_arrangements h left join units u on u.code = h.region_code
      where (?::bigint is null or h.id <= ?::bigint)
      order by coalesce(h.region_code, ''), h.year, h.id desc`,
    [asOf ?? null, asOf ?? null],
  );
  return rows.map(toArrangement);
}

/**
 * The arrangements, cached by the latest revision: one small query per deadline to learn whether
 * anything changed (any process may have entered a year), the whole set only when it did.
 */
export class HolidayStore {
  private cached?: { revision: number; arrangements: Arrangement[]; tables: Map<string, HolidayTable> };

  private async load(em: EntityManager) {
    const revision = await latestRevision(em);
    if (this.cached?.revision !== revision)
      this.cached = { revision, arrangements: await arrangementsAsOf(em), tables: new Map() };
    return this.cached;
  }

  async current(em: EntityManager): Promise<Arrangement[]> {
    return (await this.load(em)).arrangements;
  }

  /** The table that applies to a unit (its path) now; built once per revision and unit. */
  async tableFor(em: EntityManager, unitPath?: string | null): Promise<HolidayTable> {
    const { arrangements, tables } = await this.load(em);
    const key = unitPath ?? '';
    let table = tables.get(key);
    if (!table) tables.set(key, (table = buildHolidayTable(arrangements, unitPath)));
    return table;
  }

  /**
   * The table a deadline was computed with: the one at its recorded revision, or the built-in seed
   * for a deadline recorded before arrangements were data.
   */
  async tableAt(
    em: EntityManager,
    revision: number | undefined,
    unitPath?: string | null,
    memo = new Map<number, Arrangement[]>(),
  ): Promise<HolidayTable> {
    if (revision === undefined) return SEED_HOLIDAYS;
    let arrangements = memo.get(revision);
    if (!arrangements) memo.set(revision, (arrangements = await arrangementsAsOf(em, revision)));
    return buildHolidayTable(arrangements, unitPath);
  }
}

/** The path of a unit, if it exists. */
export async function unitPathOf(em: EntityManager, code: string | undefined | null): Promise<string | null> {
  if (!code) return null;
  const [row] = await em.execute<{ path: string }[]>('select path from units where code = ?', [code]);
  return row?.path ?? null;
}

export interface DeadlineMove {
  kind: DeadlineKind;
  dueAt: string;
  newDueAt: string;
  warnAt: string;
  newWarnAt: string;
  /** Years the deadline lacked data for before, and after. */
  provisionalYears: number[];
  newProvisionalYears: number[];
}

/**
 * A case's running `cn-workdays` deadlines re-planned at `at` on `next` (the table now, unless given):
 * each against the table it was computed with. Returns the deadlines that moved (instants, or
 * provisional years), re-planned, and what moved; a deadline whose only change would be the
 * revision it records is left as it is.
 */
export async function replanDeadlines(
  em: EntityManager,
  store: HolidayStore,
  req: {
    unitPath?: string | null;
    deadlines: Partial<Record<DeadlineKind, Deadline>>;
    at: string;
    officeHours?: OfficePeriod[];
  },
  next?: HolidayTable,
  memo?: Map<number, Arrangement[]>,
): Promise<{ deadlines: Deadline[]; moves: DeadlineMove[] }> {
  const table = next ?? (await store.tableFor(em, req.unitPath));
  const replanned: Deadline[] = [];
  const moves: DeadlineMove[] = [];
  for (const d of Object.values(req.deadlines)) {
    if (!d || d.calendar !== 'cn-workdays' || d.breached) continue;
    const before = await store.tableAt(em, d.calendarRevision, req.unitPath, memo);
    const after = replanDeadline(d, new Date(req.at), before, table, req.officeHours);
    if (after === d) continue;
    if (
      after.dueAt !== d.dueAt ||
      after.warnAt !== d.warnAt ||
      (after.provisionalYears ?? []).join() !== (d.provisionalYears ?? []).join()
    ) {
      replanned.push(after);
      moves.push({
        kind: d.kind,
        dueAt: d.dueAt,
        newDueAt: after.dueAt,
        warnAt: d.warnAt,
        newWarnAt: after.warnAt,
        provisionalYears: d.provisionalYears ?? [],
        newProvisionalYears: after.provisionalYears ?? [],
      });
    }
  }
  return { deadlines: replanned, moves };
}

type OpenCase = {
  id: string;
  case_number: string | null;
  unit_code: string | null;
  unit_path: string | null;
  deadlines: Record<string, Deadline> | null;
};

/**
 * Open cases, in id order after `afterId`, that hold a running `cn-workdays` deadline whose span
 * (from now, or from its pause) reaches into `year`, within the region's subtree if one is given.
 */
export async function openCasesTouching(
  em: EntityManager,
  req: { year: number; regionPath?: string | null; afterId?: string; limit: number; now: Date },
): Promise<OpenCase[]> {
  const yearStart = Date.parse(`${req.year}-01-01T00:00:00+08:00`);
  const yearEnd = Date.parse(`${req.year + 1}-01-01T00:00:00+08:00`);
  const out: OpenCase[] = [];
  let after = req.afterId ?? '';
  // Scanned in pages of open cases; only those with a matching deadline count towards the limit.
  for (;;) {
    const rows = await em.execute<OpenCase[]>(
      `select id, case_number, unit_code, unit_path, state->'deadlines' as deadlines from disputes
        where stage <> 'closed' and id > ? and (?::text is null or unit_path like ?)
        order by id limit 500`,
      [after, req.regionPath ?? null, `${req.regionPath ?? ''}%`],
    );
    for (const r of rows) {
      const touches = Object.values(r.deadlines ?? {}).some((d) => {
        if (!d || d.calendar !== 'cn-workdays' || d.breached) return false;
        const from = d.pausedAt ? Date.parse(d.pausedAt) : req.now.getTime();
        // The due instant moves if a changed day lies between now and it (or it is provisional for this year).
        return (Date.parse(d.dueAt) >= yearStart && from < yearEnd) || (d.provisionalYears ?? []).includes(req.year);
      });
      if (touches) out.push(r);
      if (out.length >= req.limit) return out;
    }
    if (rows.length < 500) return out;
    after = rows[rows.length - 1]!.id;
  }
}

export interface CasePreview {
  disputeId: string;
  caseNumber: string | null;
  unitCode: string | null;
  moves: DeadlineMove[];
}

/** Which open deadlines entering `arrangement` would move, and where to (nothing is written). */
export async function previewArrangement(
  em: EntityManager,
  store: HolidayStore,
  arrangement: { region: string | null; regionPath: string | null; year: number; days: HolidayDay[] },
  opts: { now: Date; officeHours?: OfficePeriod[]; limit?: number },
): Promise<{ cases: CasePreview[]; truncated: boolean }> {
  const current = await store.current(em);
  const revision = (await latestRevision(em)) + 1;
  const hypothetical = current
    .filter((a) => !(a.region === arrangement.region && a.year === arrangement.year))
    .concat([{ ...arrangement, revision }]);
  const limit = opts.limit ?? 1000;
  const memo = new Map<number, Arrangement[]>();
  const cases: CasePreview[] = [];
  let afterId: string | undefined;
  for (;;) {
    const page = await openCasesTouching(em, {
      year: arrangement.year,
      regionPath: arrangement.regionPath,
      afterId,
      limit: 200,
      now: opts.now,
    });
    for (const c of page) {
      const next = buildHolidayTable(hypothetical, c.unit_path);
      const { moves } = await replanDeadlines(
        em,
        store,
        {
          unitPath: c.unit_path,
          deadlines: c.deadlines ?? {},
          at: opts.now.toISOString(),
          officeHours: opts.officeHours,
        },
        next,
        memo,
      );
      if (moves.length) cases.push({ disputeId: c.id, caseNumber: c.case_number, unitCode: c.unit_code, moves });
      if (cases.length >= limit) return { cases, truncated: true };
    }
    if (page.length < 200) return { cases, truncated: false };
    afterId = page[page.length - 1]!.id;
  }
}

export interface ArrangementEntry {
  region: string | null;
  year: number;
  days: HolidayDay[];
  source: { title: string; date?: string | null; url?: string | null };
  note?: string | null;
  enteredBy: string;
}

/** Stores a new revision of a (region, year); returns it and the dates that changed against the one before. */
export async function enterArrangement(
  em: EntityManager,
  entry: ArrangementEntry,
): Promise<{ revision: number; changed: string[]; previous?: number }> {
  const days = [...entry.days].sort((a, b) => a.date.localeCompare(b.date));
  return em.transactional(async (tx) => {
    // One writer per (region, year) at a time, so two admins' entries get distinct, ordered revisions.
    await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [`holiday:${entry.region ?? ''}:${entry.year}`]);
    const [prev] = await tx.execute<{ id: string; days: HolidayDay[] }[]>(
      `select id, days from holiday_arrangements where coalesce(region_code, '') = ? and year = ? order by id desc limit 1`,
      [entry.region ?? '', entry.year],
    );
    const [row] = await tx.execute<{ id: string }[]>(
      `insert into holiday_arrangements (region_code, year, days, source_title, source_date, source_url, entered_by, entered_at, note)
       values (?, ?, ?::jsonb, ?, ?, ?, ?, now(), ?) returning id`,
      [
        entry.region,
        entry.year,
        JSON.stringify(days),
        entry.source.title,
        entry.source.date ?? null,
        entry.source.url ?? null,
        entry.enteredBy,
        entry.note ?? null,
      ],
    );
    if (entry.region === null) {
      // The year is there now: the alerts that it was missing are settled.
      await tx.execute(
        `update alerts set acked_by = 'system', acked_at = now(), ack_note = ?
          where kind = 'holiday_data_missing' and stage_entry = ? and acked_at is null`,
        [`${entry.year}年节假日安排已录入（修订 ${row!.id}）/ entered as revision ${row!.id}`, entry.year],
      );
    }
    return {
      revision: Number(row!.id),
      changed: changedDates(prev?.days ?? [], days),
      previous: prev ? Number(prev.id) : undefined,
    };
  });
}

/** One row per (region, year) in force, with its source and who entered it, newest years first. */
export async function arrangementStatus(em: EntityManager): Promise<
  Array<{
    region: string | null;
    regionName: string | null;
    year: number;
    revision: number;
    revisions: number;
    daysOff: number;
    makeUpDays: number;
    sourceTitle: string;
    sourceDate: string | null;
    sourceUrl: string | null;
    enteredBy: string;
    enteredAt: string;
    note: string | null;
  }>
> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select distinct on (coalesce(h.region_code, ''), h.year) h.*, u.name as region_name,
            count(*) over (partition by coalesce(h.region_code, ''), h.year) as revisions
       from holiday_arrangements h left join units u on u.code = h.region_code
      order by coalesce(h.region_code, ''), h.year, h.id desc`,
  );
  return rows
    .map((r) => {
      const days = r.days as HolidayDay[];
      return {
        region: (r.region_code as string | null) ?? null,
        regionName: (r.region_name as string | null) ?? null,
        year: Number(r.year),
        revision: Number(r.id),
        revisions: Number(r.revisions),
        daysOff: days.filter((d) => d.kind === 'off').length,
        makeUpDays: days.filter((d) => d.kind === 'work').length,
        sourceTitle: r.source_title as string,
        sourceDate: r.source_date ? isoDate(r.source_date) : null,
        sourceUrl: (r.source_url as string | null) ?? null,
        enteredBy: r.entered_by as string,
        enteredAt: new Date(r.entered_at as string).toISOString(),
        note: (r.note as string | null) ?? null,
      };
    })
    .sort((a, b) => b.year - a.year || (a.region ?? '').localeCompare(b.region ?? ''));
}

const isoDate = (v: unknown): string =>
  v instanceof Date
    ? new Date(v.getTime() - v.getTimezoneOffset() * 60_000).toISOString().slice(0, 10)
    : String(v).slice(0, 10);

/** The revisions of one (region, year), newest first, with their days. */
export async function arrangementHistory(em: EntityManager, region: string | null, year: number) {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select * from holiday_arrangements where coalesce(region_code, '') = ? and year = ? order by id desc`,
    [region ?? '', year],
  );
  return rows.map((r) => ({
    revision: Number(r.id),
    days: r.days as HolidayDay[],
    sourceTitle: r.source_title as string,
    sourceDate: r.source_date ? isoDate(r.source_date) : null,
    sourceUrl: (r.source_url as string | null) ?? null,
    enteredBy: r.entered_by as string,
    enteredAt: new Date(r.entered_at as string).toISOString(),
    note: (r.note as string | null) ?? null,
  }));
}

/**
 * The national years missing that matter on `now` (Beijing date): this year, if absent, and from
 * 1 October next year too (the State Council publishes it around November).
 */
export function yearsDue(now: Date): number[] {
  const year = beijingYear(now.getTime());
  const month = new Date(now.getTime() + 8 * 3_600_000).getUTCMonth() + 1;
  return month >= 10 ? [year, year + 1] : [year];
}

export async function missingNationalYears(em: EntityManager, now: Date): Promise<number[]> {
  const wanted = yearsDue(now);
  const rows = await em.execute<{ year: number }[]>(
    'select distinct year from holiday_arrangements where region_code is null and year = any(?::int[])',
    [`{${wanted.join(',')}}`],
  );
  const have = new Set(rows.map((r) => Number(r.year)));
  return wanted.filter((y) => !have.has(y));
}
