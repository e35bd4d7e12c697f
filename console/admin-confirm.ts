/**
 * Confirmation before a destructive admin action. Without JavaScript: the action's button is a link to
 * GET /console/admin/{op}/confirm?id=…, a page that says what will happen with 确认… and 取消; its form
 * posts the action with `confirm=yes` and the session's CSRF token. A post without `confirm=yes` (an
 * old form replayed, a forged one) does nothing: the confirmation page again, saying why (400).
 *
 * Destructive here: revoking an API key, deactivating a user, withdrawing a seal authorisation,
 * deleting an SLA policy. (A password reset is confirmed inside its own form: see admin-users.ts.)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../api/errors';
import { formatDuration } from './admin-durations';
import { callApi, chrome, ok, signedIn, type ConsoleContext } from './context';
import type { ConsoleDict, ConsoleLang } from './i18n';
import { LABELS } from '../templates/labels';

export type Form = Record<string, string | string[] | undefined>;
export const field = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();

/** Every admin page and form: administrators only (403 for everyone else, before anything is read). */
export function adminOnly(ctx: ConsoleContext): void {
  if (ctx.user.role !== 'admin') throw new AppError('forbidden', ctx.t.admin.adminsOnly);
}

/** The form carries the confirmation page's `confirm=yes`. */
export const confirmed = (form: Form): boolean => field(form.confirm) === 'yes';

type Row = Record<string, unknown>;

interface ConfirmSpec {
  title: string;
  warning: string;
  subject: string;
  confirmLabel: string;
  /** Where the confirmed form posts. */
  action: string;
  /** The hidden fields it carries (besides _csrf and confirm). */
  fields: Record<string, string>;
  cancel: string;
}

interface Destructive {
  /** Whether this form (with these fields) destroys something: only then is a confirmation needed. */
  needs(form: Form): boolean;
  spec(list: (url: string) => Promise<Row[]>, form: Form, t: ConsoleDict, lang: ConsoleLang): Promise<ConfirmSpec>;
}

/** The user page when the form came from it, else the admin page's user list. */
const userBack = (form: Form): string =>
  field(form.back) === 'user' ? `/console/admin/users/${encodeURIComponent(field(form.id))}` : '/console/admin#user';

async function userOf(list: (url: string) => Promise<Row[]>, form: Form, t: ConsoleDict): Promise<string> {
  const user = (await list('/api/v1/admin/users')).find((u) => u.id === field(form.id));
  if (!user) throw new AppError('not_found', t.admin.notFound);
  return `${String(user.displayName)}（${String(user.username)}）`;
}

/** A policy in words: its scope and its durations. */
export function policyScope(p: Row, t: ConsoleDict, lang: ConsoleLang): string {
  const w = t.adminSla;
  const category =
    p.category === '*' ? w.anyCategory : (LABELS[lang].category[p.category as string] ?? String(p.category));
  const priority = p.priority === '*' ? w.anyPriority : p.priority === 'urgent' ? w.urgent : w.normal;
  const level = p.level === '*' ? w.anyLevel : (t.level[p.level as string] ?? String(p.level));
  return `${category} / ${priority} / ${level}`;
}

/** A policy in words: its scope and its first two durations. */
export function policyLabel(p: Row, t: ConsoleDict, lang: ConsoleLang): string {
  const w = t.adminSla;
  const cal = String(p.calendar);
  const accept = formatDuration(Number(p.acceptSeconds), cal, lang);
  const handling = formatDuration(Number(p.handlingSeconds), cal, lang);
  return `${policyScope(p, t, lang)}：${w.accept} ${accept}，${w.handling} ${handling}`;
}

export const DESTRUCTIVE: Record<string, Destructive> = {
  'key-revoke': {
    needs: () => true,
    async spec(list, form, t) {
      const key = (await list('/api/v1/admin/api-keys')).find((k) => k.id === field(form.id));
      if (!key) throw new AppError('not_found', t.admin.notFound);
      return {
        title: t.admin.revokeTitle,
        warning: t.admin.revokeWarning,
        subject: `${String(key.name)}（${String(key.prefix)}…）`,
        confirmLabel: t.admin.revokeConfirm,
        action: '/console/admin/key-revoke',
        fields: { id: field(form.id) },
        cancel: '/console/admin#key',
      };
    },
  },
  'user-active': {
    needs: (form) => field(form.active) === 'false',
    async spec(list, form, t) {
      return {
        title: t.admin.deactivateTitle,
        warning: t.admin.deactivateWarning,
        subject: await userOf(list, form, t),
        confirmLabel: t.admin.deactivateConfirm,
        action: '/console/admin/user-active',
        fields: { id: field(form.id), active: 'false', back: field(form.back) === 'user' ? 'user' : '' },
        cancel: userBack(form),
      };
    },
  },
  'user-seal': {
    needs: (form) => field(form.sealAuthorised) === 'false',
    async spec(list, form, t) {
      return {
        title: t.admin.sealWithdraw,
        warning: t.admin.sealWithdrawWarning,
        subject: await userOf(list, form, t),
        confirmLabel: t.admin.sealWithdrawConfirm,
        action: '/console/admin/user-seal',
        fields: { id: field(form.id), sealAuthorised: 'false', back: field(form.back) === 'user' ? 'user' : '' },
        cancel: userBack(form),
      };
    },
  },
  'sla-delete': {
    needs: () => true,
    async spec(list, form, t, lang) {
      const policy = (await list('/api/v1/admin/sla-policies')).find((p) => String(p.id) === field(form.id));
      if (!policy) throw new AppError('not_found', t.admin.notFound);
      return {
        title: t.admin.slaDeleteTitle,
        warning: t.admin.slaDeleteWarning,
        subject: policyLabel(policy, t, lang),
        confirmLabel: t.admin.slaDeleteConfirm,
        action: '/console/admin/sla/delete',
        fields: { id: field(form.id) },
        cancel: '/console/admin/sla',
      };
    },
  },
};

/** The confirmation page of `op` for this form; with `refused`, the 400 of a post that lacked `confirm=yes`. */
export async function renderConfirm(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ConsoleContext,
  op: string,
  form: Form,
  refused = false,
) {
  const destructive = Object.hasOwn(DESTRUCTIVE, op) ? DESTRUCTIVE[op] : undefined;
  if (!destructive) throw new AppError('not_found', ctx.t.admin.noForm);
  const list = async (url: string) => ok(await callApi<{ items: Row[] }>(app, request, ctx, 'GET', url)).items;
  const spec = await destructive.spec(list, form, ctx.t, ctx.lang);
  return reply.status(refused ? 400 : 200).view('admin-confirm.hbs', {
    ...chrome(ctx, 'admin', request),
    ...spec,
    fields: Object.entries(spec.fields)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => ({ name, value })),
    error: refused ? ctx.t.admin.confirmNeeded : null,
  });
}

export default async function adminConfirmPages(app: FastifyInstance): Promise<void> {
  app.get('/console/admin/:op/confirm', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    adminOnly(ctx);
    const op = (request.params as { op: string }).op;
    return renderConfirm(app, request, reply, ctx, op, request.query as Form);
  });
}
