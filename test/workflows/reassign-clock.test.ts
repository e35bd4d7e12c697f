/**
 * Issue 24: reassigning a case to another unit keeps its running deadline (patch
 * `reassign-keeps-clock`, workflows/dispute/reassign-clock.ts). Before it the move started every
 * clock afresh, so a late case left the overdue list by being handed on. On the real workflow and
 * timers, through the API a supervisor uses: the case stays in `GET /api/v1/disputes?overdue=true`
 * with its handling deadline unchanged, before and after the new unit accepts it; a case not yet
 * accepted keeps its accept deadline. Recorded for the replay suite (RECORD_HISTORIES=1).
 */
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { recordHistory } from '../helpers/histories';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  // Category `labour`, priority `urgent` is this file's own: 3 s to settle at a community (an hour to accept),
  // an hour for everything at the street.
  await sys.orm.em.execute(
    `insert into sla_policies (category, priority, level, accept_seconds, handling_seconds, report_in_seconds, signature_seconds, follow_up_days, warning_share, auto_escalate, calendar)
     values ('labour', 'urgent', 'community', 3600, 3, 3600, 3600, 15, 0.5, false, 'wall-clock'),
            ('labour', 'urgent', 'street', 3600, 3600, 3600, 3600, 15, 0.5, false, 'wall-clock')
     on conflict (category, priority, level) do nothing`,
  );
});
afterAll(() => sys?.close());

const report = () => ({
  gridCode: 'wangjiaqiao-g1',
  category: 'labour',
  priority: 'urgent',
  title: '装修工人工资拖欠纠纷',
  description: '装修队工人反映包工头拖欠两个月工资。',
  parties: [
    { name: '周某', role: 'applicant' },
    { name: '吴某', role: 'respondent' },
  ],
  channel: 'grid',
});

/** The case numbers the overdue list shows the caller for this case's number. */
async function overdueList(caseNumber: string, headers: Record<string, string>): Promise<string[]> {
  const list = expectStatus(
    await sys.app.inject({
      url: `/api/v1/disputes?overdue=true&limit=100&q=${encodeURIComponent(caseNumber)}`,
      headers,
    }),
    200,
  );
  return (list.items as Array<{ caseNumber: string }>).map((c) => c.caseNumber);
}

it('keeps the breached handling deadline and the overdue listing through a reassignment and the new acceptance', async () => {
  const created = await api.create(report());
  const community = await api.as('mediator@wangjiaqiao-community');
  const supervisor = await api.as('supervisor@wangjiaqiao-street');
  await api.act(created.id, 'accept', {}, community);
  const late = await eventually(
    async () => {
      const c = await api.get(created.id, supervisor);
      return c.overdue && c.deadlines.handling?.breached ? c : undefined;
    },
    15_000,
    'the handling deadline to be breached',
  );
  const handling = late.deadlines.handling;
  expect(await overdueList(created.caseNumber, supervisor)).toEqual([created.caseNumber]);

  const moved = await api.act(
    created.id,
    'reassign',
    { reason: '社区调处超期，改由街道办理', unitCode: 'wangjiaqiao-street' },
    supervisor,
  );
  expect(moved).toMatchObject({ stage: 'awaiting_acceptance', unit: { code: 'wangjiaqiao-street' }, overdue: true });
  expect(moved.deadlines.handling).toEqual(handling);
  // The street must still accept it, within its own accept deadline.
  expect(moved.deadlines.accept).toMatchObject({ breached: false });
  expect(await overdueList(created.caseNumber, supervisor)).toEqual([created.caseNumber]);
  console.log(
    `reassigned: handling due ${moved.deadlines.handling.dueAt} (before ${handling.dueAt}), breached ${moved.deadlines.handling.breached}, overdue ${moved.overdue}`,
  );

  const accepted = await api.act(created.id, 'accept', {}, await api.as('mediator@wangjiaqiao-street'));
  expect(accepted).toMatchObject({ stage: 'in_mediation', overdue: true });
  expect(accepted.deadlines.handling).toEqual(handling);
  // The street registers it under its own number (人民调解法: the committee that takes a case over).
  expect(await overdueList(accepted.caseNumber, supervisor)).toEqual([accepted.caseNumber]);
  const reassigned = (await api.events(created.id, supervisor)).find((e) => e.type === 'reassigned')!;
  expect(reassigned.payload).toMatchObject({ clockKept: true, handlingDueAt: handling.dueAt });
});

it('keeps the running accept deadline of a case not yet accepted, and a suspended handling clock resumes with the move', async () => {
  const created = await api.create(report());
  const supervisor = await api.as('supervisor@wangjiaqiao-street');
  const accept = created.deadlines.accept;
  const moved = await api.act(
    created.id,
    'reassign',
    { reason: '街道直接受理', unitCode: 'wangjiaqiao-street' },
    supervisor,
  );
  expect(moved).toMatchObject({ stage: 'awaiting_acceptance', unit: { code: 'wangjiaqiao-street' } });
  expect(moved.deadlines.accept).toEqual(accept);
  // Outside the supervisor's area: refused, the case unmoved.
  const outside = await api.tryAct(created.id, 'reassign', { reason: 'x', unitCode: 'yufuci-community' }, supervisor);
  expect(outside.statusCode).toBe(403);
  expect((await api.get(created.id, supervisor)).deadlines.accept).toEqual(accept);

  // The street accepts (its handling clock: an hour), suspends, and the supervisor hands it back down.
  const street = await api.as('mediator@wangjiaqiao-street');
  const accepted = await api.act(created.id, 'accept', {}, street);
  const handling = accepted.deadlines.handling;
  const suspended = await api.act(created.id, 'suspend', { reason: '等待劳动监察意见' }, street);
  await new Promise((r) => setTimeout(r, 1200));
  const back = await api.act(
    created.id,
    'reassign',
    { reason: '交由社区继续调解', unitCode: 'wangjiaqiao-community' },
    supervisor,
  );
  expect(back).toMatchObject({ stage: 'awaiting_acceptance', unit: { code: 'wangjiaqiao-community' } });
  expect(back.suspended).toBeUndefined();
  expect(back.deadlines.handling.pausedAt).toBeUndefined();
  expect(back.deadlines.handling.startedAt).toBe(handling.startedAt);
  // Moved on by the time it stood still, as `resume` moves it.
  const stood = Date.parse(back.deadlines.handling.dueAt) - Date.parse(handling.dueAt);
  expect(stood).toBeGreaterThanOrEqual(Date.now() - Date.parse(suspended.suspended.since) - 5_000);
  expect(stood).toBeGreaterThanOrEqual(1200);
  const again = await api.act(created.id, 'accept', {}, await api.as('mediator@wangjiaqiao-community'));
  expect(again.deadlines.handling).toEqual(back.deadlines.handling);
  console.log(
    `handed back: handling due ${handling.dueAt} → ${again.deadlines.handling.dueAt} (suspended ${stood} ms)`,
  );
  await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'reassign-keeps-clock');
});
