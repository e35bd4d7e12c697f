/**
 * The projection of a step's events (activities/projection.ts recordEvents, one activity per action
 * since `one-record-per-step`) against the real database: all of a step's events and the case after
 * them in one transaction, and a retry that changes nothing.
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
    unit: { code: 'yufuci-community', name: '渔父祠社区', level: 'community', committeeName: '渔父祠社区人民调解委员会' },
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

const eventOf = (disputeId: string, seq: number, type: string): DisputeEvent => ({ disputeId, seq, type, at: new Date().toISOString(), actor: mediator, payload: { n: seq } });

async function stored(disputeId: string): Promise<{ events: string[]; seq: number | undefined; stage: string | undefined }> {
  const db = orm.em.getConnection();
  const events = await db.execute<{ seq: number; type: string }[]>('select seq, type from dispute_events where dispute_id = ? order by seq', [disputeId]);
  const [row] = await db.execute<{ seq: number; stage: string }[]>('select seq, stage from disputes where id = ?', [disputeId]);
  return { events: events.map((e) => `${e.seq}:${e.type}`), seq: row?.seq, stage: row?.stage };
}

it("records a step's events and the case after them; a retry changes nothing", async () => {
  const id = randomUUID();
  await recordEvents(orm.em.fork(), { events: [eventOf(id, 1, 'received')], view: caseAt(id, 1, 'awaiting_acceptance') });
  const step = { events: [eventOf(id, 2, 'follow_up_recorded'), eventOf(id, 3, 'closed')], view: caseAt(id, 3, 'closed') };
  await recordEvents(orm.em.fork(), step);
  const after = await stored(id);
  expect(after).toEqual({ events: ['1:received', '2:follow_up_recorded', '3:closed'], seq: 3, stage: 'closed' });
  await recordEvents(orm.em.fork(), step);
  expect(await stored(id)).toEqual(after);
});

it("records none of a step's events when one of them fails", async () => {
  const id = randomUUID();
  await recordEvents(orm.em.fork(), { events: [eventOf(id, 1, 'received')], view: caseAt(id, 1, 'awaiting_acceptance') });
  const broken = { ...eventOf(id, 3, 'closed'), type: 'x'.repeat(65) }; // longer than the column allows
  await expect(
    recordEvents(orm.em.fork(), { events: [eventOf(id, 2, 'follow_up_recorded'), broken], view: caseAt(id, 3, 'closed') }),
  ).rejects.toThrow();
  expect(await stored(id)).toEqual({ events: ['1:received'], seq: 1, stage: 'awaiting_acceptance' });
});
