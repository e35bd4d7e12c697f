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
              }),
            ),
          }),
          ...standardErrors,
        },
      },
    },
    async () => {
      const units = await app.orm.em.fork().find(Unit, {}, { orderBy: { path: 'asc' } });
      return { items: units.map((u) => ({ ...u, parentCode: u.parentCode ?? undefined })) };
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
