/**
 * The case page (GET /console/cases/{id}, and again after a refused action): parties, the signature
 * checklist and the agreement's status, deadlines, every document with print and PDF buttons, the
 * timeline, and exactly the actions the case allows now and the signed-in person may take, as forms
 * that call the API (console/cases.ts posts them). Assignee pickers offer only the units the API
 * would take (console/case-assignees.ts).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Dispute } from '../db/entities';
import { INTERNAL_ACTIONS, type Action } from '../domain/lifecycle';
import { mayAct } from '../domain/permissions';
import { actorOf } from '../api/plugins/auth';
import { LABELS } from '../templates/labels';
import { fill } from './i18n';
import { callApi, chrome, ok, type ConsoleContext } from './context';
import { ACTION_FORMS, renderFields, type FormBody, type OptionSources } from './forms';
import { meetingRemoteView } from './meeting-view';
import { performanceRows } from './performance-view';
import { partyWillText } from './voluntariness-forms';
import { riskReason, ROLE_LABEL, slaOf, STATE_WORD, type CaseDoc } from './case-view';
import { signingView } from './esign-view';
import { evidenceView } from './attachments-view';
import { noticesView } from './notices-view';
import { directoryUnits, unitChoices, type UnitChoice } from './case-assignees';
import { checklistActions, effectBanner, unsignedSigners, when } from './case-signing';
import { caseDocuments, type CaseDocsInput } from './case-documents';
import { deadlineRows, timelineRows, type CaseEvent } from './case-timeline';

/** 第一条, 第二条… (an ordinal says 二, never the count's 两). */
const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export interface RenderOptions {
  done?: Action;
  failed?: { action: Action; status: number; reason: string; values: FormBody; errors: Record<string, string> };
}

/** The action forms, with the pickers' choices narrowed to what the API takes and terms numbered from 1. */
function actionForms(
  actions: Action[],
  c: CaseDoc,
  src: OptionSources,
  pickers: { reassign: UnitChoice[]; decline: UnitChoice[] },
  ctx: ConsoleContext,
  failed: RenderOptions['failed'],
) {
  const { t } = ctx;
  const label = (u: UnitChoice) => ({ code: u.code, name: `${u.name}（${t.level[u.level] ?? u.level}）` });
  return actions.map((a) => {
    const failedHere = failed?.action === a;
    const units = (a === 'decline' ? pickers.decline : pickers.reassign).map(label);
    const fields = renderFields(
      a,
      { ...src, units },
      t,
      failedHere ? failed.values : {},
      failedHere ? failed.errors : {},
    ).map((f) => {
      const spec = ACTION_FORMS[a].find((s) => s.name === f.name);
      return {
        ...f,
        // Checkbox lists and terms carry no `required` attribute (it would demand every box): the ＊ still says so.
        marked: !!spec?.required,
        // The sign form names only who is still to sign (a mediator: several may, each once).
        options: a === 'sign' && f.name === 'signer' && f.options ? unsignedSigners(f.options, c) : f.options,
        // Numbered as the agreement prints them: 第一条, 第二条… (the field names keep their 0-based index).
        terms: f.terms
          ?.map((term) => ({
            ...term,
            n: term.i + 1,
            heading: fill(t.caseMore.termNo, {
              n: ctx.lang === 'zh-CN' ? (ORDINALS[term.i] ?? term.i + 1) : term.i + 1,
            }),
          }))
          .map((term) => ({
            ...term,
            textLabel: ctx.lang === 'zh-CN' ? `${term.heading}：${t.field.termText}` : term.heading,
          })),
      };
    });
    return { name: a, label: t.action[a] ?? a, open: failedHere, idem: randomUUID(), fields };
  });
}

export async function renderCase(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ConsoleContext,
  id: string,
  opts: RenderOptions,
) {
  const { t, lang } = ctx;
  const c = ok(
    await callApi<CaseDoc & CaseDocsInput>(app, request, ctx, 'GET', `/api/v1/disputes/${encodeURIComponent(id)}`),
  );
  const em = app.orm.em.fork();
  const [events, agencies, row, units] = await Promise.all([
    callApi<{ items: CaseEvent[] }>(app, request, ctx, 'GET', `/api/v1/disputes/${encodeURIComponent(id)}/events`),
    callApi<{ items: Array<{ code: string; name: string }> }>(app, request, ctx, 'GET', '/api/v1/agencies'),
    em.findOne(Dispute, { id }, { fields: ['unitCode', 'unitPath'] }),
    directoryUnits(app.orm.em.fork()),
  ]);
  // Exactly what the case allows now (the workflow's stage) and this person may do (role and area).
  const scope = {
    unitCode: row?.unitCode,
    unitPath: row?.unitPath,
    summoned: (c.meeting?.agencies ?? []).map((a) => a.code),
  };
  const actor = actorOf(ctx.user);
  const zh = lang === 'zh-CN';
  // The signature checklist; the seal only after every signature and never again (console/case-signing.ts).
  const signing = signingView(c, t, lang, request.query as Record<string, string | undefined>);
  const holding = { code: row?.unitCode, path: row?.unitPath };
  const pickers = {
    reassign: unitChoices('reassign', ctx.user, holding, units),
    decline: unitChoices('decline', ctx.user, holding, units),
  };
  const permitted = checklistActions(
    c.allowedActions.filter((a) => mayAct(actor, a, scope)),
    signing,
  )
    // Evidence (and a party's rating) have no generic form: the evidence block below takes files and links.
    .filter((a) => !INTERNAL_ACTIONS.includes(a))
    // A reassignment needs a unit to go to: with none the API would take, there is nothing to offer.
    .filter((a) => a !== 'reassign' || pickers.reassign.length > 0);
  const src: OptionSources = {
    parties: c.parties,
    agencies: agencies.status === 200 ? agencies.body.items : [],
    units: [],
    meetingAgencies: c.meeting?.agencies ?? [],
    roleLabel: (role: string) => (zh ? ROLE_LABEL[role]?.zh : ROLE_LABEL[role]?.en) ?? role,
  };
  const now = Date.now();
  const unitNames = new Map(units.map((u) => [u.code, u.name]));
  const holder =
    ctx.user.role === 'admin' ||
    ((ctx.user.role === 'mediator' || ctx.user.role === 'supervisor') &&
      !!ctx.user.unitPath &&
      !!row?.unitPath?.startsWith(ctx.user.unitPath));
  const view = {
    ...chrome(ctx, 'inbox', request),
    c: {
      id: c.id,
      caseNumber: c.caseNumber ?? '—',
      // 原案号: a street committee takes a community's case over under its own number (issue 21 item 1).
      priorCaseNumbers: c.priorCaseNumbers?.length ? c.priorCaseNumbers.join('、') : null,
      // A title of spaces would be an empty heading: the case number stands in.
      title: c.title.trim() || c.caseNumber || c.id,
      description: c.description,
      stageLabel: t.stage[c.stage] ?? c.stage,
      outcomeLabel: c.outcome ? (t.outcome[c.outcome] ?? c.outcome) : null,
      unitName: c.unit?.name ?? '—',
      levelLabel: c.level ? (t.level[c.level] ?? c.level) : '—',
      received: when(c.receivedAt, lang),
      receivedIso: c.receivedAt,
      channel: LABELS[zh ? 'zh-CN' : 'en'].channel[c.channel] ?? c.channel,
      highRisk: c.risk?.high ? c.risk.reasons.map((r) => riskReason(r, zh)).join('、') || t.case.highRisk : null,
      assignee: c.assignee?.name ?? null,
      suspended: c.suspended ? `${when(c.suspended.since, lang)} · ${c.suspended.reason}` : null,
      sla: (() => {
        const s = slaOf(c, t, now, lang);
        return { ...s, word: STATE_WORD(t, s.state) };
      })(),
      meeting: c.meeting
        ? {
            at: when(c.meeting.at, lang),
            place: c.meeting.place,
            agencies: c.meeting.agencies.map((a) => ({
              name: a.name,
              answer: a.answer === 'confirmed' ? '✔' : a.answer === 'declined' ? '✘' : '…',
            })),
            // Remote participation and who attended how (console/meeting-view.ts).
            ...meetingRemoteView(c, t, lang),
          }
        : null,
      agreementNumber: c.agreement?.number ?? null,
      // 人民调解法 Art. 31: each term's performance (console/performance-view.ts).
      performance: performanceRows(c, t),
    },
    // The case's evidence and, when this person may add some now, the upload and link forms (issue 22).
    evidence: await evidenceView(
      app,
      request,
      ctx,
      c.id,
      c.stage !== 'closed' && mayAct(actor, 'attach-evidence', scope),
    ),
    // The case's notices to people and how they were delivered (issue 22; console/notices-view.ts).
    notices: await noticesView(app, request, ctx, c.id, c.parties, {
      // Recording consent is for the staff who hold the case (the API decides; this only hides the form).
      mayRecord: c.stage !== 'closed' && holder && ctx.user.role !== 'admin',
      saved: (request.query as { contact?: string }).contact,
    }),
    signing,
    // 协议已生效 once the last signature or the seal made it so (the banner after the action).
    effect: effectBanner(c, t, lang, opts.done),
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
    deadlines: deadlineRows(c, t, lang, now),
    timeline: timelineRows(events.status === 200 ? events.body.items : [], t, lang, unitNames),
    documents: caseDocuments(c, t, lang, holder),
    done: opts.done ? `${t.case.done}：${t.action[opts.done] ?? opts.done}` : null,
    failed: opts.failed
      ? { action: t.action[opts.failed.action] ?? opts.failed.action, reason: opts.failed.reason }
      : null,
    actions: actionForms(permitted, c, src, pickers, ctx, opts.failed),
  };
  const status = opts.failed ? (opts.failed.status >= 400 && opts.failed.status < 600 ? opts.failed.status : 400) : 200;
  // The case or the database out of reach for a moment: say when to try again, as the API does.
  if (status === 503) void reply.header('retry-after', '1');
  return reply.status(status).view('case.hbs', view);
}
