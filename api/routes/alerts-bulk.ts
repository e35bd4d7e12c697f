/**
 * POST /api/v1/alerts/ack: several alerts acknowledged at once (the console's checkboxes and
 * "确认所选"), each under the rules of the single acknowledgement: only alerts of the caller's area,
 * by supervisors and admins; what was done and what was refused is answered id by id.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { standardErrors } from '../schemas/common';
import { AlertSchema, COLUMNS, ID_PATTERN, areaOf, itemOf, type AlertItem } from './alerts-model';

/** At most this many alerts in one request (the console's page lists up to 200 unacknowledged). */
export const BULK_ACK_LIMIT = 200;

const Refusal = Type.Object({
  id: Type.String(),
  reason: Type.Union([Type.Literal('not_found'), Type.Literal('already_acknowledged')]),
  ackedBy: Type.Optional(Type.String()),
  ackedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

export interface BulkAckAnswer {
  acknowledged: Array<AlertItem & { already?: boolean }>;
  refused: Array<{ id: string; reason: 'not_found' | 'already_acknowledged'; ackedBy?: string; ackedAt?: string }>;
}

export function registerBulkAck(app: FastifyInstance): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/alerts/ack',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge several alerts at once (supervisors of their area, admins)',
        description: [
          `Up to ${BULK_ACK_LIMIT} alert ids (a repeated id counts once), each under the rules of`,
          '`POST /api/v1/alerts/{id}/ack`; one note for all. The answer names what was done and what was',
          'refused, id by id: `acknowledged` (now, or before by the caller: `already: true`, so the same',
          'request sent again answers the same); `refused` with `reason` `not_found` (no such alert in your',
          'area: whether it exists elsewhere is not revealed) or `already_acknowledged` (by someone else,',
          'naming who and when).',
        ].join('\n'),
        body: Type.Object(
          {
            ids: Type.Array(Type.String({ pattern: ID_PATTERN }), { minItems: 1, maxItems: BULK_ACK_LIMIT }),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            acknowledged: Type.Array(
              Type.Intersect([
                AlertSchema,
                Type.Object({ already: Type.Optional(Type.Boolean({ description: 'Acknowledged before, by you' })) }),
              ]),
            ),
            refused: Type.Array(Refusal),
          }),
          ...standardErrors,
        },
      },
    },
    async (request): Promise<BulkAckAnswer> => {
      const p = principalOf(request);
      if (p.kind !== 'staff' || (p.role !== 'supervisor' && p.role !== 'admin')) {
        throw new AppError('forbidden', 'alerts are acknowledged by supervisors');
      }
      const ids = [...new Set(request.body.ids.map((id) => BigInt(id).toString()))];
      const area = areaOf(p);
      if (area === null) return { acknowledged: [], refused: ids.map((id) => ({ id, reason: 'not_found' })) };
      const scope = area === undefined ? '' : ' and unit_path like ?';
      const scopeParams = area === undefined ? [] : [`${area}%`];
      const list = ids.map(() => '?').join(', ');
      const em = app.orm.em.fork();
      // Conditional, as the single acknowledgement: of two concurrent requests exactly one updates a row.
      const updated = await em.execute<Record<string, unknown>[]>(
        `update alerts set acked_by = ?, acked_at = now(), ack_note = ?
         where id in (${list}) and acked_at is null${scope} returning ${COLUMNS}`,
        [p.username, request.body.note ?? null, ...ids, ...scopeParams],
      );
      const done = new Map(updated.map((r) => [String(r.id), itemOf(r)]));
      const rest = ids.filter((id) => !done.has(id));
      const seen = rest.length
        ? await em.execute<Record<string, unknown>[]>(
            `select ${COLUMNS} from alerts where id in (${rest.map(() => '?').join(', ')})${scope}`,
            [...rest, ...scopeParams],
          )
        : [];
      const found = new Map(seen.map((r) => [String(r.id), itemOf(r)]));
      const answer: BulkAckAnswer = { acknowledged: [], refused: [] };
      for (const id of ids) {
        const now = done.get(id);
        const before = found.get(id);
        if (now) answer.acknowledged.push(now);
        else if (!before) answer.refused.push({ id, reason: 'not_found' });
        else if (before.ackedBy === p.username) answer.acknowledged.push({ ...before, already: true });
        else
          answer.refused.push({ id, reason: 'already_acknowledged', ackedBy: before.ackedBy, ackedAt: before.ackedAt });
      }
      return answer;
    },
  );
}
