/**
 * The dispute workflow's own logic, on the time-skipping test server with its activities mocked: no
 * PostgreSQL, no dev server. The mocks answer as the real activities would (a unit, a deadline) and
 * remember what the workflow asked of them: the events it recorded, the alerts it raised.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { RaiseAlertRequest } from '../../activities/alerts';
import type { Actor, Deadline, DeadlineKind, DisputeEvent, StartDisputeInput, UnitRef } from '../../domain/types';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import {
  ACTION_FORBIDDEN,
  ACTION_UPDATES,
  intakeDoneUpdate,
  stateQuery,
  workflowIdFor,
} from '../../workflows/dispute.messages';
import { installQuietRuntime } from '../helpers/runtime';
import { startTimeSkipping } from '../helpers/time-skipping';

const HOUR = 3600 * 1000;

const STREET: UnitRef = {
  code: 'wangjiaqiao-street',
  name: '汪家桥街道',
  level: 'street',
  committeeName: '汪家桥街道人民调解委员会',
  path: '/changde/jinshi/wangjiaqiao-street/',
};
const COMMUNITY: UnitRef = {
  code: 'wangjiaqiao-community',
  name: '汪家桥社区',
  level: 'community',
  committeeName: '汪家桥社区人民调解委员会',
  path: '/changde/jinshi/wangjiaqiao-street/wangjiaqiao-community/',
};
const PARENT: Record<string, UnitRef | null> = { [COMMUNITY.code]: STREET, [STREET.code]: null };
const mediatorOf = (unit: UnitRef): Actor => ({
  type: 'staff',
  id: `u-mediator-${unit.code}`,
  name: `${unit.name}调解员`,
  role: 'mediator',
  unitCode: unit.code,
  unitPath: unit.path,
});

/** Wall-clock deadlines, as the SLA policy would give them: accept in 24 h (warned at 20 h, escalating), the rest in days. */
const HOURS: Record<DeadlineKind, [warn: number, due: number]> = {
  accept: [20, 24],
  handling: [20 * 24, 30 * 24],
  report_in: [24, 48],
  signatures: [5 * 24, 7 * 24],
  follow_up: [15 * 24, 15 * 24],
  judicial_confirmation: [23 * 24, 30 * 24],
  meeting_reminder: [24, 24],
  judicial_ruling: [28 * 24, 28 * 24],
};
function deadline(kind: DeadlineKind, from: string): Deadline {
  const start = Date.parse(from);
  const [warn, due] = HOURS[kind];
  const at = (hours: number) => new Date(start + hours * HOUR).toISOString();
  return {
    kind,
    startedAt: from,
    warnAt: at(warn),
    dueAt: at(due),
    warned: false,
    breached: false,
    autoEscalate: kind === 'accept',
    calendar: 'wall-clock',
  };
}

/** What the mocked activities were asked to do, per case. */
interface Recorded {
  events: DisputeEvent[];
  alerts: RaiseAlertRequest[];
}
const recorded = new Map<string, Recorded>();
const of = (disputeId: string): Recorded => {
  let r = recorded.get(disputeId);
  if (!r) recorded.set(disputeId, (r = { events: [], alerts: [] }));
  return r;
};
const unexpected = (name: string) => async (): Promise<never> => {
  throw ApplicationFailure.nonRetryable(`the test did not expect activity ${name}`, 'UnexpectedActivity');
};

const activities: Activities = {
  intakeDispute: async (input) => ({
    caseNumber: `（2026）汪调字第${of(input.disputeId).events.length + 1}号`,
    unit: COMMUNITY,
    deadline: deadline('accept', input.from),
    risk: { high: false, reasons: [] },
  }),
  escalateCase: async (req) => {
    const parent = PARENT[req.unitCode];
    return parent ? { unit: parent, deadline: deadline('accept', req.from) } : null;
  },
  computeDeadline: async (req) => deadline(req.kind, req.from),
  extendDeadline: async (req) => req.deadline,
  afterEffective: async (req) => ({
    followUp: deadline('follow_up', req.effectiveAt),
    judicial: deadline('judicial_confirmation', req.effectiveAt),
  }),
  replanCase: async () => ({ deadlines: [], moves: [], revision: 1 }),
  recordEvent: async ({ event }) => {
    of(event.disputeId).events.push(event);
  },
  recordEvents: async ({ events }) => {
    for (const event of events) of(event.disputeId).events.push(event);
  },
  raiseAlert: async (req) => {
    of(req.disputeId).alerts.push(req);
  },
  sendNotice: async () => undefined,
  sealAgreement: async (req) => ({ number: `${req.view.caseNumber}-协议`, sha256: '0'.repeat(64) }),
  registerCaseNumber: async (req) => `（2026）${req.unitCode}人调受字第1号`,
  resolveUnit: unexpected('resolveUnit'),
  markStuck: unexpected('markStuck'),
  clearStuck: unexpected('clearStuck'),
  resolveAgencies: unexpected('resolveAgencies'),
  casesToReplan: unexpected('casesToReplan'),
  deliverWebhook: unexpected('deliverWebhook'),
  markDeliveryFailed: unexpected('markDeliveryFailed'),
  deliverNotice: unexpected('deliverNotice'),
  markNoticeFailed: unexpected('markNoticeFailed'),
  computeSafetyIndex: unexpected('computeSafetyIndex'),
};

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `unit-dispute-${randomUUID()}`;

beforeAll(async () => {
  installQuietRuntime();
  const [testEnv, bundle] = await Promise.all([
    startTimeSkipping(),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }),
  ]);
  env = testEnv;
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  running = worker.run();
}, 120_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

async function startCase() {
  const disputeId = randomUUID();
  const input: StartDisputeInput = {
    disputeId,
    gridCode: 'wangjiaqiao-g1',
    category: 'neighbour',
    priority: 'normal',
    title: '楼上漏水纠纷',
    description: '楼上住户卫生间漏水，楼下天花板受损。',
    parties: [
      { name: '程某', role: 'applicant', kind: 'person' },
      { name: '李某', role: 'respondent', kind: 'person' },
    ],
    channel: '580-app',
    reportedBy: { type: 'integrator', id: 'demo-integrator', name: 'test', role: 'integrator' },
    receivedAt: new Date(await env.currentTimeMs()).toISOString(),
  };
  of(disputeId);
  const handle = await env.client.workflow.start('disputeWorkflow', {
    workflowId: workflowIdFor(disputeId),
    taskQueue,
    args: [input],
  });
  await handle.executeUpdate(intakeDoneUpdate);
  const accept = (actor: Actor) => handle.executeUpdate(ACTION_UPDATES.accept, { args: [{ actor, payload: {} }] });
  const events = () => of(disputeId).events.map((e) => e.type);
  return { disputeId, handle, accept, events, alerts: () => of(disputeId).alerts.map((a) => [a.kind, a.unitCode]) };
}

it('registers the case with the community and starts its accept clock', async () => {
  const { handle, events, alerts } = await startCase();
  const state = await handle.query(stateQuery);
  expect(state).toMatchObject({
    stage: 'awaiting_acceptance',
    unit: { code: COMMUNITY.code },
    level: 'community',
    caseNumber: expect.stringMatching(/汪调字/),
  });
  expect(Date.parse(state.deadlines!.accept!.dueAt) - Date.parse(state.deadlines!.accept!.startedAt)).toBe(24 * HOUR);
  expect(events()).toEqual(['received']);
  expect(alerts()).toEqual([]);
});

it('accepts in time: mediation starts with its handling clock, and the accept clock never fires', async () => {
  const { handle, accept, events, alerts } = await startCase();
  const community = mediatorOf(COMMUNITY);
  await accept(community);
  const state = await handle.query(stateQuery);
  expect(state).toMatchObject({
    stage: 'in_mediation',
    acceptedBy: { id: community.id },
    assignee: { id: community.id },
  });
  expect(state.deadlines!.accept).toBeUndefined();
  expect(state.deadlines!.handling).toBeDefined();

  // Past the accept deadline: nothing happens, since it no longer runs.
  await env.sleep(25 * HOUR);
  expect(events()).toEqual(['received', 'accepted']);
  expect(alerts()).toEqual([]);
  expect((await handle.query(stateQuery)).stage).toBe('in_mediation');
});

it('on an accept-deadline breach warns, alerts and escalates to the street, which then accepts', async () => {
  const { handle, accept, events, alerts } = await startCase();
  const first = (await handle.query(stateQuery)).deadlines!.accept!;

  // The warning instant passes: a warning, nothing else.
  await env.sleep(Date.parse(first.warnAt) - (await env.currentTimeMs()) + 60_000);
  expect(alerts()).toEqual([['accept_warning', COMMUNITY.code]]);
  expect(events()).toEqual(['received']);

  // The due instant passes: the breach is alerted and recorded, and the case goes up a level.
  await env.sleep(Date.parse(first.dueAt) - (await env.currentTimeMs()) + 60_000);
  expect(alerts()).toEqual([
    ['accept_warning', COMMUNITY.code],
    ['accept_breach', COMMUNITY.code],
  ]);
  expect(events()).toEqual(['received', 'deadline_breached', 'escalated']);
  const escalated = await handle.query(stateQuery);
  expect(escalated).toMatchObject({ stage: 'awaiting_acceptance', unit: { code: STREET.code }, level: 'street' });
  expect(escalated.escalations).toEqual([
    expect.objectContaining({ from: COMMUNITY.code, to: STREET.code, automatic: true }),
  ]);
  expect(Date.parse(escalated.deadlines!.accept!.dueAt)).toBeGreaterThan(Date.parse(first.dueAt));

  // The community may no longer accept the ticket; the street does.
  const refused = await accept(mediatorOf(COMMUNITY)).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(ACTION_FORBIDDEN);
  await accept(mediatorOf(STREET));
  // The street takes it over under its own number; the community's stays as the original (原案号).
  expect(await handle.query(stateQuery)).toMatchObject({
    stage: 'in_mediation',
    unit: { code: STREET.code },
    acceptedBy: { id: mediatorOf(STREET).id },
    caseNumber: `（2026）${STREET.code}人调受字第1号`,
    priorCaseNumbers: ['（2026）汪调字第1号'],
  });
  expect(events()).toEqual(['received', 'deadline_breached', 'escalated', 'accepted', 'case_number_registered']);
  // The street's accept clock stopped with the acceptance: no alert for it.
  await env.sleep(25 * HOUR);
  expect(alerts().filter(([, unit]) => unit === STREET.code)).toEqual([]);
});

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
