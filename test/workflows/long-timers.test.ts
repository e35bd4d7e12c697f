/**
 * The deadlines that run for days, on the time-skipping test server (from the PyPI wheel): the
 * one-working-day accept clock, the follow-up visit 15 days after effectiveness and the 30-day
 * judicial-confirmation window with its reminder. Real activities, real PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { LogNotifier } from '../../activities/notifier';
import { Alert, DisputeEvent, Notification } from '../../db/entities';
import { initORM } from '../../db/orm';
import { ISO_INSTANT } from '../../domain/beijing-time';
import { workingSecondsBetween } from '../../domain/calendar';
import type { Actor, StartDisputeInput } from '../../domain/types';
import { createRenderer } from '../../templates/render';
import { ACTION_UPDATES, intakeDoneUpdate, stateQuery, workflowIdFor } from '../../workflows/dispute.messages';
import { saveHistory } from '../helpers/histories';
import { installQuietRuntime } from '../helpers/runtime';
import { startTimeSkipping } from '../helpers/time-skipping';

let env: TestWorkflowEnvironment;
let orm: MikroORM;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `long-timers-${randomUUID()}`;
const DAY = 24 * 3600 * 1000;

beforeAll(async () => {
  installQuietRuntime();
  env = await startTimeSkipping();
  orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 5 } });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: process.env.FENGQIAO_TEST_BUNDLE! },
    activities: createActivities({ orm, renderer: createRenderer(), notifier: new LogNotifier(() => undefined) }),
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await orm?.close();
  await env?.teardown();
});

const mediatorOf = (unit: string, path: string): Actor => ({
  type: 'staff',
  id: `u-mediator-${unit}`,
  name: `${unit} mediator`,
  role: 'mediator',
  unitCode: unit,
  unitPath: path,
});
const STREET = mediatorOf('wangjiaqiao-street', '/changde/jinshi/wangjiaqiao-street/');
/** The street committee's 主任, who affixes its seal (人民调解法 Art. 29). */
const STREET_DIRECTOR: Actor = {
  ...STREET,
  id: 'u-supervisor-wangjiaqiao-street',
  name: '汪家桥街道主任',
  role: 'supervisor',
};

it('escalates after one working day, then runs the follow-up visit and the 30-day confirmation window', async () => {
  const disputeId = randomUUID();
  const input: StartDisputeInput = {
    disputeId,
    gridCode: 'wangjiaqiao-g1',
    category: 'property',
    priority: 'normal',
    title: '维修基金纠纷',
    description: '物业公司与业委会就维修基金使用产生分歧。',
    parties: [
      { name: '程某', role: 'applicant', kind: 'person' },
      { name: '某物业公司', role: 'respondent', kind: 'organisation' },
    ],
    channel: '580-app',
    reportedBy: { type: 'integrator', id: 'demo-integrator', name: 'test', role: 'integrator' },
    receivedAt: new Date(await env.currentTimeMs()).toISOString(),
  };
  const handle = await env.client.workflow.start('disputeWorkflow', {
    workflowId: workflowIdFor(disputeId),
    taskQueue,
    args: [input],
  });
  const act = (name: keyof typeof ACTION_UPDATES, payload: object, actor: Actor = STREET) =>
    handle.executeUpdate(ACTION_UPDATES[name] as (typeof ACTION_UPDATES)['accept'], {
      args: [{ actor, payload: payload as never }],
    });
  const events = async () =>
    (await orm.em.fork().find(DisputeEvent, { disputeId }, { orderBy: { seq: 'asc' } })).map((e) => e.type);

  const receipt = await handle.executeUpdate(intakeDoneUpdate);
  expect(receipt).toMatchObject({ receipt: true, disputeId, seq: 1, stage: 'awaiting_acceptance' });
  const first = await handle.query(stateQuery);
  const accept = first.deadlines!.accept!;
  expect(workingSecondsBetween(new Date(accept.startedAt), new Date(accept.dueAt), { kind: 'cn-workdays' })).toBe(
    23_400,
  );

  // Nobody accepts: past the working day (at most four calendar days away, even over a weekend).
  await env.sleep(Date.parse(accept.dueAt) - (await env.currentTimeMs()) + 60_000);
  const escalated = await handle.query(stateQuery);
  expect(escalated).toMatchObject({ stage: 'awaiting_acceptance', unit: { code: 'wangjiaqiao-street' } });
  const alerts = await orm.em.fork().find(Alert, { disputeId }, { orderBy: { id: 'asc' } });
  expect(alerts.map((a) => [a.kind, a.unitCode])).toEqual([
    ['accept_warning', 'wangjiaqiao-community'],
    ['accept_breach', 'wangjiaqiao-community'],
  ]);

  await act('accept', {});
  // The parties' will on record before an agreement (人民调解法 Art. 17, 23–24).
  await act('record-consent', { party: 0, consented: true, manner: 'by_application', rightsNotice: 'written' });
  await act('record-consent', { party: 1, consented: true, manner: 'oral', rightsNotice: 'written' });
  await act('resolve', {
    facts: '事实',
    matters: '争议',
    responsibilities: '责任',
    terms: [{ text: '物业公司组织维修', obligor: '某物业公司', method: '组织施工', immediate: true }],
  });
  for (const signer of ['party:0', 'party:1', 'mediator']) await act('sign', { signer, method: 'signature' });
  expect(await act('seal', {}, STREET_DIRECTOR)).toMatchObject({ receipt: true, stage: 'follow_up' });
  const effective = await handle.query(stateQuery);
  expect(effective.stage).toBe('follow_up');
  const effectiveAt = Date.parse(effective.agreement!.effectiveAt!);
  expect(Date.parse(effective.followUp!.dueAt) - effectiveAt).toBe(15 * DAY);

  await env.sleep(16 * DAY);
  const due = await orm.em.fork().findOne(Alert, { disputeId, kind: 'follow_up_due' });
  expect(due?.unitCode).toBe('wangjiaqiao-street');
  expect(await orm.em.fork().findOne(Notification, { key: `${disputeId}:judicial:1` })).toBeNull();

  // Seven days before the window ends (24:00 Beijing time of its last day, 民法典 Art. 203).
  await env.sleep(
    Date.parse(effective.deadlines!.judicial_confirmation!.warnAt) - (await env.currentTimeMs()) + 60_000,
  );
  const reminder = await orm.em.fork().findOneOrFail(Notification, { key: `${disputeId}:judicial:1` });
  expect(reminder).toMatchObject({ kind: 'judicial_confirmation_reminder', status: 'sent' });
  expect(reminder.recipients).toEqual(expect.arrayContaining(['程某', '某物业公司']));
  // What people read: Beijing time in Chinese form, never an ISO instant (issue 21 item 8).
  expect(reminder.message).toMatch(/将于\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}届满/);
  for (const text of [reminder.message, due!.message]) expect(text).not.toMatch(ISO_INSTANT);

  await act('record-follow-up', { method: 'home', met: ['当事人'], performed: true, satisfaction: 5 });
  // The case is closed, but the workflow keeps the confirmation window until it ends.
  const result = await handle.result();
  expect(result).toMatchObject({ stage: 'closed', outcome: 'resolved', deadlines: {} });
  expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(effectiveAt + 30 * DAY);
  expect((await events()).slice(-3)).toEqual(['follow_up_recorded', 'closed', 'judicial_confirmation_window_closed']);
  await saveHistory(env.client, workflowIdFor(disputeId), 'working-day-escalation-follow-up-due-judicial-window');
});
