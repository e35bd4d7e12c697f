/**
 * The supervisor's alert board: the unacknowledged alerts of the area, live over Server-Sent Events
 * (the browser's EventSource on GET /api/v1/alerts/stream with the session cookie), acknowledged
 * with one button or several at once (checkboxes and "确认所选", one form POST without script). A
 * high-risk alert offers the Art. 25 report to the police (报告公安机关) with the measures taken, when
 * the case allows it. The opt-in sound, desktop notification and tab-title count are static/alerts.js.
 * The overdue list is the inbox with `overdue=true`; reassigning is a case action.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CALENDAR_ALERT_PREFIX } from '../activities/holidays';
import { AppError } from '../api/errors';
import { BULK_ACK_LIMIT, type BulkAckAnswer } from '../api/routes/alerts-bulk';
import { beijing, callApi, chrome, checkCsrf, ok, reasonOf, signedIn, type ConsoleContext } from './context';
import { fill } from './i18n';
import { inLanguage } from './bilingual';

interface AlertDoc {
  id: string;
  disputeId: string;
  caseNumber?: string;
  kind: string;
  message: string;
  raisedAt: string;
  ackedBy?: string;
  ackedAt?: string;
  ackNote?: string;
}

/** The alert kind whose `disputeId` names a unit's calendar (activities/holidays.ts), not a case. */
const CALENDAR_ALERT_KIND = 'holiday_data_missing';

const isCalendarAlert = (a: Pick<AlertDoc, 'kind' | 'disputeId'>): boolean =>
  a.kind === CALENDAR_ALERT_KIND || a.disputeId.startsWith(CALENDAR_ALERT_PREFIX);

/** Alerts whose case may need the Art. 25 report to the police (人民调解法第二十五条). */
const RISK_KINDS = new Set(['high_risk']);
/** At most this many cases are read to decide whether the referral form is offered. */
const REFERRAL_LOOKUPS = 20;

const ID = /^\d{1,18}$/;
const idList = (v: string | undefined): string[] =>
  (v ?? '')
    .split('.')
    .filter((x) => ID.test(x))
    .slice(0, 50);

type Referral = { form: true; idem: string } | { done: string } | { link: true } | null;

/** Per high-risk case: the form when the case allows `refer-to-police` now, the time when it was done, else a link. */
async function referrals(
  app: FastifyInstance,
  request: FastifyRequest,
  ctx: ConsoleContext,
  disputeIds: string[],
): Promise<Map<string, Referral>> {
  const ids = [...new Set(disputeIds)].slice(0, REFERRAL_LOOKUPS);
  const answers = await Promise.all(
    ids.map((id) =>
      callApi<{ allowedActions?: string[]; policeReferral?: { at: string } }>(
        app,
        request,
        ctx,
        'GET',
        `/api/v1/disputes/${encodeURIComponent(id)}`,
      ),
    ),
  );
  const out = new Map<string, Referral>();
  ids.forEach((id, i) => {
    const a = answers[i]!;
    if (a.status !== 200) return out.set(id, null);
    if (a.body.policeReferral) return out.set(id, { done: when(ctx, a.body.policeReferral.at) });
    out.set(id, a.body.allowedActions?.includes('refer-to-police') ? { form: true, idem: randomUUID() } : null);
  });
  return out;
}

/** Beijing time in the console's language (console/context.ts `beijing`). */
const when = (ctx: Pick<ConsoleContext, 'lang'>, iso: string): string => beijing(iso, ctx.lang);

export default async function alertPages(app: FastifyInstance): Promise<void> {
  app.get('/console/alerts', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const { t } = ctx;
    const [open, recent] = await Promise.all([
      callApi<{ items: AlertDoc[] }>(app, request, ctx, 'GET', '/api/v1/alerts?unacked=true&limit=200'),
      callApi<{ items: AlertDoc[] }>(app, request, ctx, 'GET', '/api/v1/alerts?limit=50'),
    ]);
    const unacked = ok(open).items;
    const q = request.query as Record<string, string | undefined>;
    const canAck = ctx.user.role === 'supervisor' || ctx.user.role === 'admin';
    // A missing holiday arrangement is about the calendar, not a case: it leads to the calendars page (an administrator's).
    const calendarsHref = ctx.user.role === 'admin' ? '/console/calendars' : null;
    const risky = unacked.filter((a) => RISK_KINDS.has(a.kind) && !isCalendarAlert(a)).map((a) => a.disputeId);
    const referralOf = risky.length ? await referrals(app, request, ctx, risky) : new Map<string, Referral>();
    const row = (a: AlertDoc) => ({
      id: a.id,
      disputeId: a.disputeId,
      ...(isCalendarAlert(a)
        ? {
            caseNumber: t.calendars.alertTarget,
            href: calendarsHref,
            hint: calendarsHref ? null : t.calendars.alertTargetHint,
          }
        : {
            caseNumber: a.caseNumber ?? a.disputeId.slice(0, 8),
            href: `/console/cases/${encodeURIComponent(a.disputeId)}`,
            hint: null,
          }),
      kindLabel: t.alert[a.kind] ?? a.kind,
      kind: a.kind,
      message: inLanguage(a.message, ctx.lang),
      raised: when(ctx, a.raisedAt),
      raisedAt: a.raisedAt,
      ackedBy: a.ackedBy ?? null,
      acked: a.ackedAt
        ? `${when(ctx, a.ackedAt)} · ${a.ackedBy ?? ''}${a.ackNote ? ` · ${inLanguage(a.ackNote, ctx.lang)}` : ''}`
        : null,
      referral: RISK_KINDS.has(a.kind) && !isCalendarAlert(a) ? (referralOf.get(a.disputeId) ?? { link: true }) : null,
    });
    const maxId = unacked.concat(ok(recent).items).reduce((m, a) => (BigInt(a.id) > m ? BigInt(a.id) : m), 0n);
    const notices: string[] = [];
    if (q.acked && ID.test(q.acked)) notices.push(`${t.alerts.acked} #${q.acked}`);
    if (q.bulk && /^\d{1,3}$/.test(q.bulk)) notices.push(fill(t.alerts.bulkDone, { n: Number(q.bulk) }));
    if (q.referred === '1') notices.push(t.alerts.referDone);
    const problems: string[] = [];
    const nf = idList(q.nf);
    const aa = idList(q.aa);
    if (nf.length) problems.push(fill(t.alerts.bulkNotFound, { n: nf.length, ids: nf.map((i) => `#${i}`).join('、') }));
    if (aa.length) problems.push(fill(t.alerts.bulkAlready, { n: aa.length, ids: aa.map((i) => `#${i}`).join('、') }));
    if (q.bulk === 'none') problems.push(t.alerts.bulkNone);
    if (q.bulk === 'many') problems.push(fill(t.alerts.bulkTooMany, { n: BULK_ACK_LIMIT }));
    if (typeof q.error === 'string') problems.push(q.error.slice(0, 300));
    return reply.view('alerts.hbs', {
      ...chrome(ctx, 'alerts', request),
      canAck,
      since: maxId.toString(),
      open: unacked.map(row),
      unackedCount: fill(t.alerts.unackedCount, { n: unacked.length }),
      unackedN: unacked.length,
      acked: ok(recent)
        .items.filter((a) => a.ackedAt)
        .slice(0, 20)
        .map(row),
      // The live scripts' words and the kind labels, as JSON in a data attribute (no inline script).
      labels: JSON.stringify({
        kinds: t.alert,
        ack: t.alerts.ack,
        ackNote: t.alerts.ackNote,
        live: t.alerts.live,
        offline: t.alerts.offline,
        selectRow: t.alerts.selectRow,
        referCase: t.alerts.referCase,
        riskKinds: [...RISK_KINDS],
        lang: ctx.lang,
        sound: { on: t.alerts.soundIsOn, off: t.alerts.soundIsOff },
        notify: {
          on: t.alerts.notifyIsOn,
          off: t.alerts.notifyIsOff,
          denied: t.alerts.notifyDenied,
          unsupported: t.alerts.notifyUnsupported,
          title: t.alerts.notifyTitle,
        },
        titleCount: t.alerts.titleCount,
        unackedCount: t.alerts.unackedCount,
        calendars: {
          label: t.calendars.alertTarget,
          hint: t.calendars.alertTargetHint,
          href: calendarsHref ?? '',
          kind: CALENDAR_ALERT_KIND,
          prefix: CALENDAR_ALERT_PREFIX,
        },
      }),
      notices,
      problems,
    });
  });

  // Several at once: the checked boxes of the page (one form, no script needed).
  app.post('/console/alerts/ack', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const form = (request.body ?? {}) as Record<string, unknown>;
    checkCsrf(ctx, form);
    const raw = ([] as unknown[]).concat(form.ids ?? []);
    const ids = [...new Set(raw.filter((v): v is string => typeof v === 'string' && ID.test(v)))];
    if (ids.length === 0) return reply.redirect('/console/alerts?bulk=none', 303);
    if (ids.length > BULK_ACK_LIMIT) return reply.redirect('/console/alerts?bulk=many', 303);
    const note = typeof form.note === 'string' && form.note.trim() ? form.note.trim().slice(0, 500) : undefined;
    const answer = await callApi<BulkAckAnswer>(app, request, ctx, 'POST', '/api/v1/alerts/ack', {
      ids,
      ...(note ? { note } : {}),
    });
    if ((request.headers.accept ?? '').includes('application/json'))
      return reply.status(answer.status).send(answer.body);
    if (answer.status !== 200)
      return reply.redirect(`/console/alerts?error=${encodeURIComponent(reasonOf(answer, ctx.lang))}`, 303);
    const { acknowledged, refused } = answer.body;
    const by = (reason: string) =>
      refused
        .filter((r) => r.reason === reason)
        .map((r) => r.id)
        .join('.');
    const params = new URLSearchParams({ bulk: String(acknowledged.length) });
    if (by('not_found')) params.set('nf', by('not_found'));
    if (by('already_acknowledged')) params.set('aa', by('already_acknowledged'));
    return reply.redirect(`/console/alerts?${params.toString()}`, 303);
  });

  app.post('/console/alerts/:id/ack', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const form = (request.body ?? {}) as Record<string, unknown>;
    checkCsrf(ctx, form);
    const id = (request.params as { id: string }).id;
    if (!ID.test(id)) throw new AppError('not_found', `no alert ${id}`);
    const note = typeof form.note === 'string' && form.note.trim() ? form.note.trim() : undefined;
    const answer = await callApi(app, request, ctx, 'POST', `/api/v1/alerts/${id}/ack`, note ? { note } : {});
    // Progressive enhancement: the live board posts with fetch and wants JSON back.
    if ((request.headers.accept ?? '').includes('application/json'))
      return reply.status(answer.status).send(answer.body);
    if (answer.status === 200) return reply.redirect(`/console/alerts?acked=${id}`, 303);
    return reply.redirect(`/console/alerts?error=${encodeURIComponent(reasonOf(answer, ctx.lang))}`, 303);
  });
}
