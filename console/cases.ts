/**
 * The mediator's pages: the inbox (my unit's cases with an SLA countdown, filters and search) and
 * the case page (parties, timeline, deadlines, documents, and exactly the actions the case allows
 * now and the signed-in person may take, as forms that call the API).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Dispute } from '../db/entities';
import { ACTIONS, INTERNAL_ACTIONS, STAGES, type Action } from '../domain/lifecycle';
import { mayAct } from '../domain/permissions';
import { actorOf } from '../api/plugins/auth';
import { AppError } from '../api/errors';
import {
  beijing,
  callApi,
  chrome,
  checkCsrf,
  ok,
  provisionalTip,
  reasonOf,
  signedIn,
  type ConsoleContext,
  type Problem,
} from './context';
import { fieldErrorsOf, payloadOf, renderFields, type FormBody } from './forms';
import { meetingRemoteView } from './meeting-view';
import { performanceRows } from './performance-view';
import { partyWillText } from './voluntariness-forms';
import { safeNext } from './session';
import { LABELS } from '../templates/labels';
import { documentsOf, replannedDetail, riskReason, ROLE_LABEL, slaOf, STATE_WORD, type CaseDoc } from './case-view';
import { registerSigningLinkForm, signingView } from './esign-view';
import evidencePages, { evidenceView } from './attachments-view';
import { noticesView, registerContactForm } from './notices-view';

export default async function casePages(app: FastifyInstance): Promise<void> {
  app.get('/console/cases/:id', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const q = request.query as Record<string, string | undefined>;
    const done = ACTIONS.includes(q.done as Action) ? (q.done as Action) : undefined;
    return renderCase(app, request, reply, ctx, caseIdOf(request), { done });
  });

  app.post('/console/cases/:id/actions/:action', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const id = caseIdOf(request);
    const action = (request.params as { action: string }).action as Action;
    if (!ACTIONS.includes(action)) throw new AppError('not_found', `no action ${action}`);
    const form = (request.body ?? {}) as FormBody;
    checkCsrf(ctx, form);
    const { payload, errors } = payloadOf(action, form);
    if (Object.keys(errors).length) {
      return renderCase(app, request, reply, ctx, id, {
        failed: { action, status: 400, reason: Object.values(errors).join(' · '), values: form, errors },
      });
    }
    const idem = typeof form._idem === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(form._idem) ? form._idem : randomUUID();
    const answer = await callApi(
      app,
      request,
      ctx,
      'POST',
      `/api/v1/disputes/${encodeURIComponent(id)}/signals/${action}`,
      payload,
      { 'idempotency-key': `console-${idem}` },
    );
    if (answer.status === 200) {
      const back =
        typeof form._return === 'string' && form._return
          ? safeNext(form._return)
          : `/console/cases/${encodeURIComponent(id)}?done=${action}`;
      return reply.redirect(back, 303);
    }
    if (answer.status === 401)
      return reply.redirect(`/console/login?expired=1&next=${encodeURIComponent(`/console/cases/${id}`)}`, 303);
    return renderCase(app, request, reply, ctx, id, {
      failed: {
        action,
        status: answer.status,
        reason: reasonOf(answer),
        values: form,
        errors: fieldErrorsOf(answer.body as Problem),
      },
    });
  });
  // Issue 22: send a party its signing link (console/esign-view.ts).
  registerSigningLinkForm(app);
  registerContactForm(app);
  // Issue 22: evidence — upload, link, download (console/attachments-view.ts; multipart in its own scope).
  await app.register(evidencePages);
}

function caseIdOf(request: FastifyRequest): string {
  const id = (request.params as { id: string }).id;
  // A case id as the API takes it (api/routes/disputes.ts): anything else is no case here either.
  if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new AppError('not_found', `no case ${id}`);
  return id;
}

interface RenderOptions {
  done?: Action;
  failed?: { action: Action; status: number; reason: string; values: FormBody; errors: Record<string, string> };
}

async function renderCase(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ConsoleContext,
  id: string,
  opts: RenderOptions,
) {
  const { t } = ctx;
  const c = ok(await callApi<CaseDoc>(app, request, ctx, 'GET', `/api/v1/disputes/${encodeURIComponent(id)}`));
  const [events, agencies, units, row] = await Promise.all([
    callApi<{
      items: Array<{
        seq: number;
        type: string;
        at: string;
        actor: { name: string };
        payload: Record<string, unknown>;
      }>;
    }>(app, request, ctx, 'GET', `/api/v1/disputes/${encodeURIComponent(id)}/events`),
    callApi<{ items: Array<{ code: string; name: string }> }>(app, request, ctx, 'GET', '/api/v1/agencies'),
    callApi<{ items: Array<{ code: string; name: string; level: string; path?: string }> }>(
      app,
      request,
      ctx,
      'GET',
      '/api/v1/units',
    ),
    app.orm.em.fork().findOne(Dispute, { id }, { fields: ['unitCode', 'unitPath'] }),
  ]);
  // Exactly what the case allows now (the workflow's stage) and this person may do (role and area).
  const scope = {
    unitCode: row?.unitCode,
    unitPath: row?.unitPath,
    summoned: (c.meeting?.agencies ?? []).map((a) => a.code),
  };
  const permitted = c.allowedActions.filter((a) => mayAct(actorOf(ctx.user), a, scope));
  // Evidence (and a party's rating) have no generic form: the evidence block below takes files and links.
  const actions = permitted.filter((a) => !INTERNAL_ACTIONS.includes(a));
  const unitOptions = (ok(units).items ?? [])
    .filter((u) => u.code !== c.unit?.code)
    .map((u) => ({ code: u.code, name: `${u.name}（${t.level[u.level] ?? u.level}）` }));
  // A supervisor reassigns within their area; the directory list has no paths, so ask the database.
  // Who has no unit (an agency representative) has no area and no query: a NUL standing in for "no
  // area" went into this LIKE, which PostgreSQL refuses, and made their every case page a 500.
  const area = ctx.user.role === 'admin' ? undefined : (ctx.user.unitPath ?? '');
  const inArea =
    area === undefined
      ? undefined
      : new Set(
          area
            ? (
                await app.orm.em
                  .fork()
                  .getConnection()
                  .execute<Array<{ code: string }>>('select code from units where path like ?', [`${area}%`])
              ).map((r) => r.code)
            : [],
        );
  const src = {
    parties: c.parties,
    agencies: agencies.status === 200 ? agencies.body.items : [],
    units: unitOptions.filter((u) => !inArea || inArea.has(u.code) || ctx.user.role !== 'supervisor'),
    meetingAgencies: c.meeting?.agencies ?? [],
    roleLabel: (role: string) => (ctx.lang === 'zh-CN' ? ROLE_LABEL[role]?.zh : ROLE_LABEL[role]?.en) ?? role,
  };
  const now = Date.now();
  const zh = ctx.lang === 'zh-CN';
  const unitNames = new Map((units.status === 200 ? units.body.items : []).map((u) => [u.code, u.name]));
  const view = {
    ...chrome(ctx, 'inbox', request),
    c: {
      id: c.id,
      caseNumber: c.caseNumber ?? '—',
      // 原案号: a street committee takes a community's case over under its own number (issue 21 item 1).
      priorCaseNumbers: c.priorCaseNumbers?.length ? c.priorCaseNumbers.join('、') : null,
      title: c.title,
      description: c.description,
      stageLabel: t.stage[c.stage] ?? c.stage,
      outcomeLabel: c.outcome ? (t.outcome[c.outcome] ?? c.outcome) : null,
      unitName: c.unit?.name ?? '—',
      levelLabel: c.level ? (t.level[c.level] ?? c.level) : '—',
      received: beijing(c.receivedAt),
      channel: LABELS[zh ? 'zh-CN' : 'en'].channel[c.channel] ?? c.channel,
      highRisk: c.risk?.high ? c.risk.reasons.map((r) => riskReason(r, zh)).join('、') || t.case.highRisk : null,
      assignee: c.assignee?.name ?? null,
      suspended: c.suspended ? `${beijing(c.suspended.since)} · ${c.suspended.reason}` : null,
      sla: (() => {
        const s = slaOf(c, t, now, ctx.lang);
        return { ...s, word: STATE_WORD(t, s.state) };
      })(),
      meeting: c.meeting
        ? {
            at: beijing(c.meeting.at),
            place: c.meeting.place,
            agencies: c.meeting.agencies.map((a) => ({
              name: a.name,
              answer: a.answer === 'confirmed' ? '✔' : a.answer === 'declined' ? '✘' : '…',
            })),
            // Remote participation and who attended how (console/meeting-view.ts).
            ...meetingRemoteView(c, t, ctx.lang),
          }
        : null,
      agreementNumber: c.agreement?.number ?? null,
      // 人民调解法 Art. 31: each term's performance (console/performance-view.ts).
      performance: performanceRows(c, t),
    },
    // The case's evidence and, when this person may add some now, the upload and link forms (issue 22).
    // (The API's allowedActions leave the internal action out; evidence is taken in every open stage.)
    evidence: await evidenceView(
      app,
      request,
      ctx,
      c.id,
      c.stage !== 'closed' && mayAct(actorOf(ctx.user), 'attach-evidence', scope),
    ),
    // The case's notices to people and how they were delivered (issue 22; console/notices-view.ts).
    notices: await noticesView(app, request, ctx, c.id, c.parties, {
      // Recording consent is for the staff who hold the case (the API decides; this only hides the form).
      mayRecord:
        c.stage !== 'closed' &&
        (ctx.user.role === 'mediator' || ctx.user.role === 'supervisor') &&
        !!ctx.user.unitPath &&
        !!row?.unitPath?.startsWith(ctx.user.unitPath),
      saved: (request.query as { contact?: string }).contact,
    }),
    // How each signature was given, and the parties' signing links (issue 22; console/esign-view.ts).
    signing: signingView(c, zh, request.query as Record<string, string | undefined>),
    parties: c.parties.map((p, i) => ({
      name: p.name,
      role: zh ? (ROLE_LABEL[p.role]?.zh ?? p.role) : (ROLE_LABEL[p.role]?.en ?? p.role),
      // 当事人意愿 (人民调解法 Art. 17, 20, 23–24): what is still to be recorded before a meeting or an agreement.
      will: partyWillText(c, i, zh),
      phone: p.phone ?? null,
      address: p.address ?? null,
      representative: p.representative ?? null,
      // The people around a party (domain/people.ts), as the reader may see them.
      legalRepresentative: p.legalRepresentative
        ? `${p.legalRepresentative.name}（${p.legalRepresentative.relation}）`
        : null,
      agents: (p.agents ?? []).map((a) => a.name).join('、') || null,
    })),
    reporter: c.reporter
      ? { name: c.reporter.name, relation: c.reporter.relation, phone: c.reporter.phone ?? null }
      : null,
    deadlines: Object.values(c.deadlines ?? {}).map((d) => ({
      label: t.deadline[d.kind] ?? d.kind,
      dueAt: beijing(d.dueAt),
      warnAt: beijing(d.warnAt),
      state: d.breached ? 'breach' : d.pausedAt ? 'paused' : Date.parse(d.warnAt) <= now ? 'warn' : 'ok',
      word: d.breached
        ? t.inbox.breached
        : d.pausedAt
          ? t.case.paused
          : Date.parse(d.warnAt) <= now
            ? t.inbox.warn
            : t.inbox.ok,
      provisional: provisionalTip(t, ctx.lang, d.provisionalYears),
    })),
    timeline: (events.status === 200 ? events.body.items : []).map((e) => {
      const p = e.payload ?? {};
      if (e.type === 'deadlines_replanned')
        return {
          at: beijing(e.at),
          label: t.event[e.type] ?? e.type,
          actor: e.actor?.name ?? '',
          ...replannedDetail(p, t, ctx.lang, unitNames),
        };
      const detail = ['reason', 'text', 'note', 'result', 'to', 'place', 'fileName']
        .map((k) => p[k])
        .find((v) => typeof v === 'string') as string | undefined;
      return {
        at: beijing(e.at),
        label: t.event[e.type] ?? e.type,
        actor: e.actor?.name ?? '',
        detail: detail ?? null,
        moves: null,
      };
    }),
    documents: documentsOf(c).map((kind) => ({
      label: t.docs[kind] ?? kind,
      href: `/api/v1/disputes/${encodeURIComponent(c.id)}/documents/${kind}${ctx.lang === 'en' ? '?lang=en' : ''}`,
    })),
    done: opts.done ? `${t.case.done}：${t.action[opts.done] ?? opts.done}` : null,
    failed: opts.failed
      ? { action: t.action[opts.failed.action] ?? opts.failed.action, reason: opts.failed.reason }
      : null,
    actions: actions.map((a) => {
      const failedHere = opts.failed?.action === a;
      return {
        name: a,
        label: t.action[a] ?? a,
        open: failedHere,
        idem: randomUUID(),
        fields: renderFields(a, src, t, failedHere ? opts.failed!.values : {}, failedHere ? opts.failed!.errors : {}),
      };
    }),
  };
  const status = opts.failed ? (opts.failed.status >= 400 && opts.failed.status < 600 ? opts.failed.status : 400) : 200;
  // The case or the database out of reach for a moment: say when to try again, as the API does.
  if (status === 503) void reply.header('retry-after', '1');
  return reply.status(status).view('case.hbs', view);
}
