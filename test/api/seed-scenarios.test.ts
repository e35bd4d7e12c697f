/**
 * The seed article's two cases, end to end through the API on the real workflow:
 * - 汪家桥社区: the maintenance-fund dispute the community accepts, cannot settle and escalates; the
 *   street takes it over under its own number, records the parties' consent and the rights notice,
 *   convenes the safety station and the housing centre on site and records who came; the two parties
 *   sign (the reporter 程某 is no party), its mediator signs and its 主任 seals last; the court's
 *   confirmation is recorded, performance is supervised term by term and the case file is frozen.
 * - 渔父祠社区 桃李网格: the lift-noise report by a grid worker, settled at community level.
 */
import { AgreementRecord, Notification } from '../../db/entities';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
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

it('汪家桥 under the law (issue 21): the street takes it over under its own number, the parties consent, the street convenes, the parties sign (the reporter 程某 does not), the 主任 seals last, the court confirms, each term is supervised, the case file is frozen', async () => {
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
  // The street committee keeps its own register: the case is its own under its own number, the
  // community's printed as 原案号 (issue 21 item 1).
  expect(resident.caseNumber).toMatch(/^（2026）汪社人调受字第\d+号$/);
  expect(accepted.caseNumber).toMatch(/^（2026）汪人调受字第\d+号$/);
  expect(accepted.priorCaseNumbers).toEqual([resident.caseNumber]);
  // Before consent and the rights notice are on record, no agreement and no meeting (Art. 17, 20, 23–24).
  expect(
    (
      await api.tryAct(
        id,
        'resolve',
        { facts: 'x', matters: 'x', responsibilities: 'x', terms: [{ text: 'x', method: 'x', immediate: true }] },
        street,
      )
    ).statusCode,
  ).toBe(422);
  await api.consentAll(id, street); // 人民调解法 Art. 17, 20, 23–24
  const rights = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/rights-notice`, headers: street });
  expect(rights.statusCode).toBe(200);
  expect(rights.body).toContain('人民调解权利义务告知书');
  expect(rights.body).toContain(accepted.caseNumber);
  expect(accepted.deadlines.handling).toMatchObject({ calendar: 'cn-workdays' });

  // Soon: its outcome can be recorded only once it has started (issue 21 item 7).
  const meetingAt = meetingSoon(3_000);
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

  // 街道吹哨: the street convened, the agencies had to report in; who actually came is recorded apart.
  expect(allIn.meeting.kind).toBe('convened');
  await untilMeetingStarts(meetingAt);
  const present = await api.act(
    id,
    'record-attendance',
    { present: ['safety-station', 'housing-center'], persons: [{ name: '汪家桥社区工作人员', unit: '汪家桥社区' }] },
    street,
  );
  expect(present.meeting.attendance.present).toEqual(['safety-station', 'housing-center']);
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
          method: '召开业主大会表决',
          dueDate: '2026-12-15',
        },
        {
          text: '物业公司在表决通过后三十日内完成电梯与外墙维修',
          obligor: '津市市某物业服务有限公司',
          amountFen: 8_650_000,
          method: '使用住房维修基金支付',
          place: '汪家桥社区某小区',
          dueDate: '2027-01-15',
        },
      ],
    },
    street,
  );
  expect(agreed).toMatchObject({ stage: 'awaiting_signatures', agreement: { round: 1 } });
  expect(agreed.pastMeetings[0].outcome).toMatchObject({ result: 'agreed' });

  // The owners' committee and the property company seal; the resident 程某 reported it (反映人) and is no party.
  for (const [i, method] of [
    [0, 'seal'],
    [1, 'seal'],
  ] as const) {
    await api.act(id, 'sign', { signer: `party:${i}`, method, witness: '汪家桥社区网格员' }, street);
  }
  // Only the holding committee's own mediators sign; a county supervisor above it may not.
  expect(
    (await api.tryAct(id, 'sign', { signer: 'mediator', method: 'signature' }, await api.as('supervisor@jinshi')))
      .statusCode,
  ).toBe(403);
  // The seal comes last: not before the mediator has signed.
  const director = await api.as('supervisor@wangjiaqiao-street');
  expect((await api.tryAct(id, 'seal', {}, director)).statusCode).toBe(422);
  await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, street);
  // The committee's 主任 affixes its seal (Art. 29).
  const effective = await api.act(id, 'seal', {}, director);
  expect(effective.stage).toBe('follow_up');
  expect(effective.agreement.number).toMatch(/^（2026）汪人调字第\d+号$/); // the street committee's number
  const doc = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/agreement`, headers: street });
  expect(doc.body).toContain('一式三份'); // two parties and the committee
  expect(doc.body).not.toContain('程某');
  expect(doc.body).toContain('汪家桥街道人民调解委员会（印）');
  expect(doc.body).toContain('人民币捌万陆仟伍佰元整');
  expect(doc.body).toContain('汪家桥街道调解员（'); // the mediator who signed, by name
  expect(doc.body).toContain('记录人：汪家桥街道调解员');
  expect(doc.body).toContain('各方责任');
  expect(doc.body).toContain('履行方式：使用住房维修基金支付');
  expect(doc.body).toContain('第三十三条');
  expect(doc.body).toContain(`原案号`);
  expect(doc.body).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  const application = await sys.app.inject({
    url: `/api/v1/disputes/${id}/documents/judicial-confirmation`,
    headers: street,
  });
  expect(application.body).toContain('申请人一：某小区业主委员会');
  expect(application.body).toContain('申请人二：津市市某物业服务有限公司');
  expect(application.body).not.toContain('被申请人');
  expect(application.body).toContain('津市市人民法院');
  expect(application.body).toMatch(/至\d{4}年\d{1,2}月\d{1,2}日24时止/);
  const stored = await sys.orm.em.fork().findOneOrFail(AgreementRecord, { disputeId: id });
  expect(stored.signatures).toHaveLength(3);

  // The parties apply jointly and the court confirms (民事诉讼法 Art. 205–206).
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const confirmed = await api.act(
    id,
    'record-judicial-confirmation',
    {
      filedAt: today,
      court: '津市市人民法院',
      ruling: 'valid',
      rulingNumber: '（2026）湘0781民特1号',
      rulingAt: today,
    },
    street,
  );
  expect(confirmed.agreement.judicialConfirmation).toMatchObject({ ruling: 'valid', court: '津市市人民法院' });
  // The committee supervises performance term by term: one term done does not close the case.
  const one = await api.act(id, 'record-performance', { term: 1, status: 'done', note: '业主大会已表决通过' }, street);
  expect(one).toMatchObject({ stage: 'follow_up' });
  const closed = await api.act(
    id,
    'record-follow-up',
    {
      method: 'home',
      met: ['周某（业委会）', '刘某（物业公司）'],
      performed: true,
      satisfaction: 4,
      note: '电梯已恢复运行',
    },
    street,
  );
  expect(closed).toMatchObject({ stage: 'closed', outcome: 'resolved' });
  // The case file (卷宗) is frozen at closing, hashed like the agreement.
  const file = await eventually(
    async () => {
      const res = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/case-file`, headers: street });
      return res.statusCode === 200 && res.headers['x-case-file-sha256'] ? res : undefined;
    },
    10_000,
    'the frozen case file',
  );
  expect(file.body).toContain('卷内目录');
  expect(file.body).toContain(effective.agreement.number);

  const types = (await api.events(id, street)).map((e) => e.type);
  // The meeting reminder goes out halfway to a meeting this close, among the answers.
  expect(types).toContain('meeting_reminder_sent');
  expect(types.filter((t) => t !== 'meeting_reminder_sent')).toEqual([
    'received',
    'accepted',
    'note_added',
    'escalated',
    'accepted',
    'case_number_registered',
    'consent_recorded',
    'consent_recorded',
    'meeting_scheduled',
    'attendance_confirmed',
    'attendance_confirmed',
    'attendance_recorded',
    'meeting_outcome_recorded',
    'agreement_drafted',
    'signed',
    'signed',
    'signed',
    'sealed',
    'agreement_effective',
    'judicial_confirmation_ruled',
    'performance_recorded',
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
  await api.consentAll(reported.id, mediator); // 人民调解法 Art. 17, 20, 23–24
  await api.act(
    reported.id,
    'resolve',
    {
      facts: '货梯夜间运行噪音影响楼上住户休息。',
      matters: '噪音整改。',
      responsibilities: '小吃店承担整改责任。',
      terms: [
        { text: '晚22时至早7时停用货梯并加装减振垫', obligor: '某小吃店', method: '自行施工', dueDate: '2026-12-05' },
      ],
    },
    mediator,
  );
  await api.act(reported.id, 'sign', { signer: 'party:0', method: 'fingerprint', witness: '网格员李某' }, mediator);
  await api.act(reported.id, 'sign', { signer: 'party:1', method: 'seal' }, mediator);
  await api.act(reported.id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
  const effective = await api.act(reported.id, 'seal', {}, mediator);
  expect(effective).toMatchObject({ stage: 'follow_up', level: 'community', escalations: [] });
  expect(effective.agreement.number).toMatch(/^（2026）渔人调字第\d+号$/);
  const closed = await api.act(
    reported.id,
    'record-follow-up',
    { method: 'home', met: ['当事人'], performed: true, satisfaction: 5 },
    mediator,
  );
  expect(closed).toMatchObject({ stage: 'closed', outcome: 'resolved', level: 'community' });
  await recordHistory(sys.temporalAddress, workflowIdFor(reported.id), 'taoli-lift-noise');
});
