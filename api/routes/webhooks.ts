import { randomBytes, randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { WebhookDelivery, WebhookSubscription } from '../../db/entities';
import { refusedTarget } from '../../activities/signed-post';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { problemRef, standardErrors, stringEnum } from '../schemas/common';

const EVENT_TYPES = [
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
        summary: 'The delivery log of a subscription, newest first',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                disputeId: Type.String(),
                eventSeq: Type.Integer(),
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
          disputeId: d.disputeId,
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
};

export default webhooks;
