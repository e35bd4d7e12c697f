/**
 * Personal data out of the worker's log and out of activity failures (issue 20, item 5): the worker
 * logged through Temporal's default logger, and a failed activity printed its SQL, with the case's
 * whole state in it; Temporal kept the same text as the attempt's failure, in the history and in
 * the pending activity. Here the projection of one case is refused by the database for a few
 * attempts (a trigger raising an error for that case only): the worker's pino log and Temporal's
 * record of the failures say what failed (the activity, the SQLSTATE) and hold no phone, identity
 * number or name; the case then goes on.
 */
import { Writable } from 'node:stream';
import { installWorkerRuntime } from '../../worker/runtime';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { rawHistory, textOf } from '../helpers/raw-history';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

const PHONE = '13812345678';
const ID_NUMBER = '430702199001011234';
const NAME = '欧阳明珠';

const lines: string[] = [];
let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  // The worker's runtime as worker/main.ts installs it, its pino stream captured (before any worker exists).
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  installWorkerRuntime({ workerLogLevel: 'warn' }, { sdkHandlesSignals: false, destination });
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

it('a failing activity leaves no personal data in the worker log nor in Temporal, and the case goes on', async () => {
  const base = taoliLiftNoise();
  const created = await api.create({
    ...base,
    parties: [{ ...base.parties[0], name: NAME, phone: PHONE, idNumber: ID_NUMBER }, base.parties[1]],
  });
  const id: string = created.id;
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(id, 'accept', {}, mediator);

  // The database refuses this case's next events (SQLSTATE P0001), as it would on a fault.
  const fn = `fq_test_refuse_${id.replace(/-/g, '')}`;
  const db = sys.orm.em.getConnection();
  await db.execute(`create function ${fn}() returns trigger language plpgsql as $$
    begin if new.dispute_id::text = '${id}' then raise exception 'refused for the test'; end if; return new; end $$`);
  await db.execute(`create trigger ${fn} before insert on dispute_events for each row execute function ${fn}()`);
  let note: ReturnType<typeof api.tryAct> | undefined;
  let lastFailure: unknown;
  try {
    note = api.tryAct(id, 'add-note', { text: `${NAME} 电话 ${PHONE} 身份证 ${ID_NUMBER}` }, mediator);
    const handle = sys.client.workflow.getHandle(workflowIdFor(id));
    lastFailure = await eventually(
      async () => {
        const { raw } = await handle.describe();
        const activity = raw.pendingActivities?.find((a) => a.activityType?.name === 'recordEvents');
        return (activity?.attempt ?? 0) >= 3 ? activity?.lastFailure : undefined;
      },
      30_000,
      'three refused attempts of recordEvents',
    );
  } finally {
    await db.execute(`drop trigger if exists ${fn} on dispute_events`);
    await db.execute(`drop function if exists ${fn}()`);
  }
  // The next attempt goes through: the note is applied.
  expectStatus(await note!, 200);
  expect((await api.events(id, mediator)).map((e) => e.type)).toContain('note_added');

  // The worker logged the failed attempts, through pino, without the data.
  const failed = lines.filter((l) => l.includes('Activity failed') && l.includes('recordEvents'));
  expect(failed.length).toBeGreaterThanOrEqual(2);
  expect(JSON.parse(failed[0]!)).toMatchObject({ level: 40, component: 'worker', msg: 'Activity failed' });
  const log = lines.join('\n');
  for (const secret of [PHONE, ID_NUMBER, NAME, 'insert into']) expect(log).not.toContain(secret);
  expect(log).toContain('P0001');

  // What Temporal kept of a failed attempt (the pending activity's last failure): the activity and the SQLSTATE.
  const failure = JSON.stringify(lastFailure);
  expect(failure).toContain('recordEvents');
  expect(failure).toContain('P0001');
  for (const secret of [PHONE, ID_NUMBER, NAME, 'insert into']) expect(failure).not.toContain(secret);

  // The history keeps the last failure of the attempt that then succeeded: no data in it either.
  const history = await rawHistory(sys.client, workflowIdFor(id));
  const text = textOf(history);
  expect(text).toContain('P0001');
  for (const secret of [PHONE, ID_NUMBER, NAME, 'insert into']) expect(text).not.toContain(secret);
});
