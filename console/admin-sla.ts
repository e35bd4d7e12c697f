/**
 * SLA policies in the console (/console/admin/sla): listed, added, changed and deleted in working days
 * and hours (受理时限 [2] 个工作日 [0] 小时), the calendar named in words (工作日（含调休）/ 自然日). The
 * console converts to the API's representation, seconds of the policy's calendar (admin-durations.ts),
 * checks what it can in the person's words first, and translates the API's refusals it knows
 * (a scope already covered, a fallback policy); deleting asks for a confirmation (admin-confirm.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CATEGORIES, LEVELS, PRIORITIES } from '../domain/lifecycle';
import { AppError } from '../api/errors';
import { LABELS } from '../templates/labels';
import { adminOnly, confirmed, field, policyScope, renderConfirm, type Form } from './admin-confirm';
import { dayHours, formatDuration, joinDuration, splitDuration } from './admin-durations';
import { calendarDays } from './durations';
import { callApi, chrome, checkCsrf, ok, reasonOf, signedIn, type ApiAnswer, type ConsoleContext } from './context';
import { fill } from './i18n';

type Row = Record<string, unknown>;
const DURATIONS = ['accept', 'handling', 'reportIn', 'signature'] as const;
type DurationKey = (typeof DURATIONS)[number];
const MAX_SECONDS = 366 * 24 * 3600;

/** The policies as rows of the lists (here and on the admin page). */
export function slaRows(items: Row[], ctx: ConsoleContext) {
  const { t } = ctx;
  return items.map((p) => {
    const cal = String(p.calendar);
    const fallback = p.category === '*' && p.level === '*';
    return {
      id: p.id,
      scope: policyScope(p, t, ctx.lang),
      ...Object.fromEntries(DURATIONS.map((k) => [k, formatDuration(Number(p[`${k}Seconds`]), cal, ctx.lang)])),
      followUp: calendarDays(Number(p.followUpDays), ctx.lang),
      warning: `${Math.round(Number(p.warningShare) * 100)}%`,
      autoEscalate: p.autoEscalate ? t.option.yes : t.option.no,
      calendar: cal === 'wall-clock' ? t.adminSla.naturalDays : t.adminSla.workdays,
      fallback,
      deleteHref: fallback ? null : `/console/admin/sla-delete/confirm?id=${encodeURIComponent(String(p.id))}`,
    };
  });
}

/** A posted policy form → the API's body, or the reasons it cannot be one (in the person's words). */
export function policyBody(form: Form, ctx: ConsoleContext): { body?: Row; errors: string[] } {
  const w = ctx.t.adminSla;
  const errors: string[] = [];
  const calendar = field(form.calendar);
  if (calendar !== 'cn-workdays' && calendar !== 'wall-clock') errors.push(fill(w.pickOne, { label: w.calendar }));
  const pick = (name: 'category' | 'priority' | 'level', values: readonly string[], label: string) => {
    const v = field(form[name]);
    if (v !== '*' && !values.includes(v)) errors.push(fill(w.pickOne, { label }));
    return v;
  };
  const category = pick('category', CATEGORIES, w.category);
  const priority = pick('priority', PRIORITIES, w.priority);
  const level = pick('level', LEVELS, ctx.t.admin.level);
  const seconds: Partial<Record<DurationKey, number>> = {};
  const dayH = dayHours(calendar);
  for (const k of DURATIONS) {
    const label = w[k];
    const [d, h] = [field(form[`${k}Days`]), field(form[`${k}Hours`])];
    const days = d === '' ? 0 : Number(d);
    const hours = h === '' ? 0 : Number(h);
    if (!/^\d{1,3}$/.test(d || '0') || !/^\d{1,3}(\.\d{1,2})?$/.test(h || '0') || !(days >= 0 && hours >= 0)) {
      errors.push(fill(w.notNumber, { label }));
      continue;
    }
    if (hours >= dayH) errors.push(fill(w.hoursTooMany, { label, hours: dayH }));
    const total = joinDuration(days, hours, calendar === 'wall-clock' ? calendar : 'cn-workdays');
    if (total < 1) errors.push(fill(w.zero, { label }));
    else if (total > MAX_SECONDS) errors.push(fill(w.tooLong, { label }));
    seconds[k] = total;
  }
  const followUpDays = Number(field(form.followUpDays));
  if (!/^\d{1,3}$/.test(field(form.followUpDays)) || followUpDays < 1 || followUpDays > 365)
    errors.push(w.followUpRange);
  const warning = Number(field(form.warningPercent));
  if (field(form.warningPercent) === '' || !(warning >= 5 && warning <= 99)) errors.push(w.warningRange);
  if (errors.length) return { errors };
  return {
    errors,
    body: {
      category,
      priority,
      level,
      acceptSeconds: seconds.accept,
      handlingSeconds: seconds.handling,
      reportInSeconds: seconds.reportIn,
      signatureSeconds: seconds.signature,
      followUpDays,
      warningShare: Math.round(warning) / 100,
      autoEscalate: field(form.autoEscalate) === 'true',
      calendar,
    },
  };
}

/** The API's refusal of a policy form, in the person's words where it is one we know. */
function refusal(answer: ApiAnswer<unknown>, op: 'add' | 'edit' | 'delete', ctx: ConsoleContext): string {
  const w = ctx.t.adminSla;
  const detail = String((answer.body as { detail?: string } | undefined)?.detail ?? '');
  if (answer.status === 404) return ctx.t.admin.notFound;
  if (answer.status === 409) {
    if (op === 'delete' || detail.startsWith('a fallback')) return w.fallbackFixed;
    return w.exists;
  }
  return reasonOf(answer, ctx.lang);
}

/** A form's fields: a policy's, what was typed, or the defaults of a new one (1 working day …). */
function formValues(source: Row | Form | undefined, typed: boolean, ctx: ConsoleContext) {
  const w = ctx.t.adminSla;
  const get = (k: string): string => (source ? field((source as Form)[k] as string | undefined) : '');
  const calendar = typed ? get('calendar') : source ? String((source as Row).calendar) : 'cn-workdays';
  const wall = calendar === 'wall-clock';
  const defaults: Record<DurationKey, number> = { accept: 1, handling: 7, reportIn: 0, signature: 3 };
  const durations = DURATIONS.map((k) => {
    let days: string | number = defaults[k];
    let hours: string | number = k === 'reportIn' ? 4 : 0;
    if (typed) [days, hours] = [get(`${k}Days`), get(`${k}Hours`)];
    else if (source) ({ days, hours } = splitDuration(Number((source as Row)[`${k}Seconds`]), calendar));
    return {
      key: k,
      label: w[k],
      daysLabel: fill(w.daysOf, { label: w[k] }),
      hoursLabel: fill(w.hoursOf, { label: w[k] }),
      days: String(days),
      hours: String(hours),
      dayUnit: wall ? w.dayUnitWall : w.dayUnitWork,
    };
  });
  const row = source as Row | undefined;
  const scope = (k: 'category' | 'priority' | 'level'): string => (typed ? get(k) : row ? String(row[k]) : '*');
  const options = (
    k: 'category' | 'priority' | 'level',
    values: readonly string[],
    any: string,
    label: (v: string) => string,
  ) => ['*', ...values].map((v) => ({ value: v, label: v === '*' ? any : label(v), selected: scope(k) === v }));
  const followUp = typed ? get('followUpDays') : row ? String(row.followUpDays) : '15';
  const warning = typed ? get('warningPercent') : row ? String(Math.round(Number(row.warningShare) * 100)) : '80';
  const escalate = typed ? get('autoEscalate') === 'true' : row ? row.autoEscalate === true : true;
  return {
    durations,
    category: scope('category'),
    priority: scope('priority'),
    level: scope('level'),
    categories: options('category', CATEGORIES, w.anyCategory, (v) => LABELS[ctx.lang].category[v] ?? v),
    priorities: options('priority', PRIORITIES, w.anyPriority, (v) => (v === 'urgent' ? w.urgent : w.normal)),
    levels: options('level', LEVELS, w.anyLevel, (v) => ctx.t.level[v] ?? v),
    followUp,
    warning,
    escalateYes: escalate,
    calendars: [
      { value: 'cn-workdays', label: w.workdays, selected: !wall },
      { value: 'wall-clock', label: w.naturalDays, selected: wall },
    ],
  };
}

async function renderSla(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ConsoleContext,
  opts: { saved?: string; failed?: { id: string; errors: string[]; values: Form } } = {},
) {
  const { t } = ctx;
  const items = ok(await callApi<{ items: Row[] }>(app, request, ctx, 'GET', '/api/v1/admin/sla-policies')).items;
  const failed = opts.failed;
  const rows = slaRows(items, ctx);
  return reply.status(failed ? 400 : 200).view('admin-sla.hbs', {
    ...chrome(ctx, 'admin', request),
    saved: opts.saved ?? null,
    errors: failed?.errors ?? null,
    intro: fill(t.adminSla.intro, { hours: dayHours('cn-workdays') }),
    rows,
    edits: items.map((p, i) => ({
      id: String(p.id),
      formId: `s${String(p.id)}`,
      scope: rows[i]!.scope,
      open: failed?.id === String(p.id),
      ...formValues(failed?.id === String(p.id) ? failed.values : p, failed?.id === String(p.id), ctx),
    })),
    add: {
      formId: 'new',
      open: failed?.id === 'new',
      ...formValues(failed?.id === 'new' ? failed.values : undefined, failed?.id === 'new', ctx),
    },
  });
}

export default async function adminSlaPages(app: FastifyInstance): Promise<void> {
  app.get('/console/admin/sla', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    adminOnly(ctx);
    const saved = (request.query as { saved?: string }).saved;
    const words = { added: ctx.t.adminSla.added, saved: ctx.t.adminSla.saved, deleted: ctx.t.adminSla.deleted };
    return renderSla(app, request, reply, ctx, {
      saved: saved && Object.hasOwn(words, saved) ? words[saved as keyof typeof words] : undefined,
    });
  });

  app.post('/console/admin/sla/:op', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const form = (request.body ?? {}) as Form;
    checkCsrf(ctx, form);
    adminOnly(ctx);
    const op = (request.params as { op: string }).op;
    const id = field(form.id);
    if (op === 'delete') {
      if (!confirmed(form)) return renderConfirm(app, request, reply, ctx, 'sla-delete', form, true);
      const answer = await callApi(app, request, ctx, 'DELETE', `/api/v1/admin/sla-policies/${encodeURIComponent(id)}`);
      if (answer.status === 204) return reply.redirect('/console/admin/sla?saved=deleted', 303);
      return renderSla(app, request, reply, ctx, {
        failed: { id: '', errors: [refusal(answer, 'delete', ctx)], values: form },
      });
    }
    if (op !== 'add' && op !== 'edit') throw new AppError('not_found', ctx.t.admin.noForm);
    const key = op === 'add' ? 'new' : id;
    const { body, errors } = policyBody(form, ctx);
    if (!body) return renderSla(app, request, reply, ctx, { failed: { id: key, errors, values: form } });
    const answer =
      op === 'add'
        ? await callApi(app, request, ctx, 'POST', '/api/v1/admin/sla-policies', body)
        : await callApi(app, request, ctx, 'PUT', `/api/v1/admin/sla-policies/${encodeURIComponent(id)}`, body);
    if (answer.status >= 200 && answer.status < 300)
      return reply.redirect(`/console/admin/sla?saved=${op === 'add' ? 'added' : 'saved'}`, 303);
    return renderSla(app, request, reply, ctx, {
      failed: { id: key, errors: [refusal(answer, op, ctx)], values: form },
    });
  });
}
