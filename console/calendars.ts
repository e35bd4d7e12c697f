/**
 * The administrator's holiday arrangements (节假日安排): the years in force, national and regional,
 * with where each came from; a warning while a year that matters is missing (its deadlines are
 * provisional, 暂定); a form to enter or import a year, with a preview of the open cases whose
 * deadlines it would move; and each year's days and revisions. Every form calls the admin API
 * (/api/v1/admin/calendars); a refusal shows the API's reasons and keeps what was typed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { arrangementHistory, arrangementStatus } from '../db/holidays';
import { changedDates, type HolidayDay } from '../domain/holidays';
import { AppError } from '../api/errors';
import {
  beijing,
  callApi,
  chrome,
  checkCsrf,
  ok,
  provisionalTip,
  signedIn,
  type ApiAnswer,
  type ConsoleContext,
  type Problem,
} from './context';
import { fill, type ConsoleDict } from './i18n';
import { inLanguage } from './bilingual';

type Form = Record<string, string | string[] | undefined>;
const s = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();

const YEAR = /^\d{4}$/;
const CODE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The API answers with what db/holidays.ts reads: one row per (region, year), and one per revision. */
type StatusRow = Awaited<ReturnType<typeof arrangementStatus>>[number];
interface Listing {
  seed: { first: number; last: number };
  missing: number[];
  revision: number;
  items: StatusRow[];
}
type Revision = Awaited<ReturnType<typeof arrangementHistory>>[number];
interface Move {
  kind: string;
  dueAt: string;
  newDueAt: string;
  provisionalYears: number[];
  newProvisionalYears: number[];
}
interface Preview {
  year: number;
  region: string | null;
  changedDates: string[];
  cases: Array<{ disputeId: string; caseNumber: string | null; unitCode: string | null; moves: Move[] }>;
  truncated: boolean;
}
interface Entered {
  year: number;
  region: string | null;
  revision: number;
  previousRevision: number | null;
  changedDates: string[];
  replan: { workflowId: string } | null;
}
interface Unit {
  code: string;
  name: string;
  level: string;
}

/** What the entry form holds: exactly what was typed, so a refusal or a preview loses nothing. */
interface EntryForm {
  year: string;
  region: string;
  sourceTitle: string;
  sourceDate: string;
  sourceUrl: string;
  note: string;
  days: string;
}

const EMPTY_FORM: EntryForm = {
  year: '',
  region: '',
  sourceTitle: '',
  sourceDate: '',
  sourceUrl: '',
  note: '',
  days: '',
};

const formOf = (f: Form): EntryForm => ({
  year: s(f.year),
  region: s(f.region),
  sourceTitle: s(f.sourceTitle),
  sourceDate: s(f.sourceDate),
  sourceUrl: s(f.sourceUrl),
  note: s(f.note),
  // The JSON as typed (only surrounding blank lines trimmed).
  days: (Array.isArray(f.days) ? (f.days[0] ?? '') : (f.days ?? '')).replace(/^\s*\n|\n\s*$/g, ''),
});

/** A list of days as the form shows it: one day a line, readable and easy to edit. */
const daysJson = (days: readonly HolidayDay[]): string =>
  days.length
    ? `[\n${days.map((d) => `  ${JSON.stringify({ date: d.date, kind: d.kind, ...(d.name ? { name: d.name } : {}) })}`).join(',\n')}\n]`
    : '[]';

/** 星期三 / Wednesday of a YYYY-MM-DD date. */
function weekdayOf(date: string, t: ConsoleDict): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? '' : (t.calendars.weekdays[new Date(ms).getUTCDay()] ?? '');
}

const kindLabel = (kind: string | undefined, t: ConsoleDict): string =>
  kind === 'off' ? t.calendars.off : kind === 'work' ? t.calendars.work : t.calendars.plain;

/** Only web addresses become links (an entered URL could be anything the `uri` format allows). */
const webUrl = (url: string | null): string | null => (url && /^https?:\/\//i.test(url) ? url : null);

/** `seed:chinese-days@1.5.7` → 初始数据（chinese-days 1.5.7）; a person's username as it is. */
function enteredByLabel(by: string, t: ConsoleDict): string {
  const seed = /^seed:(.+?)(?:@(.+))?$/.exec(by);
  return seed ? `${t.calendars.seed}（${seed[1]}${seed[2] ? ` ${seed[2]}` : ''}）` : by;
}

/** The API body from the form: the fields, and the days JSON (a list of days, or a whole imported file). */
function arrangementOf(
  form: EntryForm,
  t: ConsoleDict,
): { year?: number; region?: string; body?: Record<string, unknown>; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(form.days || '[]');
  } catch (err) {
    return { problems: [fill(t.calendars.badJson, { error: (err as Error).message })] };
  }
  let file: Record<string, unknown> = {};
  let days: unknown;
  if (Array.isArray(parsed)) days = parsed;
  else if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { days?: unknown }).days)) {
    file = parsed as Record<string, unknown>;
    days = file.days;
  } else return { problems: [t.calendars.badShape] };
  const fileSource = (file.source && typeof file.source === 'object' ? file.source : {}) as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  const yearText = form.year || (typeof file.year === 'number' ? String(file.year) : '');
  if (!YEAR.test(yearText)) return { problems: [t.calendars.badYear] };
  const region = form.region || str(file.region);
  const title = form.sourceTitle || str(fileSource.title);
  const date = form.sourceDate || str(fileSource.date);
  const url = form.sourceUrl || str(fileSource.url);
  const note = form.note || str(file.note);
  const body: Record<string, unknown> = {
    // A file's own year goes along, so the API can refuse a file for another year than the one typed.
    ...(file.year !== undefined ? { year: file.year } : {}),
    ...(region ? { region } : {}),
    source: { title, ...(date ? { date } : {}), ...(url ? { url } : {}) },
    ...(note ? { note } : {}),
    days,
  };
  return { year: Number(yearText), region: region || undefined, body, problems: [] };
}

/** The API's field (`/days/3/kind`, `body/source/title`) as the form names it. */
function fieldLabel(field: string | undefined, body: Record<string, unknown> | undefined, t: ConsoleDict): string {
  const path = (field ?? '').replace(/^body/, '').replace(/^\//, '');
  const day = /^days\/(\d+)/.exec(path);
  if (day) {
    const i = Number(day[1]);
    const date = (body?.days as Array<{ date?: unknown }> | undefined)?.[i]?.date;
    return `${fill(t.calendars.dayAt, { n: i + 1 })}${typeof date === 'string' ? `（${date}）` : ''}`;
  }
  const names: Record<string, string> = {
    year: t.calendars.year,
    region: t.calendars.region,
    source: t.calendars.sourceTitle,
    'source/title': t.calendars.sourceTitle,
    'source/date': t.calendars.sourceDate,
    'source/url': t.calendars.sourceUrl,
    note: t.calendars.note,
    days: t.calendars.days,
  };
  return names[path] ?? path;
}

/** A refusal, as the person should read it: the API's headline (unless it only repeats the list) and each field's reason. */
function refusalOf(answer: ApiAnswer<unknown>, body: Record<string, unknown> | undefined, t: ConsoleDict): string[] {
  const p = (answer.body ?? {}) as Problem;
  const errors = p.errors ?? [];
  const listed = errors.map((e) => `${fieldLabel(e.field, body, t)}：${e.message ?? ''}`);
  const headline = p.detail ?? p.title ?? `HTTP ${answer.status}`;
  const repeats =
    errors.length > 0 && (headline === errors.map((e) => e.message).join('; ') || /see errors$/.test(headline));
  return repeats ? listed : [headline, ...listed];
}

export default async function calendarPages(app: FastifyInstance): Promise<void> {
  app.get('/console/calendars', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    adminOnly(ctx);
    const q = request.query as Record<string, string | undefined>;
    // ?year=&region= starts the form from that year's arrangement in force (to correct it).
    let form: EntryForm | undefined;
    if (YEAR.test(q.year ?? '')) {
      const region = CODE.test(q.region ?? '') ? q.region! : '';
      const answer = await callApi<{ revisions: Revision[] }>(
        app,
        request,
        ctx,
        'GET',
        `/api/v1/admin/calendars/${q.year}${region ? `?region=${region}` : ''}`,
      );
      const latest = answer.status === 200 ? answer.body.revisions[0] : undefined;
      form = latest
        ? {
            year: q.year!,
            region,
            sourceTitle: latest.sourceTitle,
            sourceDate: latest.sourceDate ?? '',
            sourceUrl: latest.sourceUrl ?? '',
            note: inLanguage(latest.note, ctx.lang),
            days: daysJson(latest.days),
          }
        : { ...EMPTY_FORM, year: q.year!, region };
    }
    return renderCalendars(app, request, reply, ctx, { form });
  });

  // Both buttons post here: op=preview asks what would move, op=enter saves a new revision.
  app.post('/console/calendars', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    adminOnly(ctx);
    const raw = (request.body ?? {}) as Form;
    checkCsrf(ctx, raw);
    const { t } = ctx;
    const op = s(raw.op) === 'enter' ? 'enter' : 'preview';
    const form = formOf(raw);
    const refusedTitle = op === 'enter' ? t.calendars.refusedEnter : t.calendars.refusedPreview;
    const built = arrangementOf(form, t);
    if (built.problems.length || !built.body || built.year === undefined) {
      return renderCalendars(app, request, reply, ctx, {
        form,
        refusal: { title: refusedTitle, reasons: built.problems, status: 400 },
      });
    }
    const url = `/api/v1/admin/calendars/${built.year}`;
    if (op === 'preview') {
      const answer = await callApi<Preview>(app, request, ctx, 'POST', `${url}/preview`, built.body);
      if (answer.status === 200)
        return renderCalendars(app, request, reply, ctx, {
          form,
          preview: { result: answer.body, days: built.body.days },
        });
      return renderCalendars(app, request, reply, ctx, {
        form,
        refusal: { title: refusedTitle, reasons: refusalOf(answer, built.body, t), status: answer.status },
      });
    }
    const answer = await callApi<Entered>(app, request, ctx, 'PUT', url, built.body);
    if (answer.status === 200) {
      const e = answer.body;
      const needed = e.changedDates.length > 0 || e.previousRevision === null;
      const replan = e.replan ? 'started' : needed ? 'failed' : 'unneeded';
      const params = new URLSearchParams({
        ...(e.region ? { region: e.region } : {}),
        entered: String(e.revision),
        replan,
      });
      return reply.redirect(`/console/calendars/${e.year}?${params}`, 303);
    }
    return renderCalendars(app, request, reply, ctx, {
      form,
      refusal: { title: refusedTitle, reasons: refusalOf(answer, built.body, t), status: answer.status },
    });
  });

  app.get('/console/calendars/:year', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    adminOnly(ctx);
    const { t } = ctx;
    const year = yearOf(request);
    const q = request.query as Record<string, string | undefined>;
    const region = regionOf(q.region);
    const [history, units] = await Promise.all([
      callApi<{ revisions: Revision[] }>(
        app,
        request,
        ctx,
        'GET',
        `/api/v1/admin/calendars/${year}${region ? `?region=${region}` : ''}`,
      ),
      callApi<{ items: Unit[] }>(app, request, ctx, 'GET', '/api/v1/units'),
    ]);
    const revisions = ok(history).revisions;
    const regionName = region ? (ok(units).items.find((u) => u.code === region)?.name ?? region) : t.calendars.national;
    const entered = /^\d{1,18}$/.test(q.entered ?? '') ? q.entered! : null;
    const replan = ['started', 'unneeded', 'failed'].includes(q.replan ?? '') ? q.replan! : null;
    const days = (list: readonly HolidayDay[]) =>
      [...list]
        .sort((a, b) => a.date.localeCompare(b.date))
        .map((d) => ({
          date: d.date,
          weekday: weekdayOf(d.date, t),
          kind: d.kind,
          kindLabel: kindLabel(d.kind, t),
          name: d.name ?? '',
        }));
    return reply.view('calendar.hbs', {
      ...chrome(ctx, 'calendars', request),
      title: fill(t.calendars.detailTitle, { year, region: regionName }),
      year,
      region: region ?? '',
      entered: entered ? fill(t.calendars.entered, { year, region: regionName, revision: entered }) : null,
      replan: replan
        ? {
            message: {
              started: t.calendars.replanStarted,
              unneeded: t.calendars.replanUnneeded,
              failed: t.calendars.replanFailed,
            }[replan],
            failed: replan === 'failed',
          }
        : null,
      editHref: `/console/calendars?${new URLSearchParams({ year: String(year), ...(region ? { region } : {}) })}#enter`,
      days: days(revisions[0]?.days ?? []),
      revisions: revisions.map((r, i) => ({
        revision: r.revision,
        current: i === 0,
        sourceTitle: r.sourceTitle,
        sourceUrl: webUrl(r.sourceUrl),
        sourceDate: r.sourceDate ?? '—',
        enteredBy: enteredByLabel(r.enteredBy, t),
        enteredAt: beijing(r.enteredAt, ctx.lang),
        note: inLanguage(r.note, ctx.lang),
        daysOff: r.days.filter((d) => d.kind === 'off').length,
        makeUpDays: r.days.filter((d) => d.kind === 'work').length,
        changed: revisions[i + 1] ? changedDates(revisions[i + 1]!.days, r.days).join('、') || '—' : null,
        days: i === 0 ? null : days(r.days),
      })),
    });
  });

  app.post('/console/calendars/:year/replan', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    adminOnly(ctx);
    const form = (request.body ?? {}) as Form;
    checkCsrf(ctx, form);
    const year = yearOf(request);
    const region = regionOf(s(form.region));
    const answer = await callApi(
      app,
      request,
      ctx,
      'POST',
      `/api/v1/admin/calendars/${year}/replan${region ? `?region=${region}` : ''}`,
    );
    ok(answer);
    return reply.redirect(
      `/console/calendars/${year}?${new URLSearchParams({ ...(region ? { region } : {}), replan: 'started' })}`,
      303,
    );
  });
}

function adminOnly(ctx: ConsoleContext): void {
  if (ctx.user.role !== 'admin')
    throw new AppError('forbidden', ctx.lang === 'en' ? 'administrators only' : '仅限管理员 / administrators only');
}

function yearOf(request: FastifyRequest): number {
  const year = (request.params as { year: string }).year;
  if (!YEAR.test(year)) throw new AppError('not_found', `no year ${year}`);
  return Number(year);
}

function regionOf(region: string | undefined): string | undefined {
  if (!region) return undefined;
  if (!CODE.test(region)) throw new AppError('not_found', `no unit ${region}`);
  return region;
}

interface RenderOptions {
  form?: EntryForm;
  preview?: { result: Preview; days: unknown };
  refusal?: { title: string; reasons: string[]; status: number };
}

async function renderCalendars(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ConsoleContext,
  opts: RenderOptions,
) {
  const { t, lang } = ctx;
  const [listing, units] = await Promise.all([
    callApi<Listing>(app, request, ctx, 'GET', '/api/v1/admin/calendars'),
    callApi<{ items: Unit[] }>(app, request, ctx, 'GET', '/api/v1/units'),
  ]);
  const { missing, items } = ok(listing);
  const unitList = ok(units).items;
  const unitName = new Map(unitList.map((u) => [u.code, u.name]));
  const form = opts.form ?? { ...EMPTY_FORM, year: missing[0] !== undefined ? String(missing[0]) : '' };
  const detailHref = (year: number, region: string | null) =>
    `/console/calendars/${year}${region ? `?region=${encodeURIComponent(region)}` : ''}`;
  const rows = [
    ...missing.map((year) => ({
      year,
      href: null,
      scope: t.calendars.national,
      missing: true,
      status: t.calendars.statusMissing,
      revision: '—',
      sourceTitle: '—',
      sourceUrl: null,
      sourceDate: '',
      daysOff: '—',
      makeUpDays: '—',
      enteredBy: '—',
      enteredAt: '—',
    })),
    ...items.map((r) => ({
      year: r.year,
      href: detailHref(r.year, r.region),
      scope: r.region ? (r.regionName ?? r.region) : t.calendars.national,
      missing: false,
      status:
        r.revisions > 1
          ? fill(t.calendars.statusCorrected, { n: r.revisions })
          : r.enteredBy.startsWith('seed:')
            ? t.calendars.statusSeed
            : t.calendars.statusEntered,
      revision: String(r.revision),
      sourceTitle: r.sourceTitle,
      sourceUrl: webUrl(r.sourceUrl),
      sourceDate: r.sourceDate ?? '',
      daysOff: String(r.daysOff),
      makeUpDays: String(r.makeUpDays),
      enteredBy: enteredByLabel(r.enteredBy, t),
      enteredAt: beijing(r.enteredAt, ctx.lang),
    })),
  ];
  const preview = opts.preview
    ? (() => {
        const { result, days } = opts.preview;
        const byDate = new Map(
          (Array.isArray(days) ? (days as Array<Partial<HolidayDay>>) : []).map((d) => [d.date, d]),
        );
        return {
          scope: `${result.year} · ${result.region ? (unitName.get(result.region) ?? result.region) : t.calendars.national}`,
          changed: result.changedDates.map((date) => ({
            date,
            weekday: weekdayOf(date, t),
            becomes: kindLabel(byDate.get(date)?.kind, t),
            name: byDate.get(date)?.name ?? '',
          })),
          moves: result.cases.flatMap((c) =>
            c.moves.map((m) => ({
              caseHref: `/console/cases/${encodeURIComponent(c.disputeId)}`,
              caseNumber: c.caseNumber ?? c.disputeId.slice(0, 8),
              unit: c.unitCode ? (unitName.get(c.unitCode) ?? c.unitCode) : '—',
              kindLabel: t.deadline[m.kind] ?? m.kind,
              from: beijing(m.dueAt, ctx.lang),
              fromProvisional: provisionalTip(t, lang, m.provisionalYears),
              to: beijing(m.newDueAt, ctx.lang),
              toProvisional: provisionalTip(t, lang, m.newProvisionalYears),
            })),
          ),
          truncated: result.truncated,
        };
      })()
    : null;
  const status = opts.refusal
    ? opts.refusal.status >= 400 && opts.refusal.status < 600
      ? opts.refusal.status
      : 400
    : 200;
  return reply.status(status).view('calendars.hbs', {
    ...chrome(ctx, 'calendars', request),
    missing: missing.map((year) => fill(t.calendars.missing, { year })),
    rows,
    preview,
    refusal: opts.refusal ? { title: opts.refusal.title, reasons: opts.refusal.reasons } : null,
    // The notice is always titled in Chinese.
    titlePlaceholder: `国务院办公厅关于${YEAR.test(form.year) ? form.year : '____'}年部分节假日安排的通知`,
    form: {
      ...form,
      regions: unitList.map((u) => ({
        value: u.code,
        label: `${u.name}（${t.level[u.level] ?? u.level}）`,
        selected: u.code === form.region,
      })),
    },
  });
}
