import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Agency, Unit } from '../../db/entities';
import { standardErrors } from '../schemas/common';

const directory: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/units',
    {
      schema: {
        tags: ['directory'],
        summary: 'The region tree (city → county → street → community → grid)',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                level: Type.String(),
                parentCode: Type.Optional(Type.String()),
                population: Type.Integer(),
                committeeName: Type.String(),
                kind: Type.Optional(
                  Type.String({
                    description:
                      "region; center: a county's 矛盾纠纷调处中心; professional: a 行业性专业性人民调解委员会 (人民调解法 Art. 34)",
                  }),
                ),
                categories: Type.Optional(
                  Type.Array(Type.String(), { description: 'The categories a professional committee takes' }),
                ),
              }),
            ),
          }),
          ...standardErrors,
        },
      },
    },
    async () => {
      const units = await app.orm.em.fork().find(Unit, {}, { orderBy: { path: 'asc' } });
      return {
        items: units.map((u) => ({
          ...u,
          parentCode: u.parentCode ?? undefined,
          categories: u.categories ?? undefined,
        })),
      };
    },
  );

  app.get(
    '/agencies',
    {
      schema: {
        tags: ['directory'],
        summary: 'Agencies that can be summoned to a joint mediation',
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) }),
          ...standardErrors,
        },
      },
    },
    async () => ({ items: await app.orm.em.fork().find(Agency, {}, { orderBy: { code: 'asc' } }) }),
  );
};

export default directory;
