/**
 * Open311 GeoReport v2 (JSON) over the same cases: services are the dispute categories, requests are
 * disputes. Reading is public, as the spec makes it: without a key, a request is its status, dates,
 * committee and case number only (open311/requests-view.ts); with a valid `api_key` (the spec's way)
 * or a Bearer header, an integrator also sees its own cases' descriptions, numbers masked, and where
 * they arose. Reporting needs a key; the place is `address_id` (a grid or community code), else
 * `lat`/`long` (the nearest unit) or `address_string` (a unit named in it: open311/locate.ts);
 * `media_url` and an uploaded `media` file become evidence (open311/media.ts).
 * Errors are the spec's array of {code, description}.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { CATEGORIES, type Category } from '../../domain/lifecycle';
import type { Party } from '../../domain/types';
import { AppError, fromTemporal, fromUnavailable } from '../errors';
import { isClientError } from '../plugins/errors';
import type { Principal } from '../plugins/auth';
import { reportCase } from '../report-case';
import { casesWhere } from '../disputes-repository';
import { audienceOf } from '../case-access';
import { caseFor } from '../../security/visibility';
import { cutCodePoints } from '../../domain/text';
import { Open311Error, Open311ErrorSchema, open311Errors, sendOpen311Error } from '../open311/errors';
import {
  SERVICE_NAMES,
  ServiceRequestSchema,
  integratorRequest,
  publicCasesWhere,
  publicRequest,
} from '../open311/requests-view';
import { DEFAULT_NEAREST_METRES, locateReport } from '../open311/locate';
import { discardMedia, mediaUrlProblem, readMultipartReport } from '../open311/media';
import { keepMedia } from '../open311/evidence';

export { SERVICE_NAMES };

export interface Open311Options {
  /** OPEN311_NEAREST_METRES: a `lat`/`long` report goes to the nearest grid (else community) within this radius (default 1500). */
  nearestMetres?: number;
}

const open311: FastifyPluginAsyncTypebox<Open311Options> = async (app, opts) => {
  const nearestMetres = opts.nearestMetres ?? DEFAULT_NEAREST_METRES;
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

  app.setErrorHandler(async (error: Error, request, reply) => {
    // PostgreSQL or Temporal out of reach is a 503 with Retry-After here too, as in the v1 API.
    const fromApp = error instanceof AppError ? error : (fromTemporal(error) ?? fromUnavailable(error));
    // Fastify's own refusals (a body it cannot parse, a Content-Type it does not take) are bad requests, as in the v1 API.
    const refused = (error as { validation?: unknown }).validation || isClientError(error) ? 400 : 500;
    const status = error instanceof Open311Error ? error.status : (fromApp?.status ?? refused);
    await discardMedia(request);
    if (status >= 500) request.log.error({ err: error }, 'open311 request failed');
    if (status === 503) void reply.header('retry-after', '1');
    const description = status === 503 ? fromApp!.message : status >= 500 ? 'internal error' : error.message;
    return sendOpen311Error(request, reply, status, description);
  });

  /** The integrator named by `api_key` or a Bearer header; none given: undefined (a public read); a wrong one: 403. */
  async function optionalPrincipal(request: FastifyRequest): Promise<Principal | undefined> {
    const fromHeader = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const apiKey =
      fromHeader ??
      (request.body as { api_key?: string } | undefined)?.api_key ??
      (request.query as { api_key?: string }).api_key;
    if (!apiKey) return undefined;
    const found = await app.resolvePrincipal(apiKey);
    if (!found) throw new Open311Error(403, 'a valid api_key is required');
    return found;
  }
  async function principal(request: FastifyRequest): Promise<Principal> {
    const found = await optionalPrincipal(request);
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
      // A multipart report (with a `media` file) is read before validation: its fields are the body.
      preValidation: (request) => readMultipartReport(request, principal),
      onResponse: async (request) => discardMedia(request),
      schema: {
        tags: ['open311'],
        summary: 'GeoReport v2: report a dispute (form, multipart with a `media` file, or JSON)',
        description:
          'Needs `api_key`. The place: `address_id` (grid or community code), else `lat`/`long` (the nearest grid, else community, within the configured radius), else an `address_string` naming a grid or community (name or alias); with none of them usable, 400 naming what is missing and the codes to choose from. `media_url` is kept as an evidence link (never fetched); a multipart `media` file part is stored as evidence.',
        security: [],
        consumes: ['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json'],
        body: Type.Object({
          api_key: Type.Optional(Type.String({ maxLength: 512 })),
          service_code: Type.String({ maxLength: 32 }),
          address_id: Type.Optional(
            Type.String({ minLength: 1, maxLength: 64, description: 'Grid or community code (GET /api/v1/units)' }),
          ),
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
          media_url: Type.Optional(
            Type.String({ maxLength: 500, description: 'A link to a photo: kept as evidence, never fetched' }),
          ),
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
              media_notice: Type.Optional(
                Type.String({ description: 'Why the media was not kept (the report itself was)' }),
              ),
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
      const badLink = form.media_url === undefined ? undefined : mediaUrlProblem(form.media_url);
      if (badLink) throw new Open311Error(400, badLink);
      const place = await locateReport(app.orm.em.fork(), form, nearestMetres);
      if ('problem' in place) throw new Open311Error(400, place.problem);
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
          gridCode: place.code,
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
              ? `address_id ${place.code} is not a grid or community code`
              : err.message,
          );
        throw err;
      });
      const mediaNotice = await keepMedia(app, {
        disputeId: created.body.id,
        who,
        mediaUrl: form.media_url,
        media: request.open311Media,
      });
      await discardMedia(request);
      return reply.status(created.status as 201).send([
        {
          service_request_id: created.body.id,
          service_notice: created.body.caseNumber ?? '',
          account_id: form.account_id,
          ...(mediaNotice ? { media_notice: mediaNotice } : {}),
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
  // With a key: the integrator's own cases, its view; without: every case, status only (requests-view.ts).
  const answerRequests = async (who: Principal | undefined, where: string[], params: unknown[]) =>
    who
      ? (await findRequests(who, where, params)).map((r) =>
          integratorRequest(r.state, new Date(r.updated_at).toISOString()),
        )
      : (await publicCasesWhere(app.orm.em.fork(), where, params)).map((r) =>
          publicRequest(r.state, new Date(r.updated_at).toISOString()),
        );
  const PUBLIC_READ =
    'Public: without a key, each request is its status, status_notes, dates, service, agency_responsible (the committee) and service_notice (the case number) only; with a valid api_key, an integrator also reads the description (numbers masked) and address_id of its own cases.';

  app.get(
    '/requests/:id.json',
    {
      config: { public: true },
      schema: {
        tags: ['open311'],
        summary: 'GeoReport v2: one request, as `requests/{service_request_id}.json` (public)',
        description: PUBLIC_READ,
        security: [],
        params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) }),
        querystring: Type.Object({ api_key: Type.Optional(Type.String({ maxLength: 512 })) }),
        response: { 200: Type.Array(ServiceRequestSchema), ...open311Errors },
      },
    },
    async (request) => {
      const who = await optionalPrincipal(request);
      const rows = await answerRequests(who, ['id = ?'], [request.params.id]);
      if (!rows[0]) throw new Open311Error(404, 'service_request_id not found');
      return rows;
    },
  );

  app.get(
    '/requests.json',
    {
      config: { public: true },
      schema: {
        tags: ['open311'],
        summary: 'GeoReport v2: requests, filtered (default: the last 90 days, at most 1000; public)',
        description: PUBLIC_READ,
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
      const who = await optionalPrincipal(request);
      const q = request.query;
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.service_request_id) {
        where.push('id in (?)');
        params.push(q.service_request_id.split(','));
        return answerRequests(who, where, params);
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
      return answerRequests(who, where, params);
    },
  );
};

/** The instants a date filter may name: 1970-01-01 up to the end of year 9999 (UTC). */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10000, 0, 1);

export default open311;
