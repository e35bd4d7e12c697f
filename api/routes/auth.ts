import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Session, User } from '../../db/entities';
import { STAFF_TOKEN_PREFIX, newSecret, sha256Hex, verifyPassword } from '../../security/credentials';
import { AppError } from '../errors';
import { problemRef } from '../schemas/common';

// Verifying against a fixed hash when the user is unknown keeps the answer time the same.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const auth: FastifyPluginAsyncTypebox<{ tokenTtlSeconds: number }> = async (app, { tokenTtlSeconds }) => {
  app.post(
    '/auth/token',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Staff login: exchange username and password for a bearer token',
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
        },
      },
    },
    async (request) => {
      const em = app.orm.em.fork();
      const user = await em.findOne(User, { username: request.body.username });
      const ok = await verifyPassword(request.body.password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok || !user.active) throw new AppError('unauthenticated', 'wrong username or password');
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
      await app.orm.em
        .fork()
        .nativeUpdate(Session, { tokenHash: sha256Hex(token), revokedAt: null }, { revokedAt: new Date() });
      return reply.status(204).send(null);
    },
  );
};

export default auth;
