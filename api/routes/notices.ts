/**
 * Staff API of notices to people: a party's consent and channels (GET/PUT
 * /disputes/{id}/contacts/{partyIndex}) and the case's delivery log (GET /disputes/{id}/notices).
 * A case outside the caller's view is 404; consent is recorded by the staff who hold the case
 * (mediators, supervisors of its unit or above, admins); the e-mail is shown masked to everyone else.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { audienceOf } from '../case-access';
import { findVisibleCase } from '../disputes-repository';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { standardErrors } from '../schemas/common';
import { caseDeliveries, maskRecipient } from '../../notifications/deliveries';
import { CONTACT_CHANNELS, getContactPreference, setContactPreference } from '../../notifications/preferences';

const Params = Type.Object({
  id: Type.String({ maxLength: 64 }),
  partyIndex: Type.Integer({ minimum: 0, maximum: 99 }),
});
const Channels = Type.Array(Type.Union(CONTACT_CHANNELS.map((c) => Type.Literal(c))), {
  maxItems: 2,
  uniqueItems: true,
});
const PreferenceSchema = Type.Object({
  disputeId: Type.String(),
  partyIndex: Type.Integer(),
  consent: Type.Boolean({ description: 'Consent to be contacted (no consent: nothing is sent, logged skipped)' }),
  channels: Channels,
  email: Type.Optional(Type.String({ description: 'Masked unless the caller holds the case' })),
  consentAt: Type.Optional(Type.String({ format: 'date-time' })),
  consentSource: Type.Optional(Type.String()),
  withdrawnAt: Type.Optional(Type.String({ format: 'date-time' })),
  withdrawnSource: Type.Optional(Type.String()),
  updatedAt: Type.Optional(Type.String({ format: 'date-time' })),
});
const DeliverySchema = Type.Object({
  key: Type.String(),
  kind: Type.String(),
  channel: Type.String(),
  recipient: Type.String({ description: 'Masked: 138****5678, c***@example.org' }),
  status: Type.Union([Type.Literal('queued'), Type.Literal('sent'), Type.Literal('failed'), Type.Literal('skipped')]),
  reason: Type.Optional(
    Type.String({ description: 'no_consent, no_address, channel_not_allowed, attempts_exhausted' }),
  ),
  attempts: Type.Integer(),
  providerMessageId: Type.Optional(Type.String()),
  lastError: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  notBefore: Type.Optional(Type.String({ format: 'date-time', description: 'Held until the end of quiet hours' })),
  sentAt: Type.Optional(Type.String({ format: 'date-time' })),
});

const noticeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The case (404 outside the caller's view) and whether the caller holds it. */
  async function caseOf(request: Parameters<typeof principalOf>[0], id: string) {
    const p = principalOf(request);
    const c = await findVisibleCase(app.orm.em.fork(), p, id);
    const holder = audienceOf(p, { createdById: c.createdById, unitPath: c.unitPath }) === 'holder';
    if (p.kind !== 'staff')
      throw new AppError('forbidden', '联系偏好仅供工作人员查看 / contact preferences are for staff');
    return { c, holder, p };
  }
  const partyCount = (c: { state: { parties: unknown[] } }) => c.state.parties.length;

  app.get(
    '/disputes/:id/contacts/:partyIndex',
    {
      schema: {
        tags: ['notices'],
        summary: "A party's consent to be contacted and channels",
        params: Params,
        response: { 200: PreferenceSchema, ...standardErrors },
      },
    },
    async (request) => {
      const { c, holder } = await caseOf(request, request.params.id);
      if (request.params.partyIndex >= partyCount(c))
        throw new AppError('not_found', `no party ${request.params.partyIndex}`);
      const pref = await getContactPreference(app.orm.em.fork(), c.id, request.params.partyIndex);
      return { ...pref, email: pref.email && !holder ? maskRecipient('email', pref.email) : pref.email };
    },
  );

  app.put(
    '/disputes/:id/contacts/:partyIndex',
    {
      schema: {
        tags: ['notices'],
        summary: "Record a party's consent (or its withdrawal) and the channels allowed",
        params: Params,
        body: Type.Object(
          {
            consent: Type.Boolean(),
            channels: Channels,
            email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()])),
            source: Type.Optional(
              Type.String({ maxLength: 64, description: 'How it was given: in_person, phone, written' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: PreferenceSchema, ...standardErrors },
      },
    },
    async (request) => {
      const { c, holder, p } = await caseOf(request, request.params.id);
      if (!holder)
        throw new AppError('forbidden', '仅承办本案的工作人员可以记录 / only staff holding the case may record this');
      if (request.params.partyIndex >= partyCount(c))
        throw new AppError('not_found', `no party ${request.params.partyIndex}`);
      const who = p.kind === 'staff' ? p.username : p.id;
      return setContactPreference(app.orm.em.fork(), c.id, request.params.partyIndex, {
        consent: request.body.consent,
        channels: request.body.channels,
        email: request.body.email,
        source: `staff:${who}${request.body.source ? `:${request.body.source}` : ''}`,
      });
    },
  );

  app.get(
    '/disputes/:id/notices',
    {
      schema: {
        tags: ['notices'],
        summary: "The case's notices to people and their delivery (recipients masked)",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ items: Type.Array(DeliverySchema) }), ...standardErrors },
      },
    },
    async (request) => {
      const { c } = await caseOf(request, request.params.id);
      return { items: await caseDeliveries(app.orm.em.fork(), c.id) };
    },
  );
};

export default noticeRoutes;
