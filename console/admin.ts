/**
 * The administrator's page: the directory (units, agencies), SLA policies, API keys, users, the
 * high-risk keywords and the Safety Index weights. Every form calls the admin API; a refusal shows the
 * API's reason and keeps what was typed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STAFF_ROLES } from '../db/entities/user.entity';
import { LEVELS } from '../domain/lifecycle';
import { WEIGHT_KEYS } from '../domain/safety-index';
import { AppError } from '../api/errors';
import { fill } from './i18n';
import adminConfirmPages, { adminOnly, confirmed, DESTRUCTIVE, renderConfirm } from './admin-confirm';
import adminSlaPages, { slaRows } from './admin-sla';
import adminUserPages, { userRefusal } from './admin-users';
import {
  beijing,
  callApi,
  chrome,
  checkCsrf,
  ok,
  reasonOf,
  signedIn,
  type ApiAnswer,
  type ConsoleContext,
} from './context';

type Form = Record<string, string | string[] | undefined>;
const s = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
const opt = (v: string | string[] | undefined): string | undefined => s(v) || undefined;
const num = (v: string | string[] | undefined): number => (s(v) === '' ? NaN : Number(s(v)));

/** Each admin form: the API call it makes. */
const OPS: Record<string, (form: Form) => { method: 'POST' | 'PUT' | 'PATCH'; url: string; body: unknown }> = {
  'unit-add': (f) => ({
    method: 'POST',
    url: '/api/v1/admin/units',
    body: {
      code: s(f.code),
      level: s(f.level),
      parentCode: opt(f.parentCode),
      name: s(f.name),
      population: num(f.population),
      committeeShort: s(f.committeeShort),
    },
  }),
  'agency-put': (f) => ({
    method: 'PUT',
    url: `/api/v1/admin/agencies/${encodeURIComponent(s(f.code))}`,
    body: { name: s(f.name) },
  }),
  'key-add': (f) => ({
    method: 'POST',
    url: '/api/v1/admin/api-keys',
    body: {
      name: s(f.name),
      areaCode: opt(f.areaCode),
      // Actions come with an area only; read-only unless the admin says otherwise.
      ...(opt(f.areaCode) ? { areaActions: s(f.areaActions) === 'true' } : {}),
    },
  }),
  'key-revoke': (f) => ({
    method: 'POST',
    url: `/api/v1/admin/api-keys/${encodeURIComponent(s(f.id))}/revoke`,
    body: {},
  }),
  'user-add': (f) => ({
    method: 'POST',
    url: '/api/v1/admin/users',
    body: {
      username: s(f.username),
      password: s(f.password),
      displayName: s(f.displayName),
      role: s(f.role),
      unitCode: opt(f.unitCode),
      agencyCode: opt(f.agencyCode),
    },
  }),
  'user-active': (f) => ({
    method: 'PATCH',
    url: `/api/v1/admin/users/${encodeURIComponent(s(f.id))}`,
    body: { active: s(f.active) === 'true' },
  }),
  // 人民调解法 Art. 8, 29: the committee's 主任 authorises a member to affix its seal; the admin records it.
  'user-seal': (f) => ({
    method: 'PATCH',
    url: `/api/v1/admin/users/${encodeURIComponent(s(f.id))}`,
    body: { sealAuthorised: s(f.sealAuthorised) === 'true' },
  }),
  'user-unlock': (f) => ({
    method: 'POST',
    url: `/api/v1/admin/users/${encodeURIComponent(s(f.id))}/unlock`,
    body: {},
  }),
  keywords: (f) => ({
    method: 'PUT',
    url: '/api/v1/admin/risk-keywords',
    body: {
      items: [
        ...new Set(
          s(f.items)
            .split(/[\s,，、]+/)
            .filter(Boolean),
        ),
      ],
    },
  }),
  weights: (f) => ({
    method: 'PUT',
    url: '/api/v1/admin/safety-index/weights',
    body: Object.fromEntries(WEIGHT_KEYS.map((k) => [k, num(f[k])])),
  }),
};

const WEIGHT_LABELS: Record<string, { zh: string; en: string }> = {
  onTimeAcceptance: { zh: '按时受理率', en: 'On-time acceptance' },
  onTimeResolution: { zh: '按时办结率', en: 'On-time resolution' },
  successRate: { zh: '调解成功率', en: 'Success rate' },
  retention: { zh: '就地化解率', en: 'Settled locally' },
  satisfaction: { zh: '当事人满意度（当事人本人评价）', en: 'Satisfaction (the parties’ own ratings)' },
  lowReopen: { zh: '低反复率', en: 'Low reopen rate' },
  lowIncidence: { zh: '低发案率', en: 'Low incidence' },
};

export default async function adminPages(app: FastifyInstance): Promise<void> {
  await app.register(adminConfirmPages);
  await app.register(adminUserPages);
  await app.register(adminSlaPages);

  app.get('/console/admin', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    adminOnly(ctx);
    const q = request.query as Record<string, string | undefined>;
    return renderAdmin(app, request, reply, ctx, {
      saved: q.saved && Object.hasOwn(OPS, q.saved) ? q.saved : undefined,
    });
  });

  app.post('/console/admin/:op', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const form = (request.body ?? {}) as Form;
    checkCsrf(ctx, form);
    adminOnly(ctx);
    const op = (request.params as { op: string }).op;
    // Own entries only: `__proto__`, `constructor`, `toString` … are no forms (they were a 500).
    const make = Object.hasOwn(OPS, op) ? OPS[op] : undefined;
    if (!make) throw new AppError('not_found', ctx.t.admin.noForm);
    // A destructive form goes ahead only from its confirmation page (an old form replayed is refused).
    if (Object.hasOwn(DESTRUCTIVE, op) && DESTRUCTIVE[op]!.needs(form) && !confirmed(form))
      return renderConfirm(app, request, reply, ctx, op, form, true);
    const call = make(form);
    const answer = await callApi<{ key?: string }>(app, request, ctx, call.method, call.url, call.body);
    if (answer.status >= 200 && answer.status < 300) {
      // A new key is shown once, on this answer, and never again.
      if (op === 'key-add' && answer.body.key)
        return renderAdmin(app, request, reply, ctx, { saved: op, newKey: answer.body.key });
      // From a user's page, back to it.
      if (s(form.back) === 'user' && s(form.id))
        return reply.redirect(`/console/admin/users/${encodeURIComponent(s(form.id))}?saved=${op}`, 303);
      return reply.redirect(`/console/admin?saved=${op}#${op.split('-')[0]}`, 303);
    }
    return renderAdmin(app, request, reply, ctx, { failed: { op, answer, values: form } });
  });
}

async function renderAdmin(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ConsoleContext,
  opts: { saved?: string; newKey?: string; failed?: { op: string; answer: ApiAnswer<unknown>; values: Form } },
) {
  adminOnly(ctx);
  const { t } = ctx;
  const zh = ctx.lang === 'zh-CN';
  type Row = Record<string, unknown>;
  const get = (url: string) => callApi<{ items: Row[] } & Row>(app, request, ctx, 'GET', url);
  const [units, agencies, sla, keys, users, keywords, weights] = await Promise.all([
    get('/api/v1/units'),
    get('/api/v1/agencies'),
    get('/api/v1/admin/sla-policies'),
    get('/api/v1/admin/api-keys'),
    get('/api/v1/admin/users'),
    get('/api/v1/admin/risk-keywords'),
    get('/api/v1/admin/safety-index/weights'),
  ]);
  const unitName = new Map(ok(units).items.map((u) => [u.code as string, u.name as string]));
  const agencyName = new Map(ok(agencies).items.map((a) => [a.code as string, a.name as string]));
  const v = opts.failed?.values ?? {};
  const failedOp = opts.failed?.op;
  const val = (op: string, name: string) => (failedOp === op ? s(v[name]) : '');
  const status = opts.failed
    ? opts.failed.answer.status >= 400 && opts.failed.answer.status < 600
      ? opts.failed.answer.status
      : 400
    : 200;
  return reply.status(status).view('admin.hbs', {
    ...chrome(ctx, 'admin', request),
    saved: opts.saved ? t.admin.saved : null,
    newKey: opts.newKey ?? null,
    // A refusal of a user form in the person's words (the self and last-admin rules); others as the API says.
    error: opts.failed
      ? opts.failed.op.startsWith('user-')
        ? userRefusal(opts.failed.answer, ctx)
        : reasonOf(opts.failed.answer, ctx.lang)
      : null,
    units: ok(units).items.map((u) => ({
      code: u.code,
      name: u.name,
      levelLabel: t.level[u.level as string] ?? u.level,
      parent: u.parentCode ? (unitName.get(u.parentCode as string) ?? u.parentCode) : '—',
      population: u.population,
    })),
    unitForm: {
      code: val('unit-add', 'code'),
      name: val('unit-add', 'name'),
      population: val('unit-add', 'population'),
      committeeShort: val('unit-add', 'committeeShort'),
      levels: LEVELS.map((l) => ({ value: l, label: t.level[l] ?? l, selected: val('unit-add', 'level') === l })),
      parents: ok(units).items.map((u) => ({
        value: u.code,
        label: u.name,
        selected: val('unit-add', 'parentCode') === u.code,
      })),
    },
    agencies: ok(agencies).items,
    sla: slaRows(ok(sla).items, ctx),
    keys: ok(keys).items.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      area: k.areaCode
        ? `${unitName.get(k.areaCode as string) ?? k.areaCode}（${k.areaActions ? t.admin.areaMayAct : t.admin.areaReadOnly}）`
        : '—',
      lastUsed: beijing(k.lastUsedAt as string | undefined, ctx.lang),
      confirmHref: `/console/admin/key-revoke/confirm?id=${encodeURIComponent(k.id as string)}`,
      revoked: k.revokedAt ? beijing(k.revokedAt as string, ctx.lang) : null,
    })),
    keyForm: { name: val('key-add', 'name') },
    areas: ok(units).items.map((u) => ({ value: u.code, label: u.name })),
    users: ok(users).items.map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      roleLabel: t.role[u.role as string] ?? u.role,
      place: u.unitCode
        ? (unitName.get(u.unitCode as string) ?? u.unitCode)
        : u.agencyCode
          ? (agencyName.get(u.agencyCode as string) ?? u.agencyCode)
          : '—',
      active: u.active === true,
      href: `/console/admin/users/${encodeURIComponent(u.id as string)}`,
      deactivateHref: `/console/admin/user-active/confirm?id=${encodeURIComponent(u.id as string)}&active=false`,
      sealWithdrawHref: `/console/admin/user-seal/confirm?id=${encodeURIComponent(u.id as string)}&sealAuthorised=false`,
      mediator: u.role === 'mediator',
      sealAuthorised: u.sealAuthorised === true,
      self: u.id === ctx.user.id,
      locked: u.lockedUntil ? fill(t.admin.lockedUntil, { until: beijing(u.lockedUntil as string, ctx.lang) }) : null,
    })),
    userForm: {
      username: val('user-add', 'username'),
      displayName: val('user-add', 'displayName'),
      roles: STAFF_ROLES.map((r) => ({ value: r, label: t.role[r] ?? r, selected: val('user-add', 'role') === r })),
      units: ok(units).items.map((u) => ({
        value: u.code,
        label: u.name,
        selected: val('user-add', 'unitCode') === u.code,
      })),
      agencies: ok(agencies).items.map((a) => ({
        value: a.code,
        label: a.name,
        selected: val('user-add', 'agencyCode') === a.code,
      })),
    },
    keywords: failedOp === 'keywords' ? s(v.items) : (ok(keywords).items as unknown as string[]).join('、'),
    weights: WEIGHT_KEYS.map((k) => ({
      key: k,
      label: zh ? WEIGHT_LABELS[k]!.zh : WEIGHT_LABELS[k]!.en,
      value: failedOp === 'weights' ? s(v[k]) : String(ok(weights)[k]),
    })),
  });
}
