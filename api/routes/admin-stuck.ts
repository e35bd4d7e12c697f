import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { StuckCase } from '../../db/entities';
import { repairSignal, workflowIdFor } from '../../workflows/dispute.messages';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { standardErrors } from '../schemas/common';

const StuckCaseView = Type.Object({
  disputeId: Type.String(),
  caseNumber: Type.Union([Type.String(), Type.Null()]),
  unitCode: Type.Union([Type.String(), Type.Null()]),
  activity: Type.String({ description: 'The step that keeps failing' }),
  failure: Type.String({ description: "The failure's type (and SQLSTATE); never the case's data" }),
  retryState: Type.String(),
  since: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

/**
 * Admin: cases whose step keeps failing (a `case_stuck` alert, `fengqiao_cases_stuck` on /metrics)
 * and their repair. docs/operations.md "A stuck case" says when to scrub.
 */
const stuck: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/stuck-cases',
    {
      schema: {
        tags: ['admin'],
        summary: 'Cases waiting for a repair: a step used up its retries or its data was refused',
        response: { 200: Type.Object({ items: Type.Array(StuckCaseView) }), ...standardErrors },
      },
    },
    async () => {
      const rows = await app.orm.em.fork().find(StuckCase, {}, { orderBy: { since: 'asc' }, limit: 1000 });
      return {
        items: rows.map((r) => ({
          disputeId: r.disputeId,
          caseNumber: r.caseNumber ?? null,
          unitCode: r.unitCode ?? null,
          activity: r.activity,
          failure: r.failure,
          retryState: r.retryState,
          since: r.since.toISOString(),
          updatedAt: r.updatedAt.toISOString(),
        })),
      };
    },
  );

  app.post(
    '/disputes/:id/repair',
    {
      schema: {
        tags: ['admin'],
        summary: 'Repair a stuck case: it tries its failed step again now, with `scrub` after cleaning unsafe text',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object(
          {
            scrub: Type.Boolean({
              default: false,
              description:
                'Replace every unpaired surrogate, control character and bidirectional override in what the step writes with U+FFFD',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ disputeId: Type.String(), stuck: Type.Boolean() }), ...standardErrors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const row = await app.orm.em.fork().findOne(StuckCase, { disputeId: id });
      if (!row) throw new AppError('not_found', `案件 ${id} 未处于受阻状态 / case ${id} is not stuck`);
      await app.temporal.workflow
        .getHandle(workflowIdFor(id))
        .signal(repairSignal, { scrub: request.body.scrub, by: principalOf(request).name });
      request.log.warn({ disputeId: id, scrub: request.body.scrub }, 'stuck case repair requested');
      return reply.status(202).send({ disputeId: id, stuck: true });
    },
  );
};

export default stuck;
