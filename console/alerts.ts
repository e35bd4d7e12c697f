/**
 * The supervisor's alert board: the unacknowledged alerts of the area, live over Server-Sent Events
 * (the browser's EventSource on GET /api/v1/alerts/stream with the session cookie), acknowledged
 * with one button. The overdue list is the inbox with `overdue=true`; reassigning is a case action.
 */
import type { FastifyInstance } from 'fastify';
import { CALENDAR_ALERT_PREFIX } from '../activities/holidays';
import { AppError } from '../api/errors';
import { beijing, callApi, chrome, checkCsrf, ok, reasonOf, signedIn } from './context';

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
    // A missing holiday arrangement is about the calendar, not a case: it leads to the calendars page (an administrator's).
    const calendarsHref = ctx.user.role === 'admin' ? '/console/calendars' : null;
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
      message: a.message,
      raised: beijing(a.raisedAt),
      ackedBy: a.ackedBy ?? null,
      acked: a.ackedAt ? `${beijing(a.ackedAt)} · ${a.ackedBy ?? ''}${a.ackNote ? ` · ${a.ackNote}` : ''}` : null,
    });
    const maxId = unacked.concat(ok(recent).items).reduce((m, a) => (BigInt(a.id) > m ? BigInt(a.id) : m), 0n);
    return reply.view('alerts.hbs', {
      ...chrome(ctx, 'alerts', request),
      canAck: ctx.user.role === 'supervisor' || ctx.user.role === 'admin',
      since: maxId.toString(),
      open: unacked.map(row),
      acked: ok(recent)
        .items.filter((a) => a.ackedAt)
        .slice(0, 20)
        .map(row),
      // The live script's words and the kind labels, as JSON in a data attribute (no inline script).
      labels: JSON.stringify({
        kinds: t.alert,
        ack: t.alerts.ack,
        ackNote: t.alerts.ackNote,
        live: t.alerts.live,
        offline: t.alerts.offline,
        calendars: {
          label: t.calendars.alertTarget,
          hint: t.calendars.alertTargetHint,
          href: calendarsHref ?? '',
          kind: CALENDAR_ALERT_KIND,
          prefix: CALENDAR_ALERT_PREFIX,
        },
      }),
      flash: q.acked && /^\d{1,18}$/.test(q.acked) ? `${t.alerts.acked} #${q.acked}` : null,
      error: typeof q.error === 'string' ? q.error.slice(0, 300) : null,
    });
  });

  app.post('/console/alerts/:id/ack', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const form = (request.body ?? {}) as Record<string, unknown>;
    checkCsrf(ctx, form);
    const id = (request.params as { id: string }).id;
    if (!/^\d{1,18}$/.test(id)) throw new AppError('not_found', `no alert ${id}`);
    const note = typeof form.note === 'string' && form.note.trim() ? form.note.trim() : undefined;
    const answer = await callApi(app, request, ctx, 'POST', `/api/v1/alerts/${id}/ack`, note ? { note } : {});
    // Progressive enhancement: the live board posts with fetch and wants JSON back.
    if ((request.headers.accept ?? '').includes('application/json'))
      return reply.status(answer.status).send(answer.body);
    if (answer.status === 200) return reply.redirect(`/console/alerts?acked=${id}`, 303);
    return reply.redirect(`/console/alerts?error=${encodeURIComponent(reasonOf(answer))}`, 303);
  });
}
