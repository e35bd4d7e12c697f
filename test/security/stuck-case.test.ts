/**
 * Independently of the API's checks, a case whose step the database refuses must not retry for
 * ever holding its lock: the refusal is final at once (DataRejected), the case is listed as stuck,
 * its unit's supervisors get a `case_stuck` alert, /metrics counts it, the failure Temporal stores
 * names no data, and an operator's repair (scrub) lets it go on. The poison is sent to the workflow
 * directly, as a bug behind the API's validation would let it through.
 */
import { WorkflowUpdateStage } from '@temporalio/client';
import { addNoteUpdate, workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { hallwayClutter } from '../helpers/fixtures';
import { recordHistory } from '../helpers/histories';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

const MARKER = '毒药标记13812345678';

async function metric(name: string): Promise<number> {
  const res = await sys.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
  const line = res.body.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

it('makes a case whose write the database refuses stuck, alerts, and goes on after a repair', async () => {
  const created = await api.create(hallwayClutter());
  const mediator = await api.as('mediator@yufuci-community');
  const supervisor = await api.as('supervisor@yufuci-community');
  const admin = await api.as('admin');
  await api.act(created.id, 'accept', { note: '已受理' }, mediator);
  const [unit] = await sys.orm.em
    .fork()
    .execute<{ code: string; path: string }[]>('select code, path from units where code = ?', [created.unit.code]);

  // A lone surrogate: JSON.stringify writes it as \ud800, which jsonb refuses (SQLSTATE 22P02).
  const handle = sys.client.workflow.getHandle(workflowIdFor(created.id));
  const pending = await handle.startUpdate(addNoteUpdate, {
    args: [
      {
        actor: {
          type: 'staff',
          id: 'u-test',
          name: '测试调解员',
          role: 'mediator',
          unitCode: unit!.code,
          unitPath: unit!.path,
        },
        payload: { text: `${MARKER}\ud800尾` },
      },
    ],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
  });

  // Stuck within seconds (no retries of a refused write), listed with the failure's type only.
  const listed = await eventually(
    async () => {
      const items = expectStatus(await sys.app.inject({ url: '/api/v1/admin/stuck-cases', headers: admin }), 200).items;
      return items.find((i: { disputeId: string }) => i.disputeId === created.id);
    },
    20_000,
    'the case to be listed as stuck',
  );
  expect(listed).toMatchObject({ activity: 'recordEvents', failure: expect.stringMatching(/^DataRejected 22/) });
  expect(await metric('fengqiao_cases_stuck')).toBeGreaterThanOrEqual(1);
  const alerts = await api.alerts(created.id, supervisor);
  expect(alerts).toEqual([
    expect.objectContaining({ kind: 'case_stuck', message: expect.stringContaining('案件已暂停，等待运维人员修复') }),
  ]);
  // The case holds its step: the next action is "busy, try again", not lost.
  const busy = await api.tryAct(created.id, 'add-note', { text: '再记一条' }, mediator);
  expect(busy.statusCode).toBe(409);

  // What Temporal stores as the failure names the SQLSTATE, never the case's data.
  const history = JSON.stringify(await handle.fetchHistory());
  expect(history).toContain('DataRejected');
  const failures = (await handle.fetchHistory()).events!.filter((e) => e.activityTaskFailedEventAttributes);
  for (const f of failures) expect(JSON.stringify(f)).not.toContain('13812345678');

  // Not stuck: 404. Stuck: the repair scrubs the note and the step goes through.
  expect(
    (
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/admin/disputes/nope/repair',
        headers: admin,
        payload: { scrub: true },
      })
    ).statusCode,
  ).toBe(404);
  expect(
    (
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/admin/disputes/nope/repair',
        headers: mediator,
        payload: { scrub: true },
      })
    ).statusCode,
  ).toBe(403);
  const repaired = await sys.app.inject({
    method: 'POST',
    url: `/api/v1/admin/disputes/${created.id}/repair`,
    headers: admin,
    payload: { scrub: true },
  });
  expect(repaired.statusCode).toBe(202);
  await pending.result();
  await eventually(
    async () => {
      const items = expectStatus(await sys.app.inject({ url: '/api/v1/admin/stuck-cases', headers: admin }), 200).items;
      return !items.some((i: { disputeId: string }) => i.disputeId === created.id) || undefined;
    },
    20_000,
    'the case to leave the stuck list',
  );
  const noted = await api.act(created.id, 'add-note', { text: '修复后继续' }, mediator);
  expect(noted.notes.map((n: { text: string }) => n.text).slice(-2)).toEqual([`${MARKER}\ufffd尾`, '修复后继续']);
  const events = await api.events(created.id);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  // The stuck path (its alert, the wait, the repair signal) is replayed with the other histories.
  await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'stuck-repair');
});
