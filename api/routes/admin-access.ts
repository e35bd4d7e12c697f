import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { FastifyRequest } from 'fastify';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Agency, ApiKey, Unit, User } from '../../db/entities';
import { STAFF_ROLES } from '../../db/entities/user.entity';
import { API_KEY_PREFIX, hashPassword, newSecret, sha256Hex, visiblePrefix } from '../../security/credentials';
import { lockedNow, unlockAccount } from '../lockout';
import { principalOf } from '../plugins/auth';
import { endSessions } from '../sessions';
import { AppError } from '../errors';
import { CODE_PATTERN, problemRef, standardErrors, stringEnum } from '../schemas/common';

const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
  areaCode: Type.Optional(Type.String()),
  areaActions: Type.Boolean({
    description:
      'Whether the area grant lets the key act on the cases of the area (add notes, withdraw), not only see them',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Optional(Type.String({ format: 'date-time' })),
  revokedAt: Type.Optional(Type.String({ format: 'date-time' })),
});
const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  unitCode: Type.Optional(Type.String()),
  agencyCode: Type.Optional(Type.String()),
  active: Type.Boolean(),
  sealAuthorised: Type.Boolean({ description: 'May affix the seal of the committee of unitCode (人民调解法 Art. 29)' }),
  lockedUntil: Type.Optional(Type.String({ format: 'date-time', description: 'Locked after wrong passwords until' })),
  phone: Type.Optional(Type.String({ description: 'A mobile for notices to this staff member' })),
  smsAlerts: Type.Boolean({ description: 'A supervisor opted in to high-risk alerts by SMS (to phone)' }),
});
/** A staff password's strength rule (the console checks the same before it asks). */
export const PASSWORD_LENGTH = { min: 10, max: 256 } as const;
const Password = Type.String({ minLength: 10, maxLength: 256, description: 'At least 10 characters' });

const keyView = (k: ApiKey): Static<typeof ApiKeySchema> => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  areaCode: k.areaCode ?? undefined,
  areaActions: k.areaActions,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString(),
  revokedAt: k.revokedAt?.toISOString(),
});
const userView = (u: User): Static<typeof UserSchema> => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  unitCode: u.unitCode ?? undefined,
  agencyCode: u.agencyCode ?? undefined,
  active: u.active,
  sealAuthorised: u.sealAuthorised,
  lockedUntil: u.lockedUntil && lockedNow(u) ? u.lockedUntil.toISOString() : undefined,
  phone: u.phone ?? undefined,
  smsAlerts: u.smsAlerts,
});

const AreaActions = Type.Boolean({
  description:
    'Let the key act on the cases of its area (add notes, record withdrawals), not only see them (default false: read-only)',
});

/** An area grant names a unit; actions need an area. */
async function checkGrant(em: EntityManager, areaCode?: string, areaActions?: boolean): Promise<void> {
  if (areaCode && !(await em.findOne(Unit, { code: areaCode }))) {
    throw new AppError('validation_failed', `未知单位 ${areaCode} / unknown unit ${areaCode}`, {
      errors: [{ field: 'body/areaCode', message: '不是单位 / is not a unit' }],
    });
  }
  if (areaActions && !areaCode) {
    throw new AppError('validation_failed', '操作权限须与辖区一同授予 / actions are granted with an area', {
      errors: [{ field: 'body/areaActions', message: '需要 areaCode / needs an areaCode' }],
    });
  }
}

/** No audit table for admin actions: the API log says who did what to whom (`admin: true`; never a secret). */
export function auditAdmin(request: FastifyRequest, action: string, details: Record<string, unknown>): void {
  const p = principalOf(request);
  request.log.info({ admin: true, action, by: p.id, byName: p.name, ...details }, `admin action: ${action}`);
}

/** Admin: integrators' API keys and staff accounts. */
const adminAccess: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api-keys',
    {
      schema: {
        tags: ['admin'],
        summary: "Integrators' API keys (never the keys themselves)",
        response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }), ...standardErrors },
      },
    },
    async () => ({ items: (await app.orm.em.fork().find(ApiKey, {}, { orderBy: { createdAt: 'asc' } })).map(keyView) }),
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Issue an API key: 32 random bytes, shown once in this answer, stored only as its SHA-256',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 128 }),
            areaCode: Type.Optional(
              Type.String({ pattern: CODE_PATTERN, description: 'A region whose cases this integrator may also see' }),
            ),
            areaActions: Type.Optional(AreaActions),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Composite([ApiKeySchema, Type.Object({ key: Type.String({ description: 'Shown once' }) })]),
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const em = app.orm.em.fork();
      await checkGrant(em, request.body.areaCode, request.body.areaActions);
      const secret = newSecret(API_KEY_PREFIX);
      const key = em.create(ApiKey, {
        id: randomUUID(),
        name: request.body.name,
        areaCode: request.body.areaCode,
        areaActions: request.body.areaActions ?? false,
        prefix: visiblePrefix(secret),
        keyHash: sha256Hex(secret),
        createdAt: new Date(),
      });
      await em.persistAndFlush(key);
      return reply.status(201).send({ ...keyView(key), key: secret });
    },
  );

  app.patch(
    '/api-keys/:id',
    {
      schema: {
        tags: ['admin'],
        summary: "Change an API key's area grant: the area it may also see (null: none) and whether it may act there",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object(
          {
            areaCode: Type.Optional(Type.Union([Type.String({ pattern: CODE_PATTERN }), Type.Null()])),
            areaActions: Type.Optional(AreaActions),
          },
          { additionalProperties: false },
        ),
        response: { 200: ApiKeySchema, ...standardErrors },
      },
    },
    async (request) => {
      const em = app.orm.em.fork();
      const key = await em.findOne(ApiKey, { id: request.params.id });
      if (!key) throw new AppError('not_found', `no API key ${request.params.id}`);
      const areaCode = request.body.areaCode === undefined ? key.areaCode : (request.body.areaCode ?? undefined);
      // Without an area there is nothing to act on: removing the area removes the actions with it.
      const areaActions = areaCode ? (request.body.areaActions ?? key.areaActions) : false;
      await checkGrant(em, areaCode, request.body.areaActions && areaActions);
      // null, not undefined, so that the flush clears the column.
      (key as { areaCode?: string | null }).areaCode = areaCode ?? null;
      key.areaActions = areaActions;
      await em.flush();
      return keyView(key);
    },
  );

  app.post(
    '/api-keys/:id/revoke',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key: it stops working at once',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: ApiKeySchema, ...standardErrors },
      },
    },
    async (request) => {
      const em = app.orm.em.fork();
      const key = await em.findOne(ApiKey, { id: request.params.id });
      if (!key) throw new AppError('not_found', `no API key ${request.params.id}`);
      key.revokedAt ??= new Date();
      await em.flush();
      auditAdmin(request, 'api-key revoked', { keyId: key.id, keyName: key.name });
      return keyView(key);
    },
  );

  app.get(
    '/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Staff accounts',
        response: { 200: Type.Object({ items: Type.Array(UserSchema) }), ...standardErrors },
      },
    },
    async () => ({ items: (await app.orm.em.fork().find(User, {}, { orderBy: { username: 'asc' } })).map(userView) }),
  );

  const UserBody = {
    displayName: Type.String({ minLength: 1, maxLength: 128 }),
    role: stringEnum(STAFF_ROLES),
    unitCode: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
    agencyCode: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
    sealAuthorised: Type.Optional(
      Type.Boolean({
        description:
          "A mediator authorised by the committee's 主任 to affix its seal (人民调解法 Art. 8, 29); default false",
      }),
    ),
    phone: Type.Optional(
      Type.Union([Type.String({ pattern: '^(\\+86)?1[3-9][0-9]{9}$', description: 'Mainland mobile' }), Type.Null()]),
    ),
    smsAlerts: Type.Optional(
      Type.Boolean({ description: 'High-risk alerts also by SMS to phone (a supervisor opting in); default false' }),
    ),
  };

  async function checkPlacement(body: {
    role: string;
    unitCode?: string;
    agencyCode?: string;
    sealAuthorised?: boolean;
  }): Promise<void> {
    const em = app.orm.em.fork();
    // The seal is the committee's: only its own members may be authorised (domain/committee.ts).
    if (body.sealAuthorised && body.role !== 'mediator' && body.role !== 'supervisor') {
      throw new AppError(
        'validation_failed',
        `只有调解委员会的调解员可以被授权加盖印章 / only a committee's mediator can be authorised to affix its seal`,
        { errors: [{ field: 'body/sealAuthorised', message: '仅限调解员 / mediators only' }] },
      );
    }
    if (body.role === 'agency_rep') {
      if (!body.agencyCode || !(await em.findOne(Agency, { code: body.agencyCode }))) {
        throw new AppError(
          'validation_failed',
          '部门代表须属于一个已有的部门 / an agency representative needs a known agencyCode',
          {
            errors: [{ field: 'body/agencyCode', message: '必填，须为已有部门 / is required and must be an agency' }],
          },
        );
      }
    } else if (body.role !== 'admin') {
      if (!body.unitCode || !(await em.findOne(Unit, { code: body.unitCode }))) {
        throw new AppError('validation_failed', `须属于一个已有的单位 / a ${body.role} needs a known unitCode`, {
          errors: [{ field: 'body/unitCode', message: '必填，须为已有单位 / is required and must be a unit' }],
        });
      }
    }
  }

  app.post(
    '/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a staff account',
        body: Type.Object(
          { username: Type.String({ pattern: '^[a-z0-9@._-]{3,128}$' }), password: Password, ...UserBody },
          { additionalProperties: false },
        ),
        response: { 201: UserSchema, 409: problemRef, ...standardErrors },
      },
    },
    async (request, reply) => {
      await checkPlacement(request.body);
      const em = app.orm.em.fork();
      if (await em.findOne(User, { username: request.body.username }))
        throw new AppError('conflict', `username ${request.body.username} is taken`);
      const { password, ...rest } = request.body;
      const user = em.create(User, {
        id: `u-${randomUUID()}`,
        ...rest,
        passwordHash: await hashPassword(password),
        active: true,
        createdAt: new Date(),
      });
      await em.persistAndFlush(user);
      auditAdmin(request, 'user created', { userId: user.id, username: user.username, role: user.role });
      return reply.status(201).send(userView(user));
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Change a staff account (name, role, unit or agency, phone, active, password); deactivating it, or changing its ' +
          'password, role or placement ends its sessions. No admin deactivates or demotes themself or the last active admin (409)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Partial(Type.Object({ password: Password, active: Type.Boolean(), ...UserBody }), {
          additionalProperties: false,
        }),
        response: { 200: UserSchema, 409: problemRef, ...standardErrors },
      },
    },
    async (request) => {
      const { password, ...rest } = request.body;
      // Hashed before the transaction: the admins' rows stay locked only while the change is written.
      const passwordHash = password ? await hashPassword(password) : undefined;
      const user = await app.orm.em.fork().transactional(async (em) => {
        // Locked (first, in one order) until the commit: two admins cannot remove each other at once.
        const admins = await em.find(
          User,
          { role: 'admin', active: true },
          { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
        );
        const user = await em.findOne(User, { id: request.params.id });
        if (!user) throw new AppError('not_found', `no user ${request.params.id}`);
        if (user.role === 'admin' && user.active && (rest.active === false || (rest.role && rest.role !== 'admin'))) {
          const field = rest.active === false ? 'body/active' : 'body/role';
          if (principalOf(request).id === user.id)
            throw new AppError('conflict', '不能停用或降级自己的账号 / an admin cannot deactivate or demote themself', {
              errors: [{ field, message: '本人账号 / own account' }],
            });
          if (!admins.some((a) => a.id !== user.id))
            throw new AppError('conflict', '须至少保留一名在用的管理员 / the last active admin stays', {
              errors: [{ field, message: '最后一名管理员 / the last active admin' }],
            });
        }
        const next = {
          role: user.role,
          unitCode: user.unitCode,
          agencyCode: user.agencyCode,
          sealAuthorised: user.sealAuthorised,
          ...rest,
        };
        await checkPlacement(next);
        if ((rest.smsAlerts ?? user.smsAlerts) && !(rest.phone === undefined ? user.phone : rest.phone))
          throw new AppError('validation_failed', '短信预警需要手机号 / SMS alerts need a phone');
        if ((rest.smsAlerts ?? false) && next.role !== 'supervisor')
          throw new AppError(
            'validation_failed',
            '仅主任（supervisor）可订阅短信预警 / only supervisors receive alerts by SMS',
          );
        em.assign(user, rest);
        if (passwordHash) user.passwordHash = passwordHash;
        await em.flush();
        return user;
      });
      const em = app.orm.em.fork();
      if (password || rest.active === false || rest.role || rest.unitCode || rest.agencyCode) {
        // In every API process, the user's alert streams close at once (NOTIFY).
        await endSessions(em, { userId: user.id });
      }
      // A password set by an admin lifts a lockout too.
      if (password) {
        await unlockAccount(em, user.id);
        user.lockedUntil = null;
      }
      auditAdmin(request, password ? 'user password reset' : 'user changed', {
        userId: user.id,
        username: user.username,
        fields: Object.keys(rest),
      });
      return userView(user);
    },
  );

  app.post(
    '/users/:id/unlock',
    {
      schema: {
        tags: ['admin'],
        summary: 'Lift a lockout after repeated wrong passwords (and start its backoff again)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: UserSchema, ...standardErrors },
      },
    },
    async (request) => {
      const em = app.orm.em.fork();
      if (!(await unlockAccount(em, request.params.id)))
        throw new AppError('not_found', `no user ${request.params.id}`);
      const user = await em.findOneOrFail(User, { id: request.params.id });
      auditAdmin(request, 'account lockout lifted', { userId: user.id, username: user.username });
      return userView(user);
    },
  );
};

export default adminAccess;
