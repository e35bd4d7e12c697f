import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { beijingDateTime } from '../../domain/beijing-time';
import { AppError } from '../errors';
import { principalOf, type Principal } from '../plugins/auth';
import type { LiveAlert } from '../plugins/alert-stream';
import { problemRef, standardErrors } from '../schemas/common';
import { registerBulkAck } from './alerts-bulk';
import { AlertSchema, COLUMNS, ID_PATTERN, areaOf, itemOf, type AlertItem } from './alerts-model';

/** At most this many alerts are replayed to a stream that (re)connects with Last-Event-ID. */
const REPLAY_LIMIT = 1000;
const HEARTBEAT_MS = 15_000;
/** A client this far behind (bytes buffered) is disconnected; it reconnects with Last-Event-ID. */
const MAX_BUFFERED = 1024 * 1024;

function liveItem(a: LiveAlert): AlertItem {
  return {
    id: a.id,
    disputeId: a.disputeId,
    caseNumber: a.caseNumber ?? undefined,
    kind: a.kind,
    unitCode: a.unitCode,
    message: a.message,
    raisedAt: a.raisedAt,
  };
}

const STAFF_WHO_SEE_ALERTS = ['supervisor', 'mediator', 'admin'];

/** The staff member, if they may read alerts (supervisors, mediators, admins). */
function alertReader(p: Principal): Extract<Principal, { kind: 'staff' }> {
  if (p.kind !== 'staff' || !STAFF_WHO_SEE_ALERTS.includes(p.role)) {
    throw new AppError('forbidden', 'alerts are for supervisors and mediators');
  }
  return p;
}

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
      const p = alertReader(principalOf(request));
      const where: string[] = [];
      const params: unknown[] = [];
      const area = areaOf(p);
      if (area === null) return { items: [] };
      if (area !== undefined) {
        where.push('unit_path like ?');
        params.push(`${area}%`);
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
        `select ${COLUMNS} from alerts
         ${where.length ? `where ${where.join(' and ')}` : ''} order by raised_at desc, id desc limit ?`,
        [...params, q.limit],
      );
      return { items: rows.map(itemOf) };
    },
  );

  app.get(
    '/alerts/stream',
    {
      schema: {
        tags: ['alerts'],
        summary: "Live alerts for the caller's area (Server-Sent Events)",
        description: [
          'A `text/event-stream` that never ends on its own. Each new alert addressed to a unit in the',
          "caller's area (admins: every alert) arrives as `event: alert`, `id: <alert id>` and `data: <JSON>`,",
          'the JSON having the shape of the items of `GET /api/v1/alerts`. A comment line (`: …`) is sent',
          'when the stream is open and every 15 s as a heartbeat.',
          '',
          'Resuming: send `Last-Event-ID` (browsers do it when they reconnect) or `?since=<alert id>`',
          '(the header wins): the alerts in your area with a greater id are replayed first, oldest first',
          `(at most ${REPLAY_LIMIT}), then live ones follow. For supervisors, mediators and admins.`,
          '',
          "A staff session's stream ends (after a `: session ended` comment) when the session does: logout,",
          'expiry, the idle timeout, a password change or deactivation. A session may hold a few streams at once',
          '(ALERT_STREAMS_PER_SESSION, 3 by default, per API process); one more is a 429.',
        ].join('\n'),
        querystring: Type.Object({
          since: Type.Optional(
            Type.String({
              pattern: ID_PATTERN,
              description: 'Replay the alerts with a greater id first (as Last-Event-ID)',
            }),
          ),
        }),
        headers: Type.Object({
          'last-event-id': Type.Optional(Type.String({ description: 'The id of the last alert received' })),
        }),
        response: {
          200: {
            description: 'The event stream',
            content: {
              'text/event-stream': {
                // Before OpenAPI 3.2's itemSchema, the schema of an event stream describes one event
                // (its fields), which is how tools such as schemathesis read it.
                schema: Type.Object(
                  {
                    event: Type.Literal('alert'),
                    id: Type.String({
                      pattern: ID_PATTERN,
                      description: 'The alert id (resume from it with Last-Event-ID)',
                    }),
                    data: Type.String({ description: 'JSON: an alert, as the items of GET /api/v1/alerts' }),
                  },
                  {
                    // OpenAPI 3.0 schema objects take one `example` (not JSON Schema's `examples`).
                    example: {
                      event: 'alert',
                      id: '42',
                      data: '{"id":"42","disputeId":"…","kind":"accept_breach","unitCode":"…","message":"…","raisedAt":"…"}',
                    },
                  },
                ),
              },
            },
          },
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const p = alertReader(principalOf(request));
      const area = areaOf(p);
      const inArea = (unitPath: string) => area === undefined || (area !== null && unitPath.startsWith(area));
      const header = request.headers['last-event-id'];
      const since = header !== undefined && /^\d{1,18}$/.test(header.trim()) ? header.trim() : request.query.since;

      // Subscribe before reading the replay so nothing raised in between is lost: live alerts are
      // held until the replay is written, and an alert in both is sent once.
      const sent = new Set<string>();
      let held: LiveAlert[] | undefined = [];
      // Set once the reply is hijacked.
      const stream: { res?: typeof reply.raw; heartbeat?: NodeJS.Timeout } = {};
      let ended = false;
      let sessionEnded = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        if (stream.heartbeat) clearInterval(stream.heartbeat);
        unsubscribe();
        held = undefined;
        if (stream.res && !stream.res.writableEnded) stream.res.end();
      };
      const write = (item: AlertItem): void => {
        const res = stream.res;
        if (ended || !res || sent.has(item.id)) return;
        sent.add(item.id);
        // Only replay and held live alerts can overlap: a short memory suffices.
        if (sent.size > 2 * REPLAY_LIMIT) sent.delete(sent.values().next().value!);
        res.write(`event: alert\nid: ${item.id}\ndata: ${JSON.stringify(item)}\n\n`);
        if (res.writableLength > MAX_BUFFERED) {
          request.log.warn('alert stream client too slow; disconnecting it');
          end();
        }
      };
      let unsubscribe: () => void = () => undefined;
      try {
        unsubscribe = app.alertStream.subscribe({
          // The stream lasts as long as the session: it closes when the session ends, for any reason.
          session: p.sessionHash ? { hash: p.sessionHash, userId: p.id } : undefined,
          deliver(alert) {
            if (!inArea(alert.unitPath)) return;
            if (held) held.push(alert);
            else write(liveItem(alert));
          },
          close(reason) {
            if (reason === 'session_ended') {
              sessionEnded = true;
              if (stream.res && !stream.res.writableEnded) stream.res.write(': session ended\n\n');
            }
            end();
          },
        });
      } catch (err) {
        // Too many streams open on this session.
        void reply.header('retry-after', '10');
        throw err;
      }

      let replay: AlertItem[] = [];
      try {
        if (since !== undefined && area !== null) replay = await replayAfter(app, since, area);
      } catch (err) {
        end();
        throw err;
      }
      // The session ended, or the API began closing, while the replay was read.
      if (ended)
        throw sessionEnded
          ? new AppError('unauthenticated', 'the credentials are unknown, revoked or expired')
          : new AppError('unavailable', 'the API is shutting down');

      reply.hijack();
      const res = (stream.res = reply.raw);
      res.on('close', end);
      res.on('error', end);
      // The client may have gone while the replay was read: its 'close' has fired already.
      if (res.destroyed || request.raw.destroyed) {
        end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store', // alerts name cases and people: never stored
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 3000\n: alert stream open${since !== undefined ? `, replaying after ${since}` : ''}\n\n`);
      stream.heartbeat = setInterval(() => {
        if (!ended) res.write(`: heartbeat ${new Date().toISOString()}\n\n`);
      }, HEARTBEAT_MS);
      stream.heartbeat.unref();
      for (const item of replay) write(item);
      const live = held ?? [];
      held = undefined;
      for (const alert of live) write(liveItem(alert));
    },
  );

  app.post(
    '/alerts/:id/ack',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert (supervisors of its area, admins)',
        description:
          "Records who acknowledged the alert, when, and an optional note. An alert outside the caller's area is a 404; an alert already acknowledged is a 409 naming who did it and when.",
        params: Type.Object({ id: Type.String({ pattern: ID_PATTERN }) }),
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 200: AlertSchema, ...standardErrors, 409: problemRef },
      },
    },
    async (request) => {
      const p = principalOf(request);
      if (p.kind !== 'staff' || (p.role !== 'supervisor' && p.role !== 'admin')) {
        throw new AppError('forbidden', 'alerts are acknowledged by supervisors');
      }
      const area = areaOf(p);
      const notFound = () => new AppError('not_found', `no alert ${request.params.id} in your area`);
      if (area === null) throw notFound();
      const scope = area === undefined ? '' : ' and unit_path like ?';
      const scopeParams = area === undefined ? [] : [`${area}%`];
      const em = app.orm.em.fork();
      // Conditional: of two concurrent acknowledgements exactly one updates the row.
      const updated = await em.execute<Record<string, unknown>[]>(
        `update alerts set acked_by = ?, acked_at = now(), ack_note = ?
         where id = ? and acked_at is null${scope} returning ${COLUMNS}`,
        [p.username, request.body.note ?? null, request.params.id, ...scopeParams],
      );
      if (updated[0]) return itemOf(updated[0]);
      const [existing] = await em.execute<Record<string, unknown>[]>(
        `select ${COLUMNS} from alerts where id = ?${scope}`,
        [request.params.id, ...scopeParams],
      );
      if (!existing) throw notFound();
      const item = itemOf(existing);
      // Bilingual (the console says the Chinese part), with the machine reason and who and when.
      throw new AppError(
        'conflict',
        `预警 ${item.id} 已由 ${item.ackedBy ?? '他人'} 于 ${item.ackedAt ? beijingDateTime(item.ackedAt) : '此前'} 确认 / ` +
          `alert ${item.id} was already acknowledged by ${item.ackedBy ?? 'someone'} at ${item.ackedAt ?? 'an unknown time'}`,
        {
          reason: 'alert_already_acknowledged',
          params: { id: item.id, ackedBy: item.ackedBy ?? '', ackedAt: item.ackedAt ?? '' },
        },
      );
    },
  );

  // Several at once: checkboxes on the console's alerts page (alerts-bulk.ts).
  registerBulkAck(app);
};

/** The alerts of an area (undefined: all) with an id greater than `since`, oldest first. */
async function replayAfter(app: FastifyInstance, since: string, area: string | undefined): Promise<AlertItem[]> {
  const rows = await app.orm.em.execute<Record<string, unknown>[]>(
    `select ${COLUMNS} from alerts where id > ?${area === undefined ? '' : ' and unit_path like ?'} order by id limit ?`,
    [since, ...(area === undefined ? [] : [`${area}%`]), REPLAY_LIMIT],
  );
  return rows.map(itemOf);
}

export default alerts;
