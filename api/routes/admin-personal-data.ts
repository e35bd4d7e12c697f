import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { exportPersonalData, maskedQuery, queryProblem } from '../../ops/personal-data-export';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { standardErrors } from '../schemas/common';

const Loose = Type.Object({}, { additionalProperties: true });

/** Exports per minute per client address: an access request is rare, a loop over phone numbers is not. */
export const PERSONAL_DATA_EXPORTS_PER_MINUTE = 10;

/**
 * Admin: one person's data for an access request (个人信息保护法 Art. 45; ops/personal-data-export.ts,
 * docs/retention.md). Admins only (the scope's preHandler), rate-limited, and each export is recorded in
 * data_protection_log with who asked and the query masked.
 */
const personalData: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/personal-data',
    {
      config: {
        rateLimit: {
          max: PERSONAL_DATA_EXPORTS_PER_MINUTE,
          timeWindow: 60_000,
          keyGenerator: (request: FastifyRequest) => `pipl-export:${normalizeIP(request.ip)}`,
        },
      },
      schema: {
        tags: ['admin'],
        summary: "One person's data, for an access request under 个人信息保护法 Art. 45 (查阅、复制)",
        description:
          'Every record holding the person: the cases they are a party, legal representative, agent or reporter of (their role, dates and ' +
          'their own fields only), consents, signatures, satisfaction ratings, contact preferences, notices sent to them, one-time codes, ' +
          'the files they uploaded (names and SHA-256), what they did on their page, and staff accounts with that phone. Matched by phone ' +
          'and/or identity number; a name alone matches exact names (check homonyms before answering). Each export is logged.',
        querystring: Type.Object(
          {
            phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
            idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              generatedAt: Type.String({ format: 'date-time' }),
              legalBasis: Type.String(),
              query: Loose,
              cases: Type.Array(Loose),
              otherNotices: Type.Array(Loose),
              staffAccounts: Type.Array(Loose),
              notStored: Type.Array(Type.String()),
            },
            { additionalProperties: true },
          ),
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const problem = queryProblem(request.query);
      if (problem) throw new AppError('validation_failed', problem);
      const p = principalOf(request);
      const actor = `${p.kind}:${p.kind === 'staff' ? p.username : p.id}`;
      const result = await exportPersonalData(app.orm.em.fork(), request.query, { actor });
      request.log.warn(
        { by: actor, query: maskedQuery(request.query), cases: result.cases.length },
        'personal data exported (PIPL Art. 45 access request)',
      );
      const day = result.generatedAt.slice(0, 10);
      void reply.header('content-disposition', `attachment; filename="personal-data-${day}.json"`);
      return result;
    },
  );
};

export default personalData;
