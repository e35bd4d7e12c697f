/**
 * The projection of a step's events (activities/projection.ts recordEvents, one activity per action
 * since `one-record-per-step`) against the real database: all of a step's events, the case after
 * them and their webhook deliveries in one statement, all or nothing, and a retry that changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { recordEvents } from '../../activities/projection';
import { initORM } from '../../db/orm';
import type { Actor, DisputeEvent, DisputeView } from '../../domain/types';

let orm: MikroORM;
beforeAll(async () => {
  orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 2 } });
});
afterAll(() => orm?.close());

const mediator: Actor = { type: 'staff', id: 'u-mediator', name: '调解员', role: 'mediator' };

function caseAt(disputeId: string, seq: number, stage: DisputeView['stage']): DisputeView {
  return {
    disputeId,
    version: 2,
    stage,
    stageEntry: seq,
    originCode: 'yufuci-taoli',
    unit: {
      code: 'yufuci-community',
      name: '渔父祠社区',
      level: 'community',
      committeeName: '渔父祠社区人民调解委员会',
    },
    level: 'community',
    category: 'neighbour',
    priority: 'normal',
    title: '货梯噪音',
    description: '夜间货梯噪音',
    parties: [{ name: '申请人', role: 'applicant', kind: 'person' }],
    channel: 'api',
    reportedBy: { type: 'integrator', id: 'demo-integrator', name: 'test', role: 'integrator' },
    receivedAt: new Date().toISOString(),
    escalations: [],
    notes: [],
    seq,
  } as DisputeView;
}

const eventOf = (disputeId: string, seq: number, type: string): DisputeEvent => ({
  disputeId,
  seq,
  type,
  at: new Date().toISOString(),
  actor: mediator,
  payload: { n: seq },
});

async function stored(
  disputeId: string,
): Promise<{ events: string[]; seq: number | undefined; stage: string | undefined }> {
  const db = orm.em.getConnection();
  const events = await db.execute<{ seq: number; type: string }[]>(
    'select seq, type from dispute_events where dispute_id = ? order by seq',
    [disputeId],
  );
  const [row] = await db.execute<{ seq: number; stage: string }[]>('select seq, stage from disputes where id = ?', [
    disputeId,
  ]);
  return { events: events.map((e) => `${e.seq}:${e.type}`), seq: row?.seq, stage: row?.stage };
}

it("records a step's events and the case after them; a retry changes nothing", async () => {
  const id = randomUUID();
  await recordEvents(orm.em.fork(), {
    events: [eventOf(id, 1, 'received')],
    view: caseAt(id, 1, 'awaiting_acceptance'),
  });
  const step = {
    events: [eventOf(id, 2, 'follow_up_recorded'), eventOf(id, 3, 'closed')],
    view: caseAt(id, 3, 'closed'),
  };
  await recordEvents(orm.em.fork(), step);
  const after = await stored(id);
  expect(after).toEqual({ events: ['1:received', '2:follow_up_recorded', '3:closed'], seq: 3, stage: 'closed' });
  await recordEvents(orm.em.fork(), step);
  expect(await stored(id)).toEqual(after);
});

it("records none of a step's events when one of them fails (one statement)", async () => {
  const id = randomUUID();
  await recordEvents(orm.em.fork(), {
    events: [eventOf(id, 1, 'received')],
    view: caseAt(id, 1, 'awaiting_acceptance'),
  });
  const broken = { ...eventOf(id, 3, 'closed'), type: 'x'.repeat(65) }; // longer than the column allows
  await expect(
    recordEvents(orm.em.fork(), {
      events: [eventOf(id, 2, 'follow_up_recorded'), broken],
      view: caseAt(id, 3, 'closed'),
    }),
  ).rejects.toThrow();
  expect(await stored(id)).toEqual({ events: ['1:received'], seq: 1, stage: 'awaiting_acceptance' });
});

it('enqueues a webhook delivery per subscribed event of the step, in event order, once', async () => {
  const id = randomUUID();
  const owner = `int-${id.slice(0, 8)}`;
  const db = orm.em.getConnection();
  const subscribe = (sub: string, events: string[]) =>
    db.execute(
      `insert into webhook_subscriptions (id, owner_id, url, secret, events) values (?, ?, 'https://example.org/hook', 's', ?::jsonb)`,
      [sub, owner, JSON.stringify(events)],
    );
  await subscribe(`${owner}-all`, ['*']);
  await subscribe(`${owner}-closed`, ['closed']);
  await subscribe(`${owner}-off`, ['received']);
  const view = {
    ...caseAt(id, 3, 'closed'),
    reportedBy: { type: 'integrator', id: owner, name: 'test', role: 'integrator' },
  } as DisputeView;
  const step = { events: [eventOf(id, 2, 'follow_up_recorded'), eventOf(id, 3, 'closed')], view };
  const pending = await recordEvents(orm.em.fork(), step);
  const rows = await db.execute<
    { id: string; subscription_id: string; event_seq: number; payload: { type: string; dispute: { stage: string } } }[]
  >(
    'select id, subscription_id, event_seq, payload from webhook_deliveries where dispute_id = ? order by event_seq, subscription_id',
    [id],
  );
  expect(
    rows.map(
      (r) => `${r.event_seq}:${r.subscription_id.slice(owner.length + 1)}:${r.payload.type}:${r.payload.dispute.stage}`,
    ),
  ).toEqual(['2:all:follow_up_recorded:closed', '3:all:closed:closed', '3:closed:closed:closed']);
  // The pending ids, the events' in order; a retry (the activity again) adds none and names the same.
  expect(pending.map((p) => rows.find((r) => r.id === p)!.event_seq)).toEqual([2, 3, 3]);
  expect([...(await recordEvents(orm.em.fork(), step))].sort()).toEqual([...pending].sort());
  expect(await db.execute('select count(*)::int as n from webhook_deliveries where dispute_id = ?', [id])).toEqual([
    { n: 3 },
  ]);
});
