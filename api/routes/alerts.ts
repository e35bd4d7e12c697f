import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { standardErrors } from '../schemas/common';

const AlertSchema = Type.Object({
  id: Type.String(),
  disputeId: Type.String(),
  caseNumber: Type.Optional(Type.String()),
  kind: Type.String(),
  unitCode: Type.String(),
  message: Type.String(),
  raisedAt: Type.String({ format: 'date-time' }),
  ackedBy: Type.Optional(Type.String()),
  ackedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

const alerts: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: "Alerts addressed to the caller's area (staff), newest first",
        querystring: Type.Object({
          kind: Type.Optional(Type.String({ maxLength: 32 })),
          disputeId: Type.Optional(Type.String({ maxLength: 64 })),
          unacked: Type.Optional(Type.Boolean()),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(AlertSchema) }), ...standardErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      if (p.kind !== 'staff' || !['supervisor', 'mediator', 'admin'].includes(p.role)) {
        throw new AppError('forbidden', 'alerts are for supervisors and mediators');
      }
      const where: string[] = [];
      const params: unknown[] = [];
      if (p.role !== 'admin') {
        if (!p.unitPath) return { items: [] };
        where.push('unit_path like ?');
        params.push(`${p.unitPath}%`);
      }
      const q = request.query;
      if (q.kind) {
        where.push('kind = ?');
        params.push(q.kind);
      }
      if (q.disputeId) {
        where.push('dispute_id = ?');
        params.push(q.disputeId);
      }
      if (q.unacked) where.push('acked_at is null');
      const rows = await app.orm.em.execute<Record<string, unknown>[]>(
        `select id, dispute_id, case_number, kind, unit_code, message, raised_at, acked_by, acked_at from alerts
         ${where.length ? `where ${where.join(' and ')}` : ''} order by raised_at desc, id desc limit ?`,
        [...params, q.limit],
      );
      const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : undefined);
      return {
        items: rows.map((r) => ({
          id: String(r.id),
          disputeId: r.dispute_id as string,
          caseNumber: (r.case_number as string | null) ?? undefined,
          kind: r.kind as string,
          unitCode: r.unit_code as string,
          message: r.message as string,
          raisedAt: iso(r.raised_at)!,
          ackedBy: (r.acked_by as string | null) ?? undefined,
          ackedAt: iso(r.acked_at),
        })),
      };
    },
  );
};

export default alerts;
