/**
 * The inbox as a work queue (issue 24): the cases the signed-in person may see, most urgent first
 * (GET /api/v1/disputes?sort=urgency), with counts per stage and per deadline colour as links that
 * filter (GET /api/v1/disputes/counts), scopes (全部 / 我的案件 / 本单位 / 超期), search over open and
 * closed cases, the person's saved views (api/routes/saved-views.ts) and, with JavaScript, a notice
 * when a case of the list changes (console/static/inbox.js on GET /api/v1/disputes/changes).
 * Everything works without JavaScript: links and forms.
 */
import type { FastifyInstance } from 'fastify';
import { STAGES } from '../domain/lifecycle';
import { callApi, chrome, checkCsrf, ok, signedIn, type ConsoleContext } from './context';
import { fill } from './i18n';
import { slaOf, STATE_WORD, type CaseDoc } from './case-view';

const SCOPES = ['all', 'mine', 'unit', 'overdue'] as const;
const COLOURS = ['ok', 'warning', 'breached'] as const;
const SORTS = ['urgency', 'newest'] as const;
const NOTICES = ['saved', 'deleted'] as const;
const REFUSALS = ['name', 'duplicate', 'limit'] as const;
const MAX_VIEWS = 20;

/** The inbox's filters, as its query parameters say them (defaults left out of links). */
interface InboxFilters {
  stage: string;
  sla: string;
  scope: (typeof SCOPES)[number];
  q: string;
  sort: (typeof SORTS)[number];
}

const pick = <T extends string>(list: readonly T[], value: unknown, fallback: T): T =>
  list.includes(value as T) ? (value as T) : fallback;

function filtersOf(q: Record<string, unknown>): InboxFilters {
  return {
    stage: pick(STAGES, q.stage, '' as never) ?? '',
    sla: pick(COLOURS, q.sla, '' as never) ?? '',
    // The navigation's 超期案件 link says overdue=true.
    scope: q.overdue === 'true' ? 'overdue' : pick(SCOPES, q.scope, 'all'),
    q: typeof q.q === 'string' ? q.q.trim().slice(0, 100) : '',
    sort: pick(SORTS, q.sort, 'urgency'),
  };
}

/** The non-default filters as query parameters (for links, saved views and the API). */
function paramsOf(f: Partial<InboxFilters>): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.stage) out.stage = f.stage;
  if (f.sla) out.sla = f.sla;
  if (f.scope && f.scope !== 'all') out.scope = f.scope;
  if (f.q) out.q = f.q;
  if (f.sort && f.sort !== 'urgency') out.sort = f.sort;
  return out;
}

const hrefOf = (f: Partial<InboxFilters>): string => {
  const p = new URLSearchParams(paramsOf(f)).toString();
  return p ? `/console/inbox?${p}` : '/console/inbox';
};

/** The API's filters for the inbox's. */
function apiFilters(f: InboxFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.stage) p.set('stage', f.stage);
  if (f.sla) p.set('sla', f.sla);
  if (f.scope === 'mine' || f.scope === 'unit') p.set('scope', f.scope);
  if (f.scope === 'overdue') {
    p.set('overdue', 'true');
    p.set('open', 'true');
  }
  if (f.q) p.set('q', f.q);
  return p;
}

interface Counts {
  total: number;
  stage: Record<string, number>;
  sla: Record<string, number>;
}
interface View {
  id: string;
  name: string;
  filters: Partial<InboxFilters>;
}

export default async function inboxPages(app: FastifyInstance): Promise<void> {
  app.get('/console/inbox', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const { t } = ctx;
    const q = request.query as Record<string, unknown>;
    const f = filtersOf(q);
    const cursor = typeof q.cursor === 'string' && /^[A-Za-z0-9_.-]{1,200}$/.test(q.cursor) ? q.cursor : '';
    const list = apiFilters(f);
    list.set('sort', f.sort);
    list.set('limit', '25');
    if (cursor) list.set('cursor', cursor);
    const [page, counts, views] = await Promise.all([
      callApi<{ items: CaseDoc[]; nextCursor?: string }>(app, request, ctx, 'GET', `/api/v1/disputes?${list}`),
      callApi<Counts>(app, request, ctx, 'GET', `/api/v1/disputes/counts?${apiFilters(f)}`),
      callApi<{ items: View[] }>(app, request, ctx, 'GET', '/api/v1/saved-views'),
    ]);
    const { items, nextCursor } = ok(page);
    const now = Date.now();
    const rows = items.map((c) => {
      const sla = slaOf(c, t, now, ctx.lang);
      return {
        id: c.id,
        caseNumber: c.caseNumber ?? '—',
        // A title of spaces still makes a link one can click.
        title: (c.title ?? '').trim() || t.inbox.untitled,
        highRisk: !!c.risk?.high,
        stageLabel:
          c.stage === 'closed' && c.outcome
            ? `${t.stage.closed}（${t.outcome[c.outcome] ?? c.outcome}）`
            : (t.stage[c.stage] ?? c.stage),
        unitName: c.unit?.name ?? '—',
        sla: { ...sla, word: STATE_WORD(t, sla.state) },
      };
    });
    const title = {
      all: t.inbox.title,
      mine: t.inbox.mineTitle,
      unit: t.inbox.unitTitle,
      overdue: t.inbox.overdueTitle,
    }[f.scope];
    const notice = pick(NOTICES, q.notice, '' as never);
    const refused = pick(REFUSALS, q.refused, '' as never);
    return reply.view('inbox.hbs', {
      ...chrome(ctx, f.scope === 'overdue' ? 'overdue' : 'inbox', request),
      title,
      scopes: SCOPES.map((s) => ({
        label: {
          all: t.inbox.scopeAll,
          mine: t.inbox.scopeMine,
          unit: t.inbox.scopeUnit,
          overdue: t.inbox.scopeOverdue,
        }[s],
        href: hrefOf({ ...f, scope: s, sla: s === 'overdue' ? '' : f.sla }),
        current: s === f.scope,
      })),
      counts: countLinks(ctx, f, counts.status === 200 ? counts.body : undefined),
      filters: {
        q: f.q,
        sort: SORTS.map((s) => ({
          value: s,
          label: s === 'urgency' ? t.inbox.sortUrgency : t.inbox.sortNewest,
          selected: s === f.sort,
        })),
        stages: [
          { value: '', label: t.inbox.all, selected: !f.stage },
          ...STAGES.map((s) => ({ value: s, label: t.stage[s] ?? s, selected: s === f.stage })),
        ],
        hidden: Object.entries(paramsOf({ scope: f.scope, sla: f.sla })).map(([name, value]) => ({ name, value })),
        saved: Object.entries(paramsOf(f)).map(([name, value]) => ({ name, value })),
      },
      caption: f.sort === 'urgency' ? t.inbox.listCaption : t.inbox.listCaptionNewest,
      rows,
      nextHref: nextCursor ? `${hrefOf(f)}${hrefOf(f).includes('?') ? '&' : '?'}cursor=${nextCursor}` : null,
      views: (views.status === 200 ? views.body.items : []).map((v) => ({
        id: v.id,
        name: v.name,
        href: hrefOf(v.filters),
        deleteLabel: fill(t.inbox.deleteViewOf, { name: v.name }),
      })),
      notice: notice ? { saved: t.inbox.viewSaved, deleted: t.inbox.viewDeleted }[notice] : null,
      refused: refused
        ? fill(t.inbox.viewRefused, {
            reason: {
              name: t.inbox.viewNameMissing,
              duplicate: t.inbox.viewDuplicate,
              limit: fill(t.inbox.viewLimit, { max: MAX_VIEWS }),
            }[refused],
          })
        : null,
    });
  });

  // Save the current filters under a name (the form carries them as hidden fields).
  app.post('/console/inbox/views', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const form = (request.body ?? {}) as Record<string, unknown>;
    checkCsrf(ctx, form);
    const f = filtersOf(form);
    const back = (extra: string) => `${hrefOf(f)}${hrefOf(f).includes('?') ? '&' : '?'}${extra}`;
    const name = typeof form.name === 'string' ? form.name.trim() : '';
    if (!name || name.length > 40) return reply.redirect(back('refused=name'), 303);
    const answer = await callApi(app, request, ctx, 'POST', '/api/v1/saved-views', {
      name,
      filters: paramsOf(f),
    });
    if (answer.status === 201) return reply.redirect(back('notice=saved'), 303);
    if (answer.status === 409) {
      const limit = /最多保存/.test(String((answer.body as { detail?: string })?.detail));
      return reply.redirect(back(`refused=${limit ? 'limit' : 'duplicate'}`), 303);
    }
    if (answer.status === 400) return reply.redirect(back('refused=name'), 303);
    ok(answer);
    return reply;
  });

  app.post('/console/inbox/views/:id/delete', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    checkCsrf(ctx, request.body);
    const id = (request.params as { id: string }).id;
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) return reply.callNotFound();
    ok(await callApi(app, request, ctx, 'DELETE', `/api/v1/saved-views/${encodeURIComponent(id)}`));
    return reply.redirect('/console/inbox?notice=deleted', 303);
  });
}

/** The counts above the list, each a link to the list filtered by it (keeping the other filters). */
function countLinks(ctx: ConsoleContext, f: InboxFilters, counts: Counts | undefined) {
  if (!counts) return null;
  const { t } = ctx;
  const link = (label: string, n: number, over: Partial<InboxFilters>, current: boolean) => ({
    label,
    n,
    href: hrefOf({ ...f, ...over }),
    current,
    aria: fill(t.inbox.countOf, { label, n }),
  });
  const stageTotal = Object.values(counts.stage).reduce((a, b) => a + b, 0);
  return {
    stages: [
      link(t.inbox.all, stageTotal, { stage: '' }, !f.stage),
      ...STAGES.filter((s) => counts.stage[s] || s === f.stage).map((s) =>
        link(t.stage[s] ?? s, counts.stage[s] ?? 0, { stage: s }, s === f.stage),
      ),
    ],
    sla: [
      link(t.inbox.all, counts.total, { sla: '' }, !f.sla),
      link(t.inbox.slaBreached, counts.sla.breached ?? 0, { sla: 'breached' }, f.sla === 'breached'),
      link(t.inbox.slaWarning, counts.sla.warning ?? 0, { sla: 'warning' }, f.sla === 'warning'),
      link(t.inbox.slaOk, counts.sla.ok ?? 0, { sla: 'ok' }, f.sla === 'ok'),
    ],
  };
}
