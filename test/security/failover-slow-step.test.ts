/**
 * Fail-over in seconds must not cut the living (issue 20, item 8). The case's activities now have a
 * 2 s heartbeat timeout, so that a killed worker's activity is retried within seconds instead of its
 * 30 s start-to-close (the fail-over figures: test/chaos/failover.test.ts); the worker heartbeats
 * every activity while it runs (worker/interceptors.ts). Here a step's record waits 6 s on a row
 * lock, alive: the action is answered once the lock goes, by the first attempt, the note once.
 */
import { Client as PgClient } from 'pg';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { hallwayClutter } from '../helpers/fixtures';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

const report = hallwayClutter();
const HELD_MS = 6000;

it('lets a step that waits on the database longer than its heartbeat timeout finish in its first attempt', async () => {
  const created = await api.create(report);
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);

  // Another transaction holds the case's row: the record of the next step (recordEvents) waits for it.
  const holder = new PgClient({ connectionString: process.env.DATABASE_URL });
  await holder.connect();
  let answer;
  const asked = Date.now();
  try {
    await holder.query('begin');
    await holder.query('select 1 from disputes where id = $1 for update', [created.id]);
    const pending = api.tryAct(created.id, 'add-note', { text: '等待数据库的备注' }, mediator);
    await new Promise((r) => setTimeout(r, HELD_MS));
    await holder.query('commit');
    answer = await pending;
  } finally {
    await holder.end();
  }
  const tookMs = Date.now() - asked;

  expect(answer.statusCode).toBe(200);
  expect(tookMs).toBeGreaterThanOrEqual(HELD_MS);
  expect(answer.json().notes.filter((n: { text: string }) => n.text === '等待数据库的备注')).toHaveLength(1);
  // Alive, so never timed out: every activity of the case ran once, none was retried.
  const history = await sys.client.workflow.getHandle(workflowIdFor(created.id)).fetchHistory();
  const started = (history.events ?? [])
    .filter((e) => e.activityTaskStartedEventAttributes)
    .map((e) => e.activityTaskStartedEventAttributes!.attempt);
  expect(started.length).toBeGreaterThanOrEqual(3); // received, accepted, the note
  expect(started).toEqual(started.map(() => 1));
  expect((history.events ?? []).filter((e) => e.activityTaskTimedOutEventAttributes)).toEqual([]);
  // The heartbeat timeout is what a killed worker's activity is now retried after.
  const scheduled = (history.events ?? []).find(
    (e) => e.activityTaskScheduledEventAttributes,
  )!.activityTaskScheduledEventAttributes!;
  expect(String(scheduled.heartbeatTimeout?.seconds)).toBe('2');
});
