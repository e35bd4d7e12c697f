import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RiskKeyword, Setting, SlaPolicy } from '../../db/entities';
import { DEFAULT_WEIGHTS, WEIGHTS_SETTING, WEIGHT_KEYS, weightsFrom } from '../../domain/safety-index';
import { principalOf } from '../plugins/auth';
import { CATEGORIES, LEVELS, PRIORITIES } from '../../domain/lifecycle';
import { AppError } from '../errors';
import { auditAdmin } from './admin-access';
import { problemRef, standardErrors, stringEnum } from '../schemas/common';

const Seconds = (description: string) => Type.Integer({ minimum: 1, maximum: 366 * 24 * 3600, description });

const SlaPolicyBody = Type.Object(
  {
    category: stringEnum(['*', ...CATEGORIES]),
    priority: stringEnum(['*', ...PRIORITIES]),
    level: stringEnum(['*', ...LEVELS]),
    acceptSeconds: Seconds('Time to accept (接单), in seconds of the calendar'),
    handlingSeconds: Seconds('Time to settle once accepted'),
    reportInSeconds: Seconds('Time for summoned agencies to answer (报到)'),
    signatureSeconds: Seconds('Time from the draft agreement to every signature and the seal'),
    followUpDays: Type.Integer({
      minimum: 1,
      maximum: 365,
      description: 'Follow-up visit delay when no term has a date',
    }),
    warningShare: Type.Number({ minimum: 0.05, maximum: 0.99, description: 'Warn at this share of the time' }),
    autoEscalate: Type.Boolean({ description: 'An accept breach hands the case to the level above' }),
    calendar: stringEnum(['cn-workdays', 'wall-clock'] as const, {
      description: "cn-workdays: China's working days (with make-up days) in office hours; wall-clock: every second",
    }),
  },
  { additionalProperties: false },
);
const SlaPolicySchema = Type.Composite([Type.Object({ id: Type.Integer() }), SlaPolicyBody]);

const view = (p: SlaPolicy): Static<typeof SlaPolicySchema> => ({
  id: p.id,
  category: p.category as never,
  priority: p.priority as never,
  level: p.level as never,
  acceptSeconds: p.acceptSeconds,
  handlingSeconds: p.handlingSeconds,
  reportInSeconds: p.reportInSeconds,
  signatureSeconds: p.signatureSeconds,
  followUpDays: p.followUpDays,
  warningShare: p.warningShare,
  autoEscalate: p.autoEscalate,
  calendar: p.calendar as never,
});

/**
 * Admin: SLA policies (per category × priority × level; `*` matches any, the most specific wins) and
 * the high-risk keywords. A change applies to deadlines computed from then on; running deadlines keep
 * what was recorded when they started.
 */
const admin: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/sla-policies',
    {
      schema: {
        tags: ['admin'],
        summary: 'SLA policies',
        response: { 200: Type.Object({ items: Type.Array(SlaPolicySchema) }), ...standardErrors },
      },
    },
    async () => ({ items: (await app.orm.em.fork().find(SlaPolicy, {}, { orderBy: { id: 'asc' } })).map(view) }),
  );

  app.post(
    '/sla-policies',
    {
      schema: {
        tags: ['admin'],
        summary: 'Add a policy for a category × priority × level not yet covered',
        body: SlaPolicyBody,
        response: { 201: SlaPolicySchema, 409: problemRef, ...standardErrors },
      },
    },
    async (request, reply) => {
      const em = app.orm.em.fork();
      const { category, priority, level } = request.body;
      if (await em.findOne(SlaPolicy, { category, priority, level })) {
        throw new AppError('conflict', `a policy for ${category}/${priority}/${level} exists: change it with PUT`);
      }
      const policy = em.create(SlaPolicy, request.body);
      await em.persistAndFlush(policy);
      auditAdmin(request, 'sla policy added', { policy: view(policy) });
      return reply.status(201).send(view(policy));
    },
  );

  app.put(
    '/sla-policies/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Change a policy',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: SlaPolicyBody,
        response: { 200: SlaPolicySchema, 409: problemRef, ...standardErrors },
      },
    },
    async (request) => {
      const em = app.orm.em.fork();
      const policy = await em.findOne(SlaPolicy, { id: request.params.id });
      if (!policy) throw new AppError('not_found', `no SLA policy ${request.params.id}`);
      const { category, priority, level } = request.body;
      // The fallbacks (*/normal/* and */urgent/*) keep covering every case, so that no deadline lacks a policy.
      if (
        policy.category === '*' &&
        policy.level === '*' &&
        (category !== '*' || level !== '*' || priority !== policy.priority)
      ) {
        throw new AppError(
          'conflict',
          'a fallback policy keeps its category, priority and level: change its durations, or add a more specific policy',
        );
      }
      const clash = await em.findOne(SlaPolicy, { category, priority, level, id: { $ne: policy.id } });
      if (clash) throw new AppError('conflict', `policy ${clash.id} already covers ${category}/${priority}/${level}`);
      em.assign(policy, request.body);
      await em.flush();
      auditAdmin(request, 'sla policy changed', { policy: view(policy) });
      return view(policy);
    },
  );

  app.delete(
    '/sla-policies/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Remove a policy (the fallback `*/normal/*` and `*/urgent/*` stay)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), 409: problemRef, ...standardErrors },
      },
    },
    async (request, reply) => {
      const em = app.orm.em.fork();
      const policy = await em.findOne(SlaPolicy, { id: request.params.id });
      if (!policy) throw new AppError('not_found', `no SLA policy ${request.params.id}`);
      if (policy.category === '*' && policy.level === '*')
        throw new AppError('conflict', 'the fallback policies cannot be removed');
      const removed = view(policy);
      await em.removeAndFlush(policy);
      auditAdmin(request, 'sla policy removed', { policy: removed });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/risk-keywords',
    {
      schema: {
        tags: ['admin'],
        summary: 'Words that flag a high-risk report (Art. 25)',
        response: { 200: Type.Object({ items: Type.Array(Type.String()) }), ...standardErrors },
      },
    },
    async () => ({
      items: (await app.orm.em.fork().find(RiskKeyword, {}, { orderBy: { word: 'asc' } })).map((k) => k.word),
    }),
  );

  app.put(
    '/risk-keywords',
    {
      schema: {
        tags: ['admin'],
        summary: 'Replace the high-risk keywords',
        body: Type.Object(
          { items: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { maxItems: 500, uniqueItems: true }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.String()) }), ...standardErrors },
      },
    },
    async (request) => {
      await app.orm.em.fork().transactional(async (tx) => {
        await tx.nativeDelete(RiskKeyword, {});
        for (const word of request.body.items) tx.persist(tx.create(RiskKeyword, { word }));
      });
      return { items: [...request.body.items].sort() };
    },
  );
  const Weight = Type.Number({ minimum: 0, maximum: 100 });
  const WeightsSchema = Type.Object(
    Object.fromEntries(WEIGHT_KEYS.map((k) => [k, Weight])) as Record<(typeof WEIGHT_KEYS)[number], typeof Weight>,
    {
      additionalProperties: false,
      description:
        'Relative weights of the Safety Index parts (they need not sum to 100; what cannot be measured is left out and the rest rescale)',
      examples: [DEFAULT_WEIGHTS],
    },
  );

  app.get(
    '/safety-index/weights',
    {
      schema: {
        tags: ['admin'],
        summary: 'The Safety Index weights in force',
        response: { 200: WeightsSchema, ...standardErrors },
      },
    },
    async () => weightsFrom((await app.orm.em.fork().findOne(Setting, { key: WEIGHTS_SETTING }))?.value),
  );

  app.put(
    '/safety-index/weights',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Set the Safety Index weights; periods computed from now on use them (stored snapshots keep their scores)',
        body: WeightsSchema,
        response: { 200: WeightsSchema, ...standardErrors },
      },
    },
    async (request) => {
      const weights = request.body;
      if (WEIGHT_KEYS.every((k) => weights[k] === 0)) {
        throw new AppError('validation_failed', 'at least one weight must be above 0', {
          errors: [{ field: 'body', message: 'all weights are 0' }],
        });
      }
      const p = principalOf(request);
      await app.orm.em.fork().upsert(Setting, {
        key: WEIGHTS_SETTING,
        value: weights,
        updatedAt: new Date(),
        updatedBy: p.kind === 'staff' ? p.username : p.name,
      });
      return weights;
    },
  );
};

export default admin;
