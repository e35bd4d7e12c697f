import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Session, User } from '../../db/entities';
import {
  DUMMY_PASSWORD_HASH,
  STAFF_TOKEN_PREFIX,
  hashPassword,
  needsRehash,
  newSecret,
  sha256Hex,
  verifyPassword,
} from '../../security/credentials';
import { AppError } from '../errors';
import { DEFAULT_LOCKOUT, lockedNow, recordFailedLogin, recordSuccessfulLogin, type LockoutPolicy } from '../lockout';
import { problemRef } from '../schemas/common';
import { endSessions } from '../sessions';

/** The one refusal of a login, whatever the reason (unknown user, wrong password, locked, inactive). */
const WRONG_CREDENTIALS =
  '用户名或密码错误（连续输错多次后账户将暂时锁定）/ wrong username or password (after repeated failures the account is locked for a while)';

const auth: FastifyPluginAsyncTypebox<{ tokenTtlSeconds: number; lockout?: LockoutPolicy }> = async (
  app,
  { tokenTtlSeconds, lockout = DEFAULT_LOCKOUT },
) => {
  app.post(
    '/auth/token',
    {
      // The login limit is the route's own: it counts whatever URL the router matched here.
      config: { public: true, rateLimit: app.loginRateLimit('api') },
      schema: {
        tags: ['auth'],
        summary: 'Staff login: exchange username and password for a bearer token',
        description: [
          'A wrong password, an unknown username, a deactivated or a locked account all get the same 401.',
          `After ${lockout.attempts} wrong passwords in a row the account is locked for ${lockout.seconds} s, twice as long at`,
          `each further lockout (at most ${lockout.maxSeconds} s), until a successful login; an admin can lift it`,
          '(POST /api/v1/admin/users/{id}/unlock). Login attempts are also limited per client address (429).',
        ].join(' '),
        security: [],
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 128 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
          },
          {
            additionalProperties: false,
            examples: [{ username: 'mediator@yufuci-community', password: 'fengqiao-demo' }],
          },
        ),
        response: {
          200: Type.Object({
            access_token: Type.String(),
            token_type: Type.Literal('Bearer'),
            expires_in: Type.Integer(),
            user: Type.Object({
              username: Type.String(),
              name: Type.String(),
              role: Type.String(),
              unitCode: Type.Optional(Type.String()),
            }),
          }),
          400: problemRef,
          401: problemRef,
          429: problemRef,
        },
      },
    },
    async (request) => {
      const em = app.orm.em.fork();
      const { username, password } = request.body;
      const user = await em.findOne(User, { username });
      const locked = !!user && lockedNow(user);
      // Verified against a fixed hash when the user is unknown, and even while locked: the same work
      // and the same answer whatever the reason, so the answer does not tell which usernames exist.
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
      if (!user || !ok || !user.active || locked) {
        if (!ok) await recordFailedLogin(em, username, lockout);
        if (user && locked && ok)
          request.log.warn({ userId: user.id }, 'correct password refused: the account is locked');
        throw new AppError('unauthenticated', WRONG_CREDENTIALS);
      }
      await recordSuccessfulLogin(em, user.id);
      // Hashes from weaker parameters (an older release) become today's, now that the password is known.
      if (needsRehash(user.passwordHash)) {
        await em
          .getConnection()
          .execute('update users set password_hash = ? where id = ? and password_hash = ?', [
            await hashPassword(password),
            user.id,
            user.passwordHash,
          ]);
      }
      const token = newSecret(STAFF_TOKEN_PREFIX);
      em.persist(
        em.create(Session, {
          tokenHash: sha256Hex(token),
          userId: user.id,
          expiresAt: new Date(Date.now() + tokenTtlSeconds * 1000),
          createdAt: new Date(),
        }),
      );
      await em.flush();
      return {
        access_token: token,
        token_type: 'Bearer' as const,
        expires_in: tokenTtlSeconds,
        user: {
          username: user.username,
          name: user.displayName,
          role: user.role,
          unitCode: user.unitCode ?? undefined,
        },
      };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Staff logout: the bearer token stops working at once',
        response: { 204: Type.Null(), 400: problemRef, 401: problemRef },
      },
    },
    async (request, reply) => {
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (!token.startsWith(STAFF_TOKEN_PREFIX))
        throw new AppError('validation_failed', 'only staff tokens log out; revoke API keys in the admin API');
      // Every API process closes the session's alert streams at once (NOTIFY).
      await endSessions(app.orm.em.fork(), { session: sha256Hex(token) });
      return reply.status(204).send(null);
    },
  );
};

export default auth;
