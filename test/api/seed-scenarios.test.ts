/**
 * The seed article's two cases, end to end through the API on the real workflow:
 * - 汪家桥社区: the maintenance-fund dispute the community accepts, cannot settle and escalates; the
 *   street convenes the safety station and the housing centre on site; three parties sign.
 * - 渔父祠社区 桃李网格: the lift-noise report by a grid worker, settled at community level.
 */
import { AgreementRecord, Notification } from '../../db/entities';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { wangjiaqiaoMaintenanceFund } from '../helpers/fixtures';
import { recordHistory } from '../helpers/histories';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

it('汪家桥: community accepts and escalates; the street convenes the agencies; three parties sign', async () => {
  const resident = await api.create(wangjiaqiaoMaintenanceFund(), api.integrator);
  expect(resident).toMatchObject({ stage: 'awaiting_acceptance', unit: { code: 'wangjiaqiao-community' } });
  const id = resident.id;

  const community = await api.as('mediator@wangjiaqiao-community');
  await api.act(id, 'accept', { note: '社区接单' }, community);
  await api.act(id, 'add-note', { text: '走访物业公司与业委会，双方对维修基金使用程序分歧较大' }, community);
  const escalated = await api.act(
    id,
    'escalate',
    { reason: '涉及维修基金使用和安全责任，超出社区协调能力，申请街道协调' },
    community,
  );
  expect(escalated).toMatchObject({
    stage: 'awaiting_acceptance',
    level: 'street',
    unit: { code: 'wangjiaqiao-street' },
  });
  // The community cannot accept a ticket addressed to the street.
  expect((await api.tryAct(id, 'accept', {}, community)).statusCode).toBe(403);

  const street = await api.as('mediator@wangjiaqiao-street');
  const accepted = await api.act(id, 'accept', {}, street);
  expect(accepted.deadlines.handling).toMatchObject({ calendar: 'cn-workdays' });

  const meetingAt = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString();
  const summoned = await api.act(
    id,
    'schedule-meeting',
    {
      at: meetingAt,
      place: '汪家桥社区某小区现场',
      agencies: ['safety-station', 'housing-center'],
      agenda: '明确维修责任、损失和维修方案',
    },
    street,
  );
  expect(summoned.stage).toBe('meeting_scheduled');
  expect(summoned.meeting.agencies.map((a: { name: string }) => a.name)).toEqual(['安监站', '市住保中心']);
  expect(summoned.deadlines.report_in).toBeDefined();
  // Notices go out on the side of the case.
  const summons = await eventually(
    () => sys.orm.em.fork().findOne(Notification, { key: `${id}:summons:1`, status: 'sent' }),
    10_000,
    'the summons',
  );
  expect(summons.recipients).toEqual(['safety-station', 'housing-center']);

  // 部门报到: each agency answers the summons; a representative of another agency cannot.
  const safety = await api.as('rep@safety-station');
  const housing = await api.as('rep@housing-center');
  await api.act(id, 'confirm-attendance', { note: '安排两名安全员到场' }, safety);
  expect((await api.tryAct(id, 'confirm-attendance', {}, safety)).statusCode).toBe(422);
  const allIn = await api.act(id, 'confirm-attendance', {}, housing);
  expect(allIn.meeting.agencies.map((a: { answer: string }) => a.answer)).toEqual(['confirmed', 'confirmed']);
  expect(allIn.deadlines.report_in).toBeUndefined();
  // The representative sees the case they were summoned to.
  expect((await sys.app.inject({ url: `/api/v1/disputes/${id}`, headers: safety })).statusCode).toBe(200);

  const agreed = await api.act(
    id,
    'record-outcome',
    {
      result: 'agreed',
      facts: '经安监站现场查勘，电梯曳引机与外墙存在安全隐患；市住保中心说明维修基金使用程序。',
      matters: '维修基金使用程序、维修责任与费用分担。',
      responsibilities: '物业公司负责组织维修，业委会负责召集业主表决，社区监督。',
      losses: '电梯停运期间业主出行不便，无直接财产损失。',
      terms: [
        {
          text: '业委会于十五日内召开业主大会表决维修基金使用方案',
          obligor: '某小区业主委员会',
          dueDate: '2026-12-15',
        },
        {
          text: '物业公司在表决通过后三十日内完成电梯与外墙维修',
          obligor: '津市市某物业服务有限公司',
          amountFen: 8_650_000,
          method: '使用住房维修基金支付',
          place: '汪家桥社区某小区',
        },
      ],
    },
    street,
  );
  expect(agreed).toMatchObject({ stage: 'awaiting_signatures', agreement: { round: 1 } });
  expect(agreed.pastMeetings[0].outcome).toMatchObject({ result: 'agreed' });

  for (const [i, method] of [
    [0, 'signature'],
    [1, 'seal'],
    [2, 'seal'],
  ] as const) {
    await api.act(id, 'sign', { signer: `party:${i}`, method, witness: '汪家桥社区网格员' }, street);
  }
  await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, street);
  const effective = await api.act(id, 'seal', {}, street);
  expect(effective.stage).toBe('follow_up');
  expect(effective.agreement.number).toMatch(/^（2026）汪人调字第\d+号$/); // the street committee's number
  const doc = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/agreement`, headers: street });
  expect(doc.body).toContain('本协议一式4份');
  expect(doc.body).toContain('汪家桥街道人民调解委员会（印）');
  expect(doc.body).toContain('人民币捌万陆仟伍佰元整');
  const stored = await sys.orm.em.fork().findOneOrFail(AgreementRecord, { disputeId: id });
  expect(stored.signatures).toHaveLength(4);

  const closed = await api.act(
    id,
    'record-follow-up',
    { performed: true, satisfaction: 4, note: '电梯已恢复运行' },
    street,
  );
  expect(closed).toMatchObject({ stage: 'closed', outcome: 'resolved' });

  const types = (await api.events(id, street)).map((e) => e.type);
  expect(types).toEqual([
    'received',
    'accepted',
    'note_added',
    'escalated',
    'accepted',
    'meeting_scheduled',
    'attendance_confirmed',
    'attendance_confirmed',
    'meeting_outcome_recorded',
    'agreement_drafted',
    'signed',
    'signed',
    'signed',
    'signed',
    'sealed',
    'agreement_effective',
    'follow_up_recorded',
    'closed',
  ]);
  // The whole history stays far below Temporal's limits.
  const history = await sys.client.workflow.getHandle(workflowIdFor(id)).fetchHistory();
  expect(history.events!.length).toBeLessThan(1000);
  await recordHistory(sys.temporalAddress, workflowIdFor(id), 'wangjiaqiao-maintenance-fund');
});

it('桃李网格: a grid worker reports the lift noise; the community settles it', async () => {
  const gridWorker = await api.as('grid@yufuci-taoli');
  const reported = await api.create(
    {
      gridCode: 'yufuci-taoli',
      category: 'noise',
      title: '小吃店货梯噪音扰民',
      description: '网格员李某巡查时，陈女士反映楼下小吃店的载货电梯噪音很大。',
      parties: [
        { name: '陈某', role: 'applicant', sex: 'female' },
        { name: '某小吃店', role: 'respondent', kind: 'organisation', representative: '王某' },
      ],
      channel: 'grid-patrol',
    },
    gridWorker,
  );
  expect(reported.reportedBy).toMatchObject({ role: 'grid_worker' });
  expect((await api.tryAct(reported.id, 'accept', {}, gridWorker)).statusCode).toBe(403);

  const mediator = await api.as('mediator@yufuci-community');
  await api.act(reported.id, 'accept', {}, mediator);
  await api.act(
    reported.id,
    'resolve',
    {
      facts: '货梯夜间运行噪音影响楼上住户休息。',
      matters: '噪音整改。',
      responsibilities: '小吃店承担整改责任。',
      terms: [{ text: '晚22时至早7时停用货梯并加装减振垫', obligor: '某小吃店', dueDate: '2026-12-05' }],
    },
    mediator,
  );
  await api.act(reported.id, 'sign', { signer: 'party:0', method: 'fingerprint', witness: '网格员李某' }, mediator);
  await api.act(reported.id, 'sign', { signer: 'party:1', method: 'seal' }, mediator);
  await api.act(reported.id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
  const effective = await api.act(reported.id, 'seal', {}, mediator);
  expect(effective).toMatchObject({ stage: 'follow_up', level: 'community', escalations: [] });
  expect(effective.agreement.number).toMatch(/^（2026）渔人调字第\d+号$/);
  const closed = await api.act(reported.id, 'record-follow-up', { performed: true, satisfaction: 5 }, mediator);
  expect(closed).toMatchObject({ stage: 'closed', outcome: 'resolved', level: 'community' });
  await recordHistory(sys.temporalAddress, workflowIdFor(reported.id), 'taoli-lift-noise');
});
