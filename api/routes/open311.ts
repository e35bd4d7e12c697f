/**
 * Open311 GeoReport v2 (JSON) over the same cases: services are the dispute categories, requests are
 * disputes. Integrators authenticate with `api_key` (the spec's way) or a Bearer header; a request's
 * location is `address_id`, the code of the grid or community where the dispute arose. Answers
 * carry no personal data beyond the reporter's own description, with phone and ID numbers masked.
 * Errors are the spec's array of {code, description}.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { CATEGORIES, type Category } from '../../domain/lifecycle';
import type { DisputeView, Party } from '../../domain/types';
import { AppError, fromTemporal, fromUnavailable } from '../errors';
import { stringEnum } from '../schemas/common';
import { isClientError } from '../plugins/errors';
import type { Principal } from '../plugins/auth';
import { reportCase } from '../report-case';
import { casesWhere } from '../disputes-repository';
import { audienceOf } from '../case-access';
import { caseFor } from '../../security/visibility';
import { nextDeadline } from '../../domain/sla';
import { cutCodePoints } from '../../domain/text';

export const SERVICE_NAMES: Record<Category, { name: string; description: string }> = {
  neighbour: { name: '邻里纠纷', description: 'Disputes between neighbours: water leaks, shared spaces, boundaries' },
  property: { name: '物业纠纷', description: 'Property management, owners’ committees, maintenance funds' },
  noise: { name: '噪音扰民', description: 'Noise from shops, works or neighbours' },
  family: { name: '婚姻家庭纠纷', description: 'Family and marriage disputes, support, inheritance' },
  labour: { name: '劳动争议', description: 'Wages, injuries at work, contracts' },
  consumer: { name: '消费纠纷', description: 'Purchases, services, refunds' },
  land: { name: '土地山林纠纷', description: 'Homesteads, land use, forests' },
  traffic: { name: '交通事故纠纷', description: 'Compensation after a traffic accident' },
  other: { name: '其他纠纷', description: 'Other civil disputes' },
};

const STAGE_NOTES: Record<string, string> = {
  awaiting_acceptance: '待受理',
  in_mediation: '调解中',
  meeting_scheduled: '联合调解已安排',
  awaiting_signatures: '调解协议待签署',
  follow_up: '协议已生效，待回访',
  closed: '已结案',
};
const OUTCOME_NOTES: Record<string, string> = {
  resolved: '调解成功',
  failed: '调解不成，已告知其他途径',
  withdrawn: '当事人撤回',
  merged: '已合并',
};

class Open311Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The spec's error answer: `[{code, description}]`, for every error status these routes give. */
const Open311ErrorSchema = Type.Array(Type.Object({ code: Type.Integer(), description: Type.String() }), {
  description: 'GeoReport v2 errors',
});
const open311Errors = {
  400: Open311ErrorSchema,
  403: Open311ErrorSchema,
  404: Open311ErrorSchema,
  409: Open311ErrorSchema,
  422: Open311ErrorSchema,
  429: Open311ErrorSchema,
  500: Open311ErrorSchema,
  503: Open311ErrorSchema,
};

const ServiceRequestSchema = Type.Object({
  service_request_id: Type.String(),
  status: stringEnum(['open', 'closed'] as const),
  status_notes: Type.String(),
  service_name: Type.String(),
  service_code: Type.String(),
  description: Type.String(),
  agency_responsible: Type.String(),
  service_notice: Type.String(),
  requested_datetime: Type.String(),
  updated_datetime: Type.String(),
  expected_datetime: Type.Optional(Type.String()),
  address_id: Type.String(),
});

function toServiceRequest(view: DisputeView, updatedAt: string) {
  const code = view.category;
  return {
    service_request_id: view.disputeId,
    status: view.stage === 'closed' ? ('closed' as const) : ('open' as const),
    status_notes:
      view.stage === 'closed' && view.outcome
        ? `${STAGE_NOTES.closed}：${OUTCOME_NOTES[view.outcome]}`
        : STAGE_NOTES[view.stage]!,
    service_name: SERVICE_NAMES[code].name,
    service_code: code,
    description: view.description,
    agency_responsible: view.unit?.committeeName ?? '',
    service_notice: view.caseNumber ?? '',
    requested_datetime: view.receivedAt,
    updated_datetime: updatedAt,
    expected_datetime: nextDeadline(view),
    address_id: view.originCode,
  };
}

const open311: FastifyPluginAsyncTypebox = async (app) => {
  // The spec's clients post forms.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_req, body, done) => {
      const form: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body as string)) form[k] = v;
      done(null, form);
    },
  );

  app.setErrorHandler((error: Error, request, reply) => {
    // PostgreSQL or Temporal out of reach is a 503 with Retry-After here too, as in the v1 API.
    const fromApp = error instanceof AppError ? error : (fromTemporal(error) ?? fromUnavailable(error));
    // Fastify's own refusals (a body it cannot parse, a Content-Type it does not take) are bad requests, as in the v1 API.
    const refused = (error as { validation?: unknown }).validation || isClientError(error) ? 400 : 500;
    const status = error instanceof Open311Error ? error.status : (fromApp?.status ?? refused);
    if (status >= 500) request.log.error({ err: error }, 'open311 request failed');
    if (status === 503) void reply.header('retry-after', '1');
    const description = status === 503 ? fromApp!.message : status >= 500 ? 'internal error' : error.message;
    return reply.status(status).send([{ code: status, description }]);
  });

  async function principal(request: FastifyRequest): Promise<Principal> {
    const fromHeader = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const apiKey =
      fromHeader ??
      (request.body as { api_key?: string } | undefined)?.api_key ??
      (request.query as { api_key?: string }).api_key;
    const found = apiKey ? await app.resolvePrincipal(apiKey) : undefined;
    if (!found) throw new Open311Error(403, 'a valid api_key is required');
    return found;
  }

  app.get(
    '/services.json',
    {
      config: { public: true },
      schema: {
        tags: ['open311'],
        summary: 'GeoReport v2: the service list (dispute categories)',
        security: [],
        response: {
          200: Type.Array(
            Type.Object({
              service_code: Type.String(),
              service_name: Type.String(),
              description: Type.String(),
              metadata: Type.Boolean(),
              type: Type.String(),
              keywords: Type.String(),
              group: Type.String(),
            }),
          ),
          429: Open311ErrorSchema,
          500: Open311ErrorSchema,
        },
      },
    },
    async () =>
      CATEGORIES.map((code) => ({
        service_code: code,
        service_name: SERVICE_NAMES[code].name,
        description: SERVICE_NAMES[code].description,
        metadata: false,
        type: 'realtime',
        keywords: code,
        group: '矛盾纠纷',
      })),
  );

  app.post(
    '/requests.json',
    {
      config: { public: true },
      schema: {
        tags: ['open311'],
        summary: 'GeoReport v2: report a dispute (form or JSON); address_id is the grid or community code',
        security: [],
        body: Type.Object({
          api_key: Type.Optional(Type.String({ maxLength: 512 })),
          service_code: Type.String({ maxLength: 32 }),
          address_id: Type.String({ maxLength: 64, description: 'Grid or community code (GET /api/v1/units)' }),
          description: Type.String({ minLength: 1, maxLength: 5000 }),
          first_name: Type.Optional(Type.String({ maxLength: 50 })),
          last_name: Type.Optional(Type.String({ maxLength: 50 })),
          phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$' })),
          email: Type.Optional(Type.String({ maxLength: 200 })),
          address_string: Type.Optional(Type.String({ maxLength: 200 })),
          lat: Type.Optional(Type.String({ maxLength: 32 })),
          long: Type.Optional(Type.String({ maxLength: 32 })),
          device_id: Type.Optional(Type.String({ maxLength: 100 })),
          account_id: Type.Optional(Type.String({ maxLength: 100 })),
          media_url: Type.Optional(Type.String({ maxLength: 500 })),
          'attribute[respondent]': Type.Optional(
            Type.String({ maxLength: 100, description: 'The other party, if known' }),
          ),
          'attribute[applicant]': Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 100,
              description:
                'The applicant, when the requester reports for someone else: the requester is then recorded as the 反映人 (reporter), not a party',
            }),
          ),
          'attribute[relation]': Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 50,
              description: "With attribute[applicant]: the requester's relation to the dispute (邻居, 网格员, …)",
            }),
          ),
        }),
        response: {
          201: Type.Array(
            Type.Object({
              service_request_id: Type.String(),
              service_notice: Type.String(),
              account_id: Type.Optional(Type.String()),
            }),
          ),
          ...open311Errors,
        },
      },
    },
    async (request, reply) => {
      const who = await principal(request);
      const form = request.body;
      if (!(CATEGORIES as readonly string[]).includes(form.service_code))
        throw new Open311Error(400, `service_code ${form.service_code} not found (GET services.json)`);
      const reporter = `${form.last_name ?? ''}${form.first_name ?? ''}`.trim() || '匿名反映人';
      // The requester is the applicant, unless they name one (attribute[applicant]): then they are
      // the 反映人, who reported the dispute without being a party (domain/people.ts).
      const applicant = form['attribute[applicant]'];
      const parties: Party[] = [
        applicant
          ? { name: applicant, role: 'applicant', kind: 'person' }
          : { name: reporter, role: 'applicant', kind: 'person', phone: form.phone, address: form.address_string },
      ];
      if (form['attribute[respondent]'])
        parties.push({ name: form['attribute[respondent]'], role: 'respondent', kind: 'person' });
      const created = await reportCase(
        app,
        who,
        {
          gridCode: form.address_id,
          category: form.service_code as Category,
          priority: 'normal',
          title: cutCodePoints(form.description, 60),
          description: form.description,
          parties,
          channel: 'open311',
          externalRef: form.account_id,
          ...(applicant
            ? {
                reporter: {
                  name: reporter,
                  relation: form['attribute[relation]'] ?? '反映人',
                  phone: form.phone,
                  address: form.address_string,
                },
              }
            : {}),
        },
        { idempotencyKey: request.headers['idempotency-key'] as string | undefined, route: 'open311' },
      ).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'validation_failed')
          throw new Open311Error(
            400,
            err.message.startsWith('unknown gridCode')
              ? `address_id ${form.address_id} is not a grid or community code`
              : err.message,
          );
        throw err;
      });
      return reply.status(created.status as 201).send([
        {
          service_request_id: created.body.id,
          service_notice: created.body.caseNumber ?? '',
          account_id: form.account_id,
        },
      ]);
    },
  );

  // Each case as the caller may see it (security/visibility.ts); Open311 never answers the holder's
  // view: the description always comes with its numbers masked.
  const findRequests = async (who: Principal, where: string[], params: unknown[], limit = 1000) =>
    (await casesWhere(app.orm.em.fork(), who, where, params, limit)).map((r) => {
      const audience = audienceOf(who, r);
      return { ...r, state: caseFor(audience === 'holder' ? 'reporter' : audience, r.state) };
    });

  app.get(
    '/requests/:file',
    {
      config: { public: true },
      schema: {
        tags: ['open311'],
        summary: 'GeoReport v2: one request, as `requests/{service_request_id}.json`',
        security: [],
        params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}\\.json$' }) }),
        querystring: Type.Object({ api_key: Type.Optional(Type.String({ maxLength: 512 })) }),
        response: { 200: Type.Array(ServiceRequestSchema), ...open311Errors },
      },
    },
    async (request) => {
      const who = await principal(request);
      const rows = await findRequests(who, ['id = ?'], [request.params.file.replace(/\.json$/, '')]);
      if (!rows[0]) throw new Open311Error(404, 'service_request_id not found');
      return rows.map((r) => toServiceRequest(r.state, new Date(r.updated_at).toISOString()));
    },
  );

  app.get(
    '/requests.json',
    {
      config: { public: true },
      schema: {
        tags: ['open311'],
        summary: 'GeoReport v2: requests, filtered (default: the last 90 days, at most 1000)',
        security: [],
        querystring: Type.Object({
          api_key: Type.Optional(Type.String({ maxLength: 512 })),
          service_request_id: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated ids' })),
          service_code: Type.Optional(Type.String({ maxLength: 300, description: 'Comma-separated codes' })),
          start_date: Type.Optional(Type.String({ format: 'date-time' })),
          end_date: Type.Optional(Type.String({ format: 'date-time' })),
          status: Type.Optional(Type.String({ pattern: '^(open|closed)(,(open|closed))?$' })),
        }),
        response: { 200: Type.Array(ServiceRequestSchema), ...open311Errors },
      },
    },
    async (request) => {
      const who = await principal(request);
      const q = request.query;
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.service_request_id) {
        where.push('id in (?)');
        params.push(q.service_request_id.split(','));
        return (await findRequests(who, where, params)).map((r) =>
          toServiceRequest(r.state, new Date(r.updated_at).toISOString()),
        );
      }
      if (q.service_code) {
        where.push('category in (?)');
        params.push(q.service_code.split(','));
      }
      // Instants PostgreSQL can compare with (a date-time in year 0 or 1, or 90 days before one, it refuses: a 500).
      for (const name of ['start_date', 'end_date'] as const) {
        const at = q[name] === undefined ? undefined : Date.parse(q[name]);
        if (at !== undefined && !(at >= EARLIEST && at < LATEST))
          throw new Open311Error(400, `${name} 须在 1970 至 9999 年之间 / ${name} must be between 1970 and 9999`);
      }
      // The spec's default window: 90 days, ending at end_date, or starting at start_date, or ending now.
      const DAYS_90 = 90 * 86400_000;
      const start = q.start_date
        ? new Date(q.start_date)
        : new Date((q.end_date ? Date.parse(q.end_date) : Date.now()) - DAYS_90);
      const end = q.end_date
        ? new Date(q.end_date)
        : q.start_date
          ? new Date(Math.min(Date.now(), start.getTime() + DAYS_90))
          : new Date();
      if (end.getTime() - start.getTime() > DAYS_90)
        throw new Open311Error(400, 'start_date and end_date may span at most 90 days');
      where.push('created_at >= ?', 'created_at <= ?');
      params.push(start, end);
      const statuses = q.status?.split(',') ?? [];
      if (statuses.length === 1) where.push(statuses[0] === 'closed' ? `stage = 'closed'` : `stage <> 'closed'`);
      return (await findRequests(who, where, params)).map((r) =>
        toServiceRequest(r.state, new Date(r.updated_at).toISOString()),
      );
    },
  );
};

/** The instants a date filter may name: 1970-01-01 up to the end of year 9999 (UTC). */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10000, 0, 1);

export default open311;
