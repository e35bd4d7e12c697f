/**
 * Holiday arrangements as data, end to end on the time-skipping test server (from the PyPI wheel),
 * the real worker and activities, the real API and PostgreSQL: a case reported on 31 December at
 * 16:00 while next year has no arrangement gets a provisional accept deadline on 1 January and the
 * admins an alert; the admin imports the year from a JSON file; the open case is re-planned
 * through its workflow (an event on the case) to the next working day; a case reported afterwards
 * gets the right deadline at once.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { LogNotifier } from '../../activities/notifier';
import { buildApp } from '../../api/app';
import { initORM } from '../../db/orm';
import { addWorkingTime, WORKING_DAY_SECONDS } from '../../domain/calendar';
import { buildHolidayTable, seedArrangements, type HolidayDay } from '../../domain/holidays';
import type { Deadline } from '../../domain/types';
import { createRenderer } from '../../templates/render';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { saveHistory } from '../helpers/histories';
import { TEST_API_KEY, TEST_PASSWORD } from '../helpers/run-state';
import { installQuietRuntime } from '../helpers/runtime';
import { startTimeSkipping } from '../helpers/time-skipping';
import { eventually, expectStatus } from '../helpers/system';

const fixture = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/holidays-2027.json'), 'utf8')) as {
  year: number;
  source: { title: string };
  days: HolidayDay[];
};

let env: TestWorkflowEnvironment;
let orm: MikroORM;
let worker: Worker;
let running: Promise<void>;
let app: FastifyInstance;
const taskQueue = `holidays-${randomUUID()}`;

/**
 * The scenario is about the turn of 2026 into 2027, with the fixture for 2027. Run after that
 * date, it moves to the next turn of the year and enters the same days (1–3 January) for it.
 */
const NOW_YEAR = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
const YEAR = Math.max(2027, NOW_YEAR + 1);
const days: HolidayDay[] = fixture.days.map((d) => ({ ...d, date: `${YEAR}${d.date.slice(4)}` }));
const body = { ...fixture, year: YEAR, days };

beforeAll(async () => {
  installQuietRuntime();
  env = await startTimeSkipping();
  orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 5 } });
  const renderer = createRenderer();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: process.env.FENGQIAO_TEST_BUNDLE! },
    activities: createActivities({ orm, renderer, notifier: new LogNotifier(() => undefined) }),
  });
  running = worker.run();
  app = await buildApp({
    config: { tokenTtlSeconds: 3600, logLevel: 'silent', rateLimits: { perKey: 1e6, perIp: 1e6, loginPerIp: 1e6 } },
    orm,
    temporal: env.client,
    renderer,
    taskQueue,
    logger: false,
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await running;
  // Leave the shared test database as the other files expect it: no arrangement past the seed.
  await orm?.em.fork().execute('delete from holiday_arrangements where year = ?', [YEAR]);
  await orm?.close();
  await env?.teardown();
});

const integrator = { authorization: `Bearer ${TEST_API_KEY}` };
async function adminHeaders() {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/token',
    payload: { username: 'admin', password: TEST_PASSWORD },
  });
  return { authorization: `Bearer ${expectStatus(res, 200).access_token}` };
}
const report = (title: string) => ({
  gridCode: 'wangjiaqiao-g1',
  category: 'neighbour',
  title,
  description: '两户邻居因楼道堆放杂物发生争执，网格员上报。',
  parties: [
    { name: '赵某', role: 'applicant' },
    { name: '钱某', role: 'respondent' },
  ],
  channel: 'grid',
});
const caseOf = async (id: string) =>
  expectStatus(await app.inject({ url: `/api/v1/disputes/${id}`, headers: integrator }), 200);
const eventsOf = async (id: string) =>
  expectStatus(await app.inject({ url: `/api/v1/disputes/${id}/events`, headers: integrator }), 200).items as Array<{
    type: string;
    actor: { type: string };
    payload: any;
  }>;

it(`reported on 31 December ${YEAR - 1} at 16:00: provisional until ${YEAR} is entered, then re-planned past New Year's Day`, async () => {
  // The workflow clock to 31 December, 16:00 Beijing time.
  const reportedAt = Date.parse(`${YEAR - 1}-12-31T16:00:00+08:00`);
  await env.sleep(reportedAt - Date.now());

  const before = expectStatus(
    await app.inject({
      method: 'POST',
      url: '/api/v1/disputes',
      headers: integrator,
      payload: report('楼道堆物纠纷（年末）'),
    }),
    201,
  );
  const first = await caseOf(before.id);
  const accept = first.deadlines.accept as Deadline;
  expect(Date.parse(accept.startedAt)).toBeGreaterThanOrEqual(reportedAt);
  expect(Date.parse(accept.startedAt)).toBeLessThan(reportedAt + 60_000);
  // Without the year's data New Year's Day counts as a working day: due on 1 January, marked provisional.
  const started = new Date(accept.startedAt);
  const weekdaysOnly = addWorkingTime(started, WORKING_DAY_SECONDS, {
    kind: 'cn-workdays',
    holidays: buildHolidayTable(seedArrangements()),
  });
  expect(accept.dueAt).toBe(weekdaysOnly.toISOString());
  expect(accept.dueAt.slice(0, 10)).toBe(`${YEAR}-01-01`);
  expect(accept.provisionalYears).toEqual([YEAR]);
  expect(accept.calendarRevision).toBeGreaterThan(0);

  // The admins have the alert that the year is missing (raised by the deadline, and by the daily check).
  const admin = await adminHeaders();
  const alerts = expectStatus(await app.inject({ url: '/api/v1/alerts?unacked=true&limit=200', headers: admin }), 200)
    .items as Array<{ kind: string; message: string }>;
  const missing = alerts.filter((a) => a.kind === 'holiday_data_missing' && a.message.startsWith(`${YEAR}年`));
  expect(missing.length).toBeGreaterThanOrEqual(1);
  expect(missing[0]!.message).toContain('节假日安排尚未录入');
  const status = expectStatus(await app.inject({ url: '/api/v1/admin/calendars', headers: admin }), 200);
  expect(status.items.some((r: { year: number; region: string | null }) => r.year === YEAR && r.region === null)).toBe(
    false,
  );

  // The preview names the case and where its deadline would go.
  const preview = expectStatus(
    await app.inject({ method: 'POST', url: `/api/v1/admin/calendars/${YEAR}/preview`, headers: admin, payload: body }),
    200,
  );
  const mine = preview.cases.find((c: { disputeId: string }) => c.disputeId === before.id);
  expect(mine).toBeDefined();
  expect(mine.moves).toEqual([
    expect.objectContaining({ kind: 'accept', dueAt: accept.dueAt, provisionalYears: [YEAR], newProvisionalYears: [] }),
  ]);
  const expectedDue = addWorkingTime(started, WORKING_DAY_SECONDS, {
    kind: 'cn-workdays',
    holidays: buildHolidayTable([...seedArrangements(), { region: null, year: YEAR, revision: 1, days }]),
  }).toISOString();
  expect(mine.moves[0].newDueAt).toBe(expectedDue);
  // 2027: 1.5 h of 31 December, then 1–3 January off, then 5 h of Monday the 4th: 16:00 on 4 January
  // (plus the milliseconds the case was reported after 16:00).
  if (YEAR === 2027)
    expect(Date.parse(expectedDue) - Date.parse('2027-01-04T16:00:00+08:00')).toBe(
      Date.parse(accept.startedAt) - reportedAt,
    );

  // The admin imports the year from the file.
  const entered = expectStatus(
    await app.inject({ method: 'PUT', url: `/api/v1/admin/calendars/${YEAR}`, headers: admin, payload: body }),
    200,
  );
  expect(entered.changedDates).toEqual(days.map((d) => d.date));
  expect(entered.replan?.workflowId).toBeTruthy();

  // The open case is re-planned through its workflow, on the record.
  const replanned = await eventually(
    async () => (await eventsOf(before.id)).find((e) => e.type === 'deadlines_replanned'),
    20_000,
    'deadlines_replanned',
  );
  expect(replanned.actor.type).toBe('system');
  expect(replanned.payload.revision).toBe(entered.revision);
  expect(replanned.payload.moves).toEqual([
    expect.objectContaining({ kind: 'accept', dueAt: accept.dueAt, newDueAt: expectedDue, newProvisionalYears: [] }),
  ]);
  const after = await caseOf(before.id);
  expect(after.deadlines.accept.dueAt).toBe(expectedDue);
  expect(after.deadlines.accept.provisionalYears).toBeUndefined();
  expect(after.deadlines.accept.calendarRevision).toBe(entered.revision);
  expect(after.nextDeadlineAt).toBe(expectedDue);

  // The missing-year alert is settled by the entry.
  const open = expectStatus(await app.inject({ url: '/api/v1/alerts?unacked=true&limit=200', headers: admin }), 200)
    .items as Array<{ kind: string; message: string }>;
  expect(open.filter((a) => a.kind === 'holiday_data_missing' && a.message.startsWith(`${YEAR}年`))).toEqual([]);

  // A case reported now gets the right deadline at once, not provisional.
  const later = expectStatus(
    await app.inject({
      method: 'POST',
      url: '/api/v1/disputes',
      headers: integrator,
      payload: report('楼道堆物纠纷（录入后）'),
    }),
    201,
  );
  const fresh = (await caseOf(later.id)).deadlines.accept as Deadline;
  expect(fresh.provisionalYears).toBeUndefined();
  expect(fresh.calendarRevision).toBe(entered.revision);
  expect(new Date(fresh.dueAt).getTime()).toBeGreaterThanOrEqual(new Date(expectedDue).getTime());
  expect(new Date(fresh.dueAt).toISOString().slice(0, 10)).not.toBe(`${YEAR}-01-01`);

  // Entering the same days again changes nothing and re-plans nothing.
  const again = expectStatus(
    await app.inject({ method: 'PUT', url: `/api/v1/admin/calendars/${YEAR}`, headers: admin, payload: body }),
    200,
  );
  expect(again).toMatchObject({ changedDates: [], replan: null, previousRevision: entered.revision });

  await saveHistory(env.client, workflowIdFor(before.id), 'holiday-replan');
});
