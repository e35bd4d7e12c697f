/**
 * A staff account's page (/console/admin/users/{id}): its name, role, unit or agency and mobile edited
 * through PATCH /api/v1/admin/users/{id}; its password reset by the admin (generated and shown once, or
 * typed twice; the API's strength rule, PASSWORD_LENGTH), which ends the user's sessions; deactivating
 * (with a confirmation, admin-confirm.ts), unlocking and the seal authorisation. The console checks
 * what it can in the person's words first — the unit exists, the role is valid, no admin deactivates or
 * demotes themself or the last active admin — and the API checks the same again.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STAFF_ROLES } from '../db/entities/user.entity';
import { AppError } from '../api/errors';
import { PASSWORD_LENGTH } from '../api/routes/admin-access';
import { adminOnly, field, type Form } from './admin-confirm';
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
import { fill } from './i18n';

type Row = Record<string, unknown>;
const PHONE = /^(\+86)?1[3-9][0-9]{9}$/;
const UNIT_ROLES = ['mediator', 'supervisor', 'grid_worker'];

interface Directory {
  users: Row[];
  units: Row[];
  agencies: Row[];
}

async function directory(app: FastifyInstance, request: FastifyRequest, ctx: ConsoleContext): Promise<Directory> {
  const get = async (url: string) => ok(await callApi<{ items: Row[] }>(app, request, ctx, 'GET', url)).items;
  const [users, units, agencies] = await Promise.all([
    get('/api/v1/admin/users'),
    get('/api/v1/units'),
    get('/api/v1/agencies'),
  ]);
  return { users, units, agencies };
}

function userOf(dir: Directory, id: string, ctx: ConsoleContext): Row {
  const user = dir.users.find((u) => u.id === id);
  if (!user) throw new AppError('not_found', ctx.t.admin.notFound);
  return user;
}

/** The edit form's changes as a PATCH body (only what changed: an unchanged role ends no session), or why not. */
export function userChanges(
  user: Row,
  form: Form,
  dir: Directory,
  ctx: ConsoleContext,
): { body?: Row; errors: string[] } {
  const w = ctx.t.adminUser;
  const errors: string[] = [];
  const displayName = field(form.displayName);
  const role = field(form.role);
  const unitCode = field(form.unitCode);
  const agencyCode = field(form.agencyCode);
  const phone = field(form.phone).replace(/[\s-]/g, '');
  if (!displayName || displayName.length > 128) errors.push(w.nameNeeded);
  if (!(STAFF_ROLES as readonly string[]).includes(role)) errors.push(w.roleInvalid);
  if (UNIT_ROLES.includes(role) && !dir.units.some((u) => u.code === unitCode)) errors.push(w.unitNeeded);
  if (role === 'agency_rep' && !dir.agencies.some((a) => a.code === agencyCode)) errors.push(w.agencyNeeded);
  if (role === 'admin' && unitCode && !dir.units.some((u) => u.code === unitCode)) errors.push(w.unitNeeded);
  if (phone && !PHONE.test(phone)) errors.push(w.phoneInvalid);
  if (!phone && user.phone && user.smsAlerts) errors.push(w.smsNeedsPhone);
  if (user.role === 'admin' && user.active && role !== 'admin') {
    if (user.id === ctx.user.id) errors.push(w.self);
    else if (!dir.users.some((u) => u.id !== user.id && u.role === 'admin' && u.active)) errors.push(w.lastAdmin);
  }
  if (errors.length) return { errors };
  const body: Row = {};
  if (displayName !== user.displayName) body.displayName = displayName;
  if (role !== user.role) body.role = role;
  if (role !== 'agency_rep' && unitCode && unitCode !== user.unitCode) body.unitCode = unitCode;
  if (role === 'agency_rep' && agencyCode !== user.agencyCode) body.agencyCode = agencyCode;
  if (phone !== (user.phone ?? '')) body.phone = phone || null;
  return { body, errors };
}

/** The API's refusal of a user form, in the person's words where it is one we know. */
export function userRefusal(answer: ApiAnswer<unknown>, ctx: ConsoleContext): string {
  const w = ctx.t.adminUser;
  const p = (answer.body ?? {}) as { detail?: string; errors?: Array<{ field?: string }> };
  const detail = p.detail ?? '';
  const fields = (p.errors ?? []).map((e) => e.field);
  if (answer.status === 404) return ctx.t.admin.notFound;
  if (answer.status === 409 && /themself/.test(detail)) return w.self;
  if (answer.status === 409 && /last active admin/.test(detail)) return w.lastAdmin;
  if (fields.includes('body/unitCode')) return w.unitNeeded;
  if (fields.includes('body/agencyCode')) return w.agencyNeeded;
  if (fields.includes('body/phone')) return w.phoneInvalid;
  if (/SMS alerts need a phone/.test(detail)) return w.smsNeedsPhone;
  return fill(w.refused, { reason: reasonOf(answer, ctx.lang) });
}

/** A typed-twice new password against the API's rule, or the generated one; or why not. */
export function newPassword(
  form: Form,
  ctx: ConsoleContext,
  self: boolean,
): { password?: string; generated: boolean; errors: string[] } {
  const w = ctx.t.adminUser;
  if (field(form.ack) !== 'yes') return { generated: false, errors: [w.ackMissing] };
  // One's own session ends with the reset: a generated password could not be shown.
  if (self && field(form.mode) !== 'typed') return { generated: false, errors: [w.selfTyped] };
  if (field(form.mode) !== 'typed')
    return { password: randomBytes(12).toString('base64url'), generated: true, errors: [] };
  // Not trimmed: a password is what was typed.
  const one = typeof form.password === 'string' ? form.password : '';
  const two = typeof form.password2 === 'string' ? form.password2 : '';
  const errors: string[] = [];
  if (one.length < PASSWORD_LENGTH.min) errors.push(fill(w.tooShort, { min: PASSWORD_LENGTH.min }));
  if (one.length > PASSWORD_LENGTH.max) errors.push(fill(w.tooLong, { max: PASSWORD_LENGTH.max }));
  if (one !== two) errors.push(w.mismatch);
  return errors.length ? { generated: false, errors } : { password: one, generated: false, errors };
}

async function renderUser(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ConsoleContext,
  id: string,
  opts: { saved?: string | null; errors?: string[]; values?: Form; generated?: string; status?: number } = {},
) {
  const { t } = ctx;
  const dir = await directory(app, request, ctx);
  const user = userOf(dir, id, ctx);
  const v = opts.values;
  const val = (k: string, current: unknown): string => (v ? field(v[k]) : String(current ?? ''));
  const role = val('role', user.role);
  const enc = encodeURIComponent(id);
  return reply.status(opts.status ?? (opts.errors?.length ? 400 : 200)).view('admin-user.hbs', {
    ...chrome(ctx, 'admin', request),
    title: fill(t.adminUser.title, { name: String(user.displayName) }),
    saved: opts.saved ?? null,
    errors: opts.errors?.length ? opts.errors : null,
    generated: opts.generated ?? null,
    account: {
      id,
      username: user.username,
      statusLabel: user.active ? t.admin.statusActive : t.admin.statusInactive,
      active: user.active === true,
      self: id === ctx.user.id,
      locked: user.lockedUntil
        ? fill(t.admin.lockedUntil, { until: beijing(user.lockedUntil as string, ctx.lang) })
        : null,
      mediator: user.role === 'mediator',
      sealAuthorised: user.sealAuthorised === true,
      deactivateHref: `/console/admin/user-active/confirm?id=${enc}&active=false&back=user`,
      sealWithdrawHref: `/console/admin/user-seal/confirm?id=${enc}&sealAuthorised=false&back=user`,
    },
    form: {
      action: `/console/admin/users/${enc}`,
      passwordAction: `/console/admin/users/${enc}/password`,
      displayName: val('displayName', user.displayName),
      phone: val('phone', user.phone),
      roles: STAFF_ROLES.map((r) => ({ value: r, label: t.role[r] ?? r, selected: role === r })),
      units: dir.units.map((u) => ({
        value: u.code,
        label: u.name,
        selected: val('unitCode', user.unitCode) === u.code,
      })),
      agencies: dir.agencies.map((a) => ({
        value: a.code,
        label: a.name,
        selected: val('agencyCode', user.agencyCode) === a.code,
      })),
      rule: fill(t.adminUser.rule, { min: PASSWORD_LENGTH.min }),
      min: PASSWORD_LENGTH.min,
      max: PASSWORD_LENGTH.max,
    },
  });
}

export default async function adminUserPages(app: FastifyInstance): Promise<void> {
  app.get('/console/admin/users/:id', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    adminOnly(ctx);
    const saved = (request.query as { saved?: string }).saved;
    return renderUser(app, request, reply, ctx, (request.params as { id: string }).id, {
      saved: saved === 'edit' ? ctx.t.adminUser.saved : saved ? ctx.t.admin.saved : null,
    });
  });

  app.post('/console/admin/users/:id', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const form = (request.body ?? {}) as Form;
    checkCsrf(ctx, form);
    adminOnly(ctx);
    const id = (request.params as { id: string }).id;
    const dir = await directory(app, request, ctx);
    const { body, errors } = userChanges(userOf(dir, id, ctx), form, dir, ctx);
    if (!body) return renderUser(app, request, reply, ctx, id, { errors, values: form });
    if (Object.keys(body).length) {
      const answer = await callApi(app, request, ctx, 'PATCH', `/api/v1/admin/users/${encodeURIComponent(id)}`, body);
      if (answer.status !== 200)
        return renderUser(app, request, reply, ctx, id, {
          errors: [userRefusal(answer, ctx)],
          values: form,
          status: answer.status >= 400 && answer.status < 500 ? answer.status : 400,
        });
    }
    return reply.redirect(`/console/admin/users/${encodeURIComponent(id)}?saved=edit`, 303);
  });

  app.post('/console/admin/users/:id/password', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const form = (request.body ?? {}) as Form;
    checkCsrf(ctx, form);
    adminOnly(ctx);
    const id = (request.params as { id: string }).id;
    const self = id === ctx.user.id;
    const { password, generated, errors } = newPassword(form, ctx, self);
    if (!password) return renderUser(app, request, reply, ctx, id, { errors });
    const answer = await callApi(app, request, ctx, 'PATCH', `/api/v1/admin/users/${encodeURIComponent(id)}`, {
      password,
    });
    if (answer.status !== 200) return renderUser(app, request, reply, ctx, id, { errors: [userRefusal(answer, ctx)] });
    if (self) return reply.redirect('/console/login?expired=1', 303);
    // Shown on this answer only, never again (the page is not cached).
    return renderUser(app, request, reply, ctx, id, {
      saved: ctx.t.adminUser.resetDone,
      generated: generated ? password : undefined,
    });
  });
}
