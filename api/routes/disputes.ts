import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Dispute, Unit } from '../../db/entities';
import { ACTIONS, INTERNAL_ACTIONS, LEVELS, STAGES } from '../../domain/lifecycle';
import {
  ACTION_REFUSED,
  ACTION_UPDATES,
  acceptUpdate,
  workflowIdFor,
  type ActionRefusedDetails,
  type CaseReceipt,
} from '../../workflows/dispute.messages';
import { caseAfter } from '../case-answer';
import { caseAnswer, checkMayActOn, eventsAnswer } from '../case-access';
import { AppError, fromTemporal } from '../errors';
import { checkActionBody } from '../meeting-checks';
import { idempotently, replayed, type Answer } from '../idempotency';
import { actorOf, principalOf } from '../plugins/auth';
import { principalKey, reportCase, withinDeadline } from '../report-case';
import { sha256Hex } from '../../security/credentials';
import {
  caseEvents,
  caseNotFound,
  countCases,
  decodeCursor,
  decodeUrgencyCursor,
  encodeCursor,
  encodeUrgencyCursor,
  findVisibleCase,
  findVisibleCaseHead,
  listCases,
  SLA_COLOURS,
  visibleCaseHead,
  type CaseFilters,
  type CaseHead,
} from '../disputes-repository';
import savedViewsRoutes from './saved-views';
import { problemRef, standardErrors, stringEnum } from '../schemas/common';
import { ActionPayloadSchemas, CreateDisputeSchema, DisputeEventSchema, DisputeListSchema } from '../schemas/dispute';

/** The list's filters (GET /disputes, GET /disputes/counts). */
const ListFilters = {
  stage: Type.Optional(stringEnum(STAGES)),
  unit: Type.Optional(
    Type.String({ pattern: '^[a-z0-9-]{1,64}$', description: 'Cases handled by this unit or any unit below it' }),
  ),
  level: Type.Optional(stringEnum(LEVELS)),
  overdue: Type.Optional(Type.Boolean({ description: 'Only cases with a breached deadline (true) or none (false)' })),
  open: Type.Optional(Type.Boolean({ description: 'Only cases not yet closed (true) or only closed ones (false)' })),
  sla: Type.Optional(stringEnum(SLA_COLOURS)),
  scope: Type.Optional(
    stringEnum(['mine', 'unit'] as const, {
      description:
        "`mine`: the cases the caller handles (the case's assignee); `unit`: those held by the caller's own unit",
    }),
  ),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        "Text in the case number, title, description, party names (where the caller may read them) or an agreement's number",
    }),
  ),
};
const _listFiltersSchema = Type.Object(ListFilters);

const IdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) });
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Makes a retry safe: same key and body, same answer' }),
  ),
});

const disputes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/disputes',
    {
      schema: {
        tags: ['disputes'],
        summary: 'Report a dispute (登记): starts its workflow',
        description:
          'Answers 201 with the case once intake has routed and numbered it. With `Prefer: respond-async` it answers 202 as soon as ' +
          'the start is recorded; the case is readable at `Location` once registered (usually within a second), and its `received` ' +
          'webhook announces it. A retry of an async report needs the same Prefer header with its Idempotency-Key.',
        headers: Type.Intersect([
          IdempotencyHeaders,
          Type.Object({
            prefer: Type.Optional(
              Type.String({ maxLength: 200, description: '`respond-async`: answer 202 before intake (bulk feeds)' }),
            ),
          }),
        ]),
        body: CreateDisputeSchema,
        response: {
          201: Type.Ref('Dispute'),
          202: Type.Object(
            {
              id: Type.String(),
              status: Type.Literal('registering'),
              href: Type.String({ description: 'Where the case can be read once registered' }),
            },
            { description: 'Accepted for registration (Prefer: respond-async)' },
          ),
          409: problemRef,
          422: problemRef,
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const respondAsync = /(^|[\s,;])respond-async([\s,;]|$)/i.test(request.headers.prefer ?? '');
      const created = await reportCase(app, principalOf(request), request.body, {
        idempotencyKey: request.headers['idempotency-key'],
        route: respondAsync ? 'create-async' : 'create',
        respondAsync,
      });
      if (respondAsync) void reply.header('preference-applied', 'respond-async');
      return reply
        .status(created.status as 201)
        .header('location', `/api/v1/disputes/${created.body.id}`)
        .send(created.body as never);
    },
  );

  app.get(
    '/disputes',
    {
      schema: {
        tags: ['disputes'],
        summary: 'Cases the caller may see, newest first (or most urgent first)',
        description:
          "`sort=urgency` (the console's work queue): open cases with a breached deadline first, then by the running " +
          'deadline (to the hour; high risk first within the hour, then the exact instant), closed cases last, latest ' +
          'closed first. The cursor of a page continues the order it was issued in.',
        querystring: Type.Object({
          ...ListFilters,
          sort: Type.Optional(stringEnum(['newest', 'urgency'] as const)),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: DisputeListSchema, ...standardErrors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { sort, limit, cursor } = request.query;
      const filters = await filtersOf(request.query);
      if (!filters) return { items: [] };
      if (cursor) {
        const ok =
          sort === 'urgency' ? (filters.after = decodeUrgencyCursor(cursor)) : (filters.before = decodeCursor(cursor));
        if (!ok) {
          throw new AppError('validation_failed', '游标无效 / bad cursor', {
            errors: [{ field: 'querystring/cursor', message: '不是本接口给出的游标 / is not a cursor from this API' }],
          });
        }
      }
      const rows = await listCases(app.orm.em.fork(), principal, filters, limit, sort ?? 'newest');
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const more = rows.length > limit && last;
      return {
        items: page.map((r) => caseAnswer(principal, r)) as never[],
        nextCursor: !more
          ? undefined
          : last.key
            ? encodeUrgencyCursor(last.key)
            : encodeCursor(new Date(last.created_at), last.id),
      };
    },
  );

  app.get(
    '/disputes/counts',
    {
      schema: {
        tags: ['disputes'],
        summary: 'How many cases the caller may see, per stage and per SLA colour',
        description:
          'The same filters as the list. `stage` counts ignore the `stage` filter and `sla` counts the `sla` filter, so ' +
          'each count says what choosing it would list. SLA colours of open cases: `breached` (a deadline breached, or due ' +
          'and not yet flagged), `warning` (the running deadline past its warning time), `ok` (the rest, paused included).',
        querystring: Type.Object(ListFilters),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            stage: Type.Record(Type.String(), Type.Integer()),
            sla: Type.Object({
              ok: Type.Integer(),
              warning: Type.Integer(),
              breached: Type.Integer(),
              closed: Type.Integer(),
            }),
          }),
          ...standardErrors,
        },
      },
    },
    async (request) => {
      const filters = await filtersOf(request.query);
      if (!filters) return { total: 0, stage: {}, sla: { ok: 0, warning: 0, breached: 0, closed: 0 } };
      return countCases(app.orm.em.fork(), principalOf(request), filters);
    },
  );

  /** The list's filters from its query (undefined: a unit that does not exist, so nothing). */
  async function filtersOf(q: Static<typeof _listFiltersSchema>): Promise<CaseFilters | undefined> {
    let unitPath: string | undefined;
    if (q.unit) {
      const found = await app.orm.em.fork().findOne(Unit, { code: q.unit });
      if (!found) return undefined;
      unitPath = found.path;
    }
    const { stage, level, overdue, open, q: text, sla, scope } = q;
    return { stage, unitPath, level, open, overdue, q: text, sla, mine: scope === 'mine', ownUnit: scope === 'unit' };
  }

  // The work queue's saved views and its live changes (GET /disputes/changes).
  await app.register(savedViewsRoutes);

  app.get(
    '/disputes/:id',
    {
      schema: {
        tags: ['disputes'],
        summary: 'A case as it stands (from the read model)',
        params: IdParams,
        response: { 200: Type.Ref('Dispute'), ...standardErrors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const found = await findVisibleCase(app.orm.em.fork(), principal, request.params.id);
      return caseAnswer(principal, found) as never;
    },
  );

  app.get(
    '/disputes/:id/events',
    {
      schema: {
        tags: ['disputes'],
        summary: "The case's history, oldest first",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(DisputeEventSchema) }), ...standardErrors },
      },
    },
    async (request) => {
      const em = app.orm.em.fork();
      const principal = principalOf(request);
      const found = await findVisibleCase(em, principal, request.params.id);
      const events = await caseEvents(em, request.params.id);
      return {
        items: eventsAnswer(
          principal,
          found,
          events.map((e) => ({
            seq: e.seq,
            type: e.type,
            at: e.at.toISOString(),
            actor: e.actor,
            payload: e.payload,
          })),
        ),
      };
    },
  );

  for (const action of ACTIONS) {
    // Evidence comes through POST /disputes/{id}/attachments (api/routes/attachments.ts), which stores it first.
    if (INTERNAL_ACTIONS.includes(action)) continue;
    const update = ACTION_UPDATES[action];
    const payloadSchema = ActionPayloadSchemas[action];
    app.post(
      `/disputes/:id/signals/${action}`,
      {
        schema: {
          tags: ['actions'],
          summary: `Action: ${action}`,
          description: `${payloadSchema.description ?? ''} Each action ("signal" in the URL, as the users call them) is a Temporal Update of the case's workflow: applied once, answered when applied. Answers 409 (naming the stage and the allowed actions) when the case does not allow it now, 403 when the caller's role or area does not.`,
          params: IdParams,
          headers: IdempotencyHeaders,
          body: payloadSchema,
          response: { 200: Type.Ref('Dispute'), 409: problemRef, 422: problemRef, ...standardErrors },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        checkActionBody(action, request.body); // remote meetings' link and place (api/meeting-checks.ts)
        const key = request.headers['idempotency-key'];
        const run = async (found: CaseHead): Promise<Answer> => {
          checkMayActOn(principal, found, action);
          const handle = app.temporal.workflow.getHandle(workflowIdFor(found.id));
          try {
            const send = () =>
              withinDeadline(app, () =>
                handle.executeUpdate(update as typeof acceptUpdate, {
                  args: [{ actor: actorOf(principal), payload: request.body as never }],
                  // Temporal deduplicates updates by id within a run: a retry after a lost answer applies nothing twice.
                  updateId: key ? sha256Hex(`${principalKey(principal)}:${key}`) : undefined,
                }),
              );
            // A case applies one action at a time: when it is busy for a moment, wait a little and try
            // again rather than hand the caller a 409 for a transition that takes milliseconds.
            let answer: CaseReceipt | undefined;
            for (let attempt = 1; !answer; attempt++) {
              try {
                answer = await send();
              } catch (err) {
                if (attempt >= BUSY_RETRIES || !refusedAsBusy(err)) throw err;
                await new Promise((r) => setTimeout(r, 50 * attempt));
              }
            }
            return { status: 200, body: caseAnswer(principal, await caseAfter(app, answer)) };
          } catch (err) {
            if (err instanceof WorkflowNotFoundError || isCompleted(err)) {
              const current = await app.orm.em.fork().findOneOrFail(Dispute, { id: found.id });
              throw new AppError('action_refused', `the case is ${current.stage}`, {
                stage: current.stage,
                allowed: [],
              });
            }
            throw fromTemporal(err) ?? err;
          }
        };
        const id = request.params.id;
        // With a key, only a case the caller may see claims it.
        const answer = key
          ? await idempotently<CaseHead>(
              app.orm.em.fork(),
              {
                principal: principalKey(principal),
                key,
                request: { route: action, id, body: request.body },
                disputeId: id,
                guard: {
                  find: () => visibleCaseHead(app.orm.em.fork(), principal, id),
                  missing: () => caseNotFound(id),
                },
              },
              (_disputeId, head) => run(head),
            )
          : await run(await findVisibleCaseHead(app.orm.em.fork(), principal, id));
        return replayed(answer) as never;
      },
    );
  }
};

const BUSY_RETRIES = 8;

function refusedAsBusy(err: unknown): boolean {
  const cause = (err as { cause?: { type?: string; details?: unknown[] } })?.cause;
  return cause?.type === ACTION_REFUSED && (cause.details?.[0] as ActionRefusedDetails | undefined)?.busy === true;
}

function isCompleted(err: unknown): boolean {
  const text = String((err as { cause?: unknown })?.cause ?? err);
  return /workflow execution already completed/i.test(text);
}

export default disputes;
