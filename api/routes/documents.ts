import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AgreementRecord } from '../../db/entities';
import { agreementModel, DOCUMENT_KINDS, type DocumentRenderer } from '../../templates/render';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { findVisibleCase } from '../scope';
import { standardErrors } from '../schemas/common';

/** Documents are user data rendered as HTML: nothing in them may run, load or frame anything. */
const DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

const documents: FastifyPluginAsyncTypebox<{ renderer: DocumentRenderer }> = async (app, { renderer }) => {
  app.get(
    '/disputes/:id/documents/:kind',
    {
      schema: {
        tags: ['documents'],
        summary: "A case's document as print-ready HTML (the frozen copy once the agreement is effective)",
        params: Type.Object({
          id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }),
          kind: Type.Union(DOCUMENT_KINDS.map((k) => Type.Literal(k))),
        }),
        response: { 200: Type.String({ description: 'text/html' }), ...standardErrors },
      },
    },
    async (request, reply) => {
      const em = app.orm.em.fork();
      const found = await findVisibleCase(em, principalOf(request), request.params.id);
      // The current agreement (frozen once effective, else the draft); with none, the last effective one.
      const current = found.state.agreement;
      const frozen = current
        ? await em.findOne(AgreementRecord, { disputeId: found.id, round: current.round ?? 1 })
        : await em.findOne(AgreementRecord, { disputeId: found.id }, { orderBy: { round: 'desc' } });
      let html: string;
      if (frozen) html = frozen.html;
      else if (current) html = renderer.render('agreement', agreementModel(found.state));
      else throw new AppError('not_found', 'the case has no agreement yet');
      return reply.type('text/html; charset=utf-8').header('content-security-policy', DOCUMENT_CSP).send(html);
    },
  );
};

export default documents;
