import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  arrangementHistory,
  arrangementStatus,
  enterArrangement,
  HolidayStore,
  latestRevision,
  missingNationalYears,
  previewArrangement,
  unitPathOf,
} from '../../db/holidays';
import type { OfficePeriod } from '../../domain/calendar';
import { MAX_DAYS_PER_YEAR, SEED_YEARS, changedDates, checkArrangement, dayNumberOf } from '../../domain/holidays';
import { holidayReplanWorkflowId } from '../../workflows/holiday-replan.workflow';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { CODE_PATTERN, standardErrors, stringEnum } from '../schemas/common';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';

const DaySchema = Type.Object(
  {
    date: Type.String({ pattern: DATE, description: 'A Beijing calendar date, YYYY-MM-DD' }),
    kind: stringEnum(['off', 'work'] as const, {
      description: 'off: a day off (放假); work: a Saturday or Sunday worked (调休上班)',
    }),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description: 'The holiday, as the notice names it: 元旦, 春节, 国庆节, …',
      }),
    ),
  },
  { additionalProperties: false },
);

const ArrangementBody = Type.Object(
  {
    year: Type.Optional(
      Type.Integer({ description: 'If given (as in an imported file), must equal the year in the path' }),
    ),
    region: Type.Optional(
      Type.String({
        pattern: CODE_PATTERN,
        description:
          "A unit's code: the days add to the national arrangement for that unit's subtree. Absent: the national arrangement",
      }),
    ),
    source: Type.Object(
      {
        title: Type.String({
          minLength: 4,
          maxLength: 200,
          description: 'The notice, e.g. 国务院办公厅关于2027年部分节假日安排的通知',
        }),
        date: Type.Optional(Type.String({ pattern: DATE, description: 'The date it was issued' })),
        url: Type.Optional(Type.String({ format: 'uri', maxLength: 500 })),
      },
      { additionalProperties: false },
    ),
    note: Type.Optional(Type.String({ maxLength: 500 })),
    days: Type.Array(DaySchema, {
      maxItems: MAX_DAYS_PER_YEAR,
      description: 'Every day off and every make-up working day of the year (weekends inside a break are days off too)',
    }),
  },
  { additionalProperties: false, $id: 'HolidayArrangement' },
);
type ArrangementInput = Static<typeof ArrangementBody>;

const YearParams = Type.Object({ year: Type.Integer({ minimum: 1990, maximum: 2200 }) });
const RegionQuery = Type.Object(
  { region: Type.Optional(Type.String({ pattern: CODE_PATTERN })) },
  { additionalProperties: false },
);

const Move = Type.Object({
  kind: Type.String(),
  dueAt: Type.String({ format: 'date-time' }),
  newDueAt: Type.String({ format: 'date-time' }),
  warnAt: Type.String({ format: 'date-time' }),
  newWarnAt: Type.String({ format: 'date-time' }),
  provisionalYears: Type.Array(Type.Integer()),
  newProvisionalYears: Type.Array(Type.Integer()),
});
const Preview = Type.Object({
  year: Type.Integer(),
  region: Type.Union([Type.String(), Type.Null()]),
  changedDates: Type.Array(Type.String(), { description: 'Days that differ from the arrangement in force' }),
  cases: Type.Array(
    Type.Object({
      disputeId: Type.String(),
      caseNumber: Type.Union([Type.String(), Type.Null()]),
      unitCode: Type.Union([Type.String(), Type.Null()]),
      moves: Type.Array(Move),
    }),
  ),
  truncated: Type.Boolean({ description: 'More cases would move than are listed' }),
});

const StatusRow = Type.Object({
  region: Type.Union([Type.String(), Type.Null()]),
  regionName: Type.Union([Type.String(), Type.Null()]),
  year: Type.Integer(),
  revision: Type.Integer(),
  revisions: Type.Integer({ description: 'How many times the year was entered' }),
  daysOff: Type.Integer(),
  makeUpDays: Type.Integer(),
  sourceTitle: Type.String(),
  sourceDate: Type.Union([Type.String(), Type.Null()]),
  sourceUrl: Type.Union([Type.String(), Type.Null()]),
  enteredBy: Type.String(),
  enteredAt: Type.String({ format: 'date-time' }),
  note: Type.Union([Type.String(), Type.Null()]),
});

/** The notice's date must be a real day (PostgreSQL refuses 0000-00-00 and year 0). */
function sourceDateProblems(date: string | undefined): Array<{ field: string; message: string }> {
  if (date === undefined) return [];
  const day = dayNumberOf(date);
  const year = Number(date.slice(0, 4));
  return Number.isNaN(day) || year < 1949 || year > 2200
    ? [
        {
          field: '/source/date',
          message: `通知日期“${date}”不是有效日期 / the notice's date ${date} is not a calendar date`,
        },
      ]
    : [];
}

/**
 * Admin: holiday arrangements (节假日安排), national and regional, per year: their status, one year's
 * revisions, a preview of the open deadlines a change would move, and entering (or importing) a
 * year, after which the open cases concerned re-plan their deadlines through their workflows.
 */
const calendars: FastifyPluginAsyncTypebox<{ officeHours?: OfficePeriod[] }> = async (app, opts) => {
  const store = new HolidayStore();

  /** The arrangement as entered, checked: the region exists, the year matches, every day is sound. */
  async function checked(
    year: number,
    body: ArrangementInput,
  ): Promise<{ region: string | null; regionPath: string | null }> {
    if (body.year !== undefined && body.year !== year) {
      throw new AppError(
        'validation_failed',
        `文件中的年份 ${body.year} 与地址中的 ${year} 不符 / the file is for ${body.year}, not ${year}`,
        {
          errors: [{ field: '/year', message: `expected ${year}` }],
        },
      );
    }
    const problems = [
      ...checkArrangement(year, body.days).map((p) => ({
        field: `/${p.at.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`,
        message: p.message,
      })),
      ...sourceDateProblems(body.source.date),
      ...(body.region === undefined && !body.days.some((d) => d.kind === 'off')
        ? [
            {
              field: '/days',
              message:
                '全国安排至少应列出放假日（如元旦）/ a national arrangement lists at least its days off (New Year’s Day, …)',
            },
          ]
        : []),
    ];
    if (problems.length)
      throw new AppError('validation_failed', problems.map((p) => p.message).join('; '), { errors: problems });
    const region = body.region ?? null;
    const regionPath = region ? await unitPathOf(app.orm.em.fork(), region) : null;
    if (region && !regionPath) {
      throw new AppError('validation_failed', `没有代码为 ${region} 的单位 / no unit ${region}`, {
        errors: [{ field: '/region', message: `no unit ${region}` }],
      });
    }
    return { region, regionPath };
  }

  async function startReplan(region: string | null, year: number, revision: number): Promise<string | null> {
    const workflowId = holidayReplanWorkflowId(region, year, revision);
    try {
      await app.temporal.workflow.start('holidayReplanWorkflow', {
        workflowId,
        taskQueue: app.taskQueue,
        args: [{ year, region, revision }],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return workflowId;
      app.log.warn({ err, year, region, revision }, 're-planning not started');
      return null;
    }
    return workflowId;
  }

  app.get(
    '/calendars',
    {
      schema: {
        tags: ['admin'],
        summary: 'Holiday arrangements: each year in force, national and regional, and the years missing',
        response: {
          200: Type.Object({
            seed: Type.Object(
              { first: Type.Integer(), last: Type.Integer() },
              { description: 'The years seeded from chinese-days' },
            ),
            missing: Type.Array(Type.Integer(), {
              description: 'National years due and not entered: this year, and from 1 October next year',
            }),
            revision: Type.Integer({ description: 'The latest revision' }),
            items: Type.Array(StatusRow),
          }),
          ...standardErrors,
        },
      },
    },
    async () => {
      const em = app.orm.em.fork();
      const [items, missing, revision] = await Promise.all([
        arrangementStatus(em),
        missingNationalYears(em, new Date()),
        latestRevision(em),
      ]);
      return { seed: SEED_YEARS, missing, revision, items };
    },
  );

  app.get(
    '/calendars/:year',
    {
      schema: {
        tags: ['admin'],
        summary: "One year's arrangement (national, or a region's with ?region=) and its revisions, newest first",
        params: YearParams,
        querystring: RegionQuery,
        response: {
          200: Type.Object({
            year: Type.Integer(),
            region: Type.Union([Type.String(), Type.Null()]),
            revisions: Type.Array(
              Type.Object({
                revision: Type.Integer(),
                days: Type.Array(DaySchema),
                sourceTitle: Type.String(),
                sourceDate: Type.Union([Type.String(), Type.Null()]),
                sourceUrl: Type.Union([Type.String(), Type.Null()]),
                enteredBy: Type.String(),
                enteredAt: Type.String({ format: 'date-time' }),
                note: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...standardErrors,
        },
      },
    },
    async (request) => {
      const region = request.query.region ?? null;
      const revisions = await arrangementHistory(app.orm.em.fork(), region, request.params.year);
      if (revisions.length === 0)
        throw new AppError(
          'not_found',
          `${request.params.year}年${region ? `（${region}）` : ''}尚无节假日安排 / no arrangement for ${request.params.year}${region ? ` in ${region}` : ''}`,
        );
      return {
        year: request.params.year,
        region,
        revisions: revisions.map((r) => ({
          ...r,
          days: r.days.map((d) => ({ date: d.date, kind: d.kind, ...(d.name ? { name: d.name } : {}) })),
        })),
      };
    },
  );

  app.post(
    '/calendars/:year/preview',
    {
      schema: {
        tags: ['admin'],
        summary: 'Which open deadlines entering this arrangement would move, and where to (nothing is written)',
        params: YearParams,
        body: ArrangementBody,
        response: { 200: Preview, ...standardErrors },
      },
    },
    async (request) => {
      const { year } = request.params;
      const where = await checked(year, request.body);
      const em = app.orm.em.fork();
      const current = await arrangementHistory(em, where.region, year);
      const { cases, truncated } = await previewArrangement(
        em,
        store,
        { ...where, year, days: request.body.days },
        { now: new Date(), officeHours: opts.officeHours },
      );
      return {
        year,
        region: where.region,
        changedDates: changedDates(current[0]?.days ?? [], request.body.days),
        cases,
        truncated,
      };
    },
  );

  app.put(
    '/calendars/:year',
    {
      schema: {
        tags: ['admin'],
        summary:
          "Enter (or import, or correct) a year's arrangement: a new revision; the open cases whose deadlines it moves re-plan them",
        description:
          'The body is also the format of an imported JSON file. Each open case whose running working-day deadlines reach into the year is signalled by a re-planning workflow; it records the moves as a `deadlines_replanned` event. Deadlines already computed keep the revision they recorded until then.',
        params: YearParams,
        body: ArrangementBody,
        response: {
          200: Type.Object({
            year: Type.Integer(),
            region: Type.Union([Type.String(), Type.Null()]),
            revision: Type.Integer(),
            previousRevision: Type.Union([Type.Integer(), Type.Null()]),
            changedDates: Type.Array(Type.String()),
            replan: Type.Union([Type.Object({ workflowId: Type.String() }), Type.Null()], {
              description:
                'The re-planning run, if one was needed; null also when it could not be started (retry with POST …/replan)',
            }),
          }),
          ...standardErrors,
        },
      },
    },
    async (request) => {
      const { year } = request.params;
      const where = await checked(year, request.body);
      const p = principalOf(request);
      const enteredBy = p.kind === 'staff' ? p.username : p.id;
      const saved = await enterArrangement(app.orm.em.fork(), {
        region: where.region,
        year,
        days: request.body.days,
        source: request.body.source,
        note: request.body.note,
        enteredBy,
      });
      request.log.info(
        { year, region: where.region, revision: saved.revision, changed: saved.changed.length },
        'holiday arrangement entered',
      );
      const needed = saved.changed.length > 0 || saved.previous === undefined;
      const workflowId = needed ? await startReplan(where.region, year, saved.revision) : null;
      return {
        year,
        region: where.region,
        revision: saved.revision,
        previousRevision: saved.previous ?? null,
        changedDates: saved.changed,
        replan: workflowId ? { workflowId } : null,
      };
    },
  );

  app.post(
    '/calendars/:year/replan',
    {
      schema: {
        tags: ['admin'],
        summary:
          "Re-plan the open cases for the year's arrangement in force (after a re-planning run could not be started)",
        params: YearParams,
        querystring: RegionQuery,
        response: { 202: Type.Object({ workflowId: Type.String() }), ...standardErrors },
      },
    },
    async (request, reply) => {
      const region = request.query.region ?? null;
      const [latest] = await arrangementHistory(app.orm.em.fork(), region, request.params.year);
      if (!latest) throw new AppError('not_found', `no arrangement for ${request.params.year}`);
      const workflowId = await startReplan(region, request.params.year, latest.revision);
      if (!workflowId)
        throw new AppError('unavailable', '重新计算未能启动，请稍后再试 / re-planning could not be started: retry');
      return reply.status(202).send({ workflowId });
    },
  );
};

export default calendars;
