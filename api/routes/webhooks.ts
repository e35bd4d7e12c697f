import { randomBytes, randomUUID } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { WebhookDelivery, WebhookSubscription } from '../../db/entities';
import { refusedTarget } from '../../activities/signed-post';
import { sha256Hex } from '../../security/credentials';
import { sendTestDelivery } from '../webhook-test';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { problemRef, standardErrors, stringEnum } from '../schemas/common';

export const EVENT_TYPES = [
  '*',
  'received',
  'high_risk_flagged',
  'accepted',
  'transferred',
  'escalated',
  'reassigned',
  'note_added',
  'suspended',
  'resumed',
  'meeting_scheduled',
  'attendance_confirmed',
  'attendance_declined',
  'meeting_outcome_recorded',
  'back_to_mediation',
  'agreement_drafted',
  'signed',
  'sealed',
  'agreement_rejected',
  'agreement_effective',
  'follow_up_due',
  'follow_up_recorded',
  'reopened',
  'mediation_failed',
  'withdrawn',
  'closed',
  'deadline_breached',
  'attendance_recorded',
  'police_referral_sent',
  'consent_recorded',
  'not_accepted',
  'evidence_added',
] as const;

const SubscriptionSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
const view = (s: WebhookSubscription): Static<typeof SubscriptionSchema> => ({
  id: s.id,
  url: s.url,
  events: s.events,
  active: s.active,
  createdAt: s.createdAt.toISOString(),
});

/** Test deliveries per subscription and caller per minute. */
export const TEST_DELIVERIES_PER_MINUTE = 5;

/**
 * Webhook subscriptions of an integrator: events of the cases it created, POSTed as JSON and signed
 * (`X-Fengqiao-Signature: sha256=HMAC(secret, "<X-Fengqiao-Timestamp>.<body>")`), retried with
 * backoff by Temporal, each attempt logged.
 */
const webhooks: FastifyPluginAsyncTypebox<{ allowPrivate: boolean }> = async (app, { allowPrivate }) => {
  const ownerOf = (request: FastifyRequest): string => {
    const p = principalOf(request);
    if (p.kind !== 'integrator') throw new AppError('forbidden', 'webhooks are for integrators (API keys)');
    return p.id;
  };
  const owned = async (request: FastifyRequest, id: string): Promise<WebhookSubscription> => {
    const found = await app.orm.em.fork().findOne(WebhookSubscription, { id, ownerId: ownerOf(request) });
    if (!found) throw new AppError('not_found', `no webhook ${id}`);
    return found;
  };

  app.post(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe to case events; the signing secret is shown once in this answer',
        description: 'An integrator has at most 10 active subscriptions: an 11th answers 409.',
        body: Type.Object(
          {
            url: Type.String({
              format: 'uri',
              maxLength: 500,
              examples: ['https://platform.example.org/fengqiao/events'],
            }),
            events: Type.Array(stringEnum(EVENT_TYPES), {
              minItems: 1,
              maxItems: EVENT_TYPES.length,
              uniqueItems: true,
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Composite([SubscriptionSchema, Type.Object({ secret: Type.String() })]),
          409: problemRef,
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const ownerId = ownerOf(request);
      const refused = await refusedTarget(request.body.url, allowPrivate);
      if (refused)
        throw new AppError('validation_failed', `webhook target refused: ${refused}`, {
          errors: [{ field: 'body/url', message: refused }],
        });
      const em = app.orm.em.fork();
      if ((await em.count(WebhookSubscription, { ownerId, active: true })) >= 10)
        throw new AppError('conflict', 'at most 10 active webhooks per integrator');
      const subscription = em.create(WebhookSubscription, {
        id: randomUUID(),
        ownerId,
        url: request.body.url,
        secret: `whsec_${randomBytes(24).toString('base64url')}`,
        events: request.body.events,
      });
      await em.persistAndFlush(subscription);
      return reply.status(201).send({ ...view(subscription), secret: subscription.secret });
    },
  );

  app.get(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Your webhook subscriptions',
        response: { 200: Type.Object({ items: Type.Array(SubscriptionSchema) }), ...standardErrors },
      },
    },
    async (request) => ({
      items: (
        await app.orm.em
          .fork()
          .find(WebhookSubscription, { ownerId: ownerOf(request) }, { orderBy: { createdAt: 'asc' } })
      ).map(view),
    }),
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Unsubscribe: pending deliveries are dropped',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      const found = await owned(request, request.params.id);
      await app.orm.em.fork().nativeUpdate(WebhookSubscription, { id: found.id }, { active: false });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'The delivery log of a subscription, newest first (test deliveries included)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                disputeId: Type.Optional(Type.String({ description: 'The case; absent for a test delivery (`ping`)' })),
                eventSeq: Type.Integer({ description: "The event's seq in the case; negative for a test delivery" }),
                eventType: Type.String(),
                status: Type.String(),
                attempts: Type.Integer(),
                lastStatusCode: Type.Optional(Type.Integer()),
                lastError: Type.Optional(Type.String()),
                createdAt: Type.String({ format: 'date-time' }),
                deliveredAt: Type.Optional(Type.String({ format: 'date-time' })),
              }),
            ),
          }),
          ...standardErrors,
        },
      },
    },
    async (request) => {
      const found = await owned(request, request.params.id);
      const rows = await app.orm.em
        .fork()
        .find(
          WebhookDelivery,
          { subscriptionId: found.id },
          { orderBy: { createdAt: 'desc' }, limit: request.query.limit },
        );
      return {
        items: rows.map((d) => ({
          id: d.id,
          disputeId: d.disputeId || undefined,
          eventSeq: d.eventSeq,
          eventType: d.eventType,
          status: d.status,
          attempts: d.attempts,
          lastStatusCode: d.lastStatusCode ?? undefined,
          lastError: d.lastError ?? undefined,
          createdAt: d.createdAt.toISOString(),
          deliveredAt: d.deliveredAt?.toISOString(),
        })),
      };
    },
  );

  app.post(
    '/webhooks/:id/test',
    {
      config: {
        rateLimit: {
          max: TEST_DELIVERIES_PER_MINUTE,
          timeWindow: 60_000,
          keyGenerator: (r: FastifyRequest) =>
            `webhook-test:${(r.params as { id?: string }).id}:${sha256Hex(r.headers.authorization ?? normalizeIP(r.ip))}`,
        },
      },
      schema: {
        tags: ['webhooks'],
        summary: 'Send a signed test event (`ping`) to the subscription now, and answer its result',
        description:
          'Sends `{"deliveryId", "type": "ping", "seq": 0, "at", "subscriptionId", "test": true}` to the subscription\'s URL ' +
          'through the path of every delivery: the same headers and signature (see `webhooks` in this document), the same ' +
          'refusal of private and loopback targets. Tried once (no retry); the attempt is in the delivery log ' +
          `(event type \`ping\`, no \`disputeId\`). The subscription's owner only (404 otherwise); ${TEST_DELIVERIES_PER_MINUTE} per minute ` +
          'per subscription (429 beyond). 400 `validation_failed` when the target is refused now (its name resolves to a private address).',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: {
          200: Type.Object({
            deliveryId: Type.String(),
            status: stringEnum(['delivered', 'failed'] as const, {
              description: '`delivered` when the receiver answered 2xx',
            }),
            statusCode: Type.Optional(Type.Integer({ description: "The receiver's HTTP status, when it answered" })),
            durationMs: Type.Integer({ description: 'Milliseconds from sending to the answer or the failure' }),
            error: Type.Optional(Type.String({ description: 'Why it failed: HTTP status, network error' })),
          }),
          409: problemRef,
          ...standardErrors,
        },
      },
    },
    async (request) => {
      const found = await owned(request, request.params.id);
      if (!found.active) throw new AppError('conflict', `webhook ${found.id} is unsubscribed`);
      const result = await sendTestDelivery(app.orm.em.fork(), found, allowPrivate);
      if (result.refused)
        throw new AppError('validation_failed', `webhook target refused: ${result.refused}`, {
          errors: [{ field: 'url', message: result.refused }],
        });
      const { refused: _refused, ...answer } = result;
      return answer;
    },
  );
};

export default webhooks;
