import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const Check = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: Temporal and the database answer',
        security: [],
        response: {
          200: Type.Object({ status: Type.String(), checks: Type.Object({ database: Check, temporal: Check }) }),
          503: Type.Object({ status: Type.String(), checks: Type.Object({ database: Check, temporal: Check }) }),
        },
      },
    },
    async (_request, reply) => {
      const within = <T>(p: Promise<T>) =>
        Promise.race([
          p,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref()),
        ]);
      const check = async (fn: () => Promise<unknown>) => {
        try {
          await within(fn());
          return { ok: true };
        } catch (err) {
          // Only the kind of failure: no addresses or credentials on a public route.
          return {
            ok: false,
            error: err instanceof Error && err.message.includes('timed out') ? 'timeout' : 'unreachable',
          };
        }
      };
      const [database, temporal] = await Promise.all([
        check(() => app.orm.em.execute('select 1')),
        check(() => app.temporal.workflowService.getSystemInfo({})),
      ]);
      const ok = database.ok && temporal.ok;
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks: { database, temporal } });
    },
  );
};

export default health;
