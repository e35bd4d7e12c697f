/**
 * The work queue's own routes beside the list of cases (registered by api/routes/disputes.ts):
 * - saved views (命名的筛选): each staff member names sets of the inbox's filters, lists and deletes
 *   them; a person never sees, nor can delete, another's (404, as for a view that does not exist);
 *   at most MAX_VIEWS each, names of at most 40 characters, unique per person;
 * - GET /disputes/changes: a server-sent event each time a case the caller may see changes (its
 *   read-model row written: api/plugins/alert-stream.ts, Migration202612062701), for the inbox to
 *   offer a reload. Only the case's id, event number and stage: the list itself says the rest.
 */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SavedView } from '../../db/entities';
import { STAGES } from '../../domain/lifecycle';
import { SLA_COLOURS } from '../disputes-repository';
import { AppError } from '../errors';
import type { CaseChange } from '../plugins/alert-stream';
import { principalOf, type Principal } from '../plugins/auth';
import { problemRef, standardErrors, stringEnum } from '../schemas/common';

export const MAX_VIEWS = 20;
const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED = 256 * 1024;

/** The inbox filters a view keeps (the console's query parameters). */
const ViewFilters = Type.Object(
  {
    stage: Type.Optional(stringEnum(STAGES)),
    sla: Type.Optional(stringEnum(SLA_COLOURS)),
    scope: Type.Optional(stringEnum(['mine', 'unit', 'overdue'] as const)),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    sort: Type.Optional(stringEnum(['newest', 'urgency'] as const)),
  },
  { additionalProperties: false },
);

const ViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  filters: ViewFilters,
  createdAt: Type.String({ format: 'date-time' }),
});

const viewAnswer = (v: SavedView) => ({
  id: v.id,
  name: v.name,
  filters: v.filters,
  createdAt: v.createdAt.toISOString(),
});

/** Saved views are a staff member's own: integrators have none. */
function staffOf(p: Principal): Extract<Principal, { kind: 'staff' }> {
  if (p.kind !== 'staff') throw new AppError('forbidden', 'saved views belong to staff members');
  return p;
}

/** Whether `p` may see the case `c` changed: the scope of api/disputes-repository.ts, on the row's paths. */
export function seesChange(p: Principal, c: CaseChange): boolean {
  const under = (path: string) => c.originPath.startsWith(path) || (!!c.unitPath && c.unitPath.startsWith(path));
  if (p.kind === 'integrator') return c.createdById === p.id || (!!p.areaPath && under(p.areaPath));
  if (p.role === 'admin') return true;
  // An agency representative's cases are those its agency is summoned to: not in the notification.
  if (p.role === 'agency_rep') return false;
  return !!p.unitPath && under(p.unitPath);
}

const savedViews: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/saved-views',
    {
      schema: {
        tags: ['disputes'],
        summary: "The caller's saved views of the inbox, by name",
        response: { 200: Type.Object({ items: Type.Array(ViewSchema) }), ...standardErrors },
      },
    },
    async (request) => {
      const p = staffOf(principalOf(request));
      const views = await app.orm.em.fork().find(SavedView, { userId: p.id }, { orderBy: { name: 'asc' } });
      return { items: views.map(viewAnswer) };
    },
  );

  app.post(
    '/saved-views',
    {
      schema: {
        tags: ['disputes'],
        summary: 'Save the current filters of the inbox under a name',
        description: `At most ${MAX_VIEWS} views per person (409 beyond), names unique per person (409).`,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 40, pattern: '\\S' }), filters: ViewFilters },
          { additionalProperties: false },
        ),
        response: { 201: ViewSchema, 409: problemRef, ...standardErrors },
      },
    },
    async (request, reply) => {
      const p = staffOf(principalOf(request));
      const name = request.body.name.trim();
      const em = app.orm.em.fork();
      const mine = await em.find(SavedView, { userId: p.id }, { fields: ['name'] });
      if (mine.some((v) => v.name === name))
        throw new AppError('conflict', `已有同名视图“${name}” / a view named ${name} exists already`);
      if (mine.length >= MAX_VIEWS)
        throw new AppError(
          'conflict',
          `最多保存 ${MAX_VIEWS} 个视图 / at most ${MAX_VIEWS} saved views: delete one first`,
        );
      const view = em.create(SavedView, { id: randomUUID(), userId: p.id, name, filters: request.body.filters });
      try {
        await em.flush();
      } catch (err) {
        // Two saves of one name at once: the unique (user, name) decides.
        if (/unique|duplicate/i.test(String(err)))
          throw new AppError('conflict', `已有同名视图“${name}” / a view named ${name} exists already`);
        throw err;
      }
      return reply.status(201).send(viewAnswer(view));
    },
  );

  app.delete(
    '/saved-views/:id',
    {
      schema: {
        tags: ['disputes'],
        summary: 'Delete one of the caller’s saved views (another person’s is a 404)',
        params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) }),
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      const p = staffOf(principalOf(request));
      const removed = await app.orm.em.fork().nativeDelete(SavedView, { id: request.params.id, userId: p.id });
      if (!removed) throw new AppError('not_found', `no saved view ${request.params.id}`);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/disputes/changes',
    {
      schema: {
        tags: ['disputes'],
        summary: 'Server-sent events: a case the caller may see has changed',
        description:
          'Each write of a case the caller may see is an `event: case` with `{"id","seq","stage"}`: reload the list (or that ' +
          'row). A comment opens the stream and comes every 15 s as a heartbeat. Changes while disconnected are not replayed. ' +
          'Staff streams end with their session and count against its cap of open streams.',
        response: {
          200: {
            description: 'The event stream',
            content: {
              'text/event-stream': {
                // As the alert stream's: the schema of an event stream describes one event (its fields).
                schema: Type.Object(
                  {
                    event: Type.Literal('case'),
                    data: Type.String({ description: 'JSON: {"id","seq","stage"} of the case that changed' }),
                  },
                  { example: { event: 'case', data: '{"id":"…","seq":7,"stage":"in_mediation"}' } },
                ),
              },
            },
          },
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      // Set once the reply is hijacked.
      const stream: { res?: typeof reply.raw; heartbeat?: NodeJS.Timeout } = {};
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        if (stream.heartbeat) clearInterval(stream.heartbeat);
        unsubscribe();
        if (stream.res && !stream.res.writableEnded) stream.res.end();
      };
      const session = p.kind === 'staff' && p.sessionHash ? { hash: p.sessionHash, userId: p.id } : undefined;
      let unsubscribe: () => void = () => undefined;
      try {
        unsubscribe = app.alertStream.subscribeCases({
          session,
          deliver(change) {
            const res = stream.res;
            if (ended || !res || !seesChange(p, change)) return;
            const { id, seq, stage } = change;
            res.write(`event: case\ndata: ${JSON.stringify({ id, seq, stage })}\n\n`);
            if (res.writableLength > MAX_BUFFERED) end();
          },
          close(reason) {
            if (reason === 'session_ended' && stream.res && !stream.res.writableEnded)
              stream.res.write(': session ended\n\n');
            end();
          },
        });
      } catch (err) {
        void reply.header('retry-after', '10');
        throw err;
      }
      reply.hijack();
      const res = (stream.res = reply.raw);
      res.on('close', end);
      res.on('error', end);
      if (res.destroyed || request.raw.destroyed) return end();
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 5000\n: case changes open\n\n');
      stream.heartbeat = setInterval(() => {
        if (!ended) res.write(`: heartbeat ${new Date().toISOString()}\n\n`);
      }, HEARTBEAT_MS);
      stream.heartbeat.unref();
    },
  );
};

export default savedViews;
