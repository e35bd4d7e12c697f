/**
 * Every other action and timer path of the lifecycle through the API on the real workflow and
 * real timers (wall-clock policies in seconds, one category per timer so the paths do not race).
 */
import { Notification, SlaPolicy } from '../../db/entities';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { testPolicy } from '../helpers/fixtures';
import { recordHistory } from '../helpers/histories';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

const policy = testPolicy;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  const em = sys.orm.em.fork();
  em.persist(em.create(SlaPolicy, policy('family', { handlingSeconds: 3 })));
  em.persist(em.create(SlaPolicy, policy('consumer', { handlingSeconds: 600 })));
  em.persist(em.create(SlaPolicy, policy('labour', { reportInSeconds: 2 })));
  em.persist(em.create(SlaPolicy, policy('other', { signatureSeconds: 2 })));
  await em.flush();
});
afterAll(() => sys?.close());

const report = (category: string, extra: object = {}) => ({
  gridCode: 'yufuci-taoli',
  category,
  title: '邻里纠纷',
  description: '楼上楼下因漏水发生争执。',
  parties: [
    { name: '赵某', role: 'applicant' },
    { name: '钱某', role: 'respondent' },
  ],
  channel: '12345',
  ...extra,
});
const terms = {
  facts: '楼上卫生间防水层破损导致楼下天花板渗水。',
  matters: '维修与赔偿。',
  responsibilities: '楼上住户承担维修责任。',
  terms: [
    {
      text: '钱某负责修复防水层并赔偿赵某',
      obligor: '钱某',
      amountFen: 150_000,
      method: '自行修复并现金赔偿',
      immediate: true,
    },
  ],
};

async function accepted(category: string, extra: object = {}) {
  const created = await api.create(report(category, extra));
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);
  // The parties' will on record (人民调解法 Art. 17, 20, 23–24) before a meeting or an agreement.
  await api.consentAll(created.id, mediator);
  return { id: created.id as string, mediator };
}

async function signAll(id: string, headers: Record<string, string>) {
  await api.act(id, 'sign', { signer: 'party:0', method: 'signature' }, headers);
  await api.act(id, 'sign', { signer: 'party:1', method: 'signature' }, headers);
  await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, headers);
  return api.act(id, 'seal', {}, headers);
}

describe('accepting and routing', () => {
  it('declines with a transfer within the neighbourhood, whose accept clock starts; not across the city', async () => {
    const created = await api.create(report('neighbour'));
    const mediator = await api.as('mediator@yufuci-community');
    const far = await api.tryAct(
      created.id,
      'decline',
      { reason: '当事人住所属汪家桥社区', transferTo: 'wangjiaqiao-community' },
      mediator,
    );
    expect(far.statusCode).toBe(403);
    expect((await api.get(created.id)).unit.code).toBe('yufuci-community');
    const moved = await api.act(
      created.id,
      'decline',
      { reason: '涉及街道管理的公共区域', transferTo: 'chuanzihe-street' },
      mediator,
    );
    expect(moved).toMatchObject({ stage: 'awaiting_acceptance', unit: { code: 'chuanzihe-street' } });
    expect(moved.escalations).toEqual([
      expect.objectContaining({ kind: 'transfer', from: 'yufuci-community', to: 'chuanzihe-street' }),
    ]);
    expect(Date.parse(moved.deadlines.accept.startedAt)).toBeGreaterThan(
      Date.parse(created.deadlines.accept.startedAt),
    );
    const grid = await api.tryAct(
      created.id,
      'decline',
      { reason: 'x', transferTo: 'yufuci-taoli' },
      await api.as('admin'),
    );
    expect(grid.statusCode).toBe(422);
    expect(grid.json().detail).toMatch(/grid/);
  });

  it('declines without a target to the level above', async () => {
    const created = await api.create(report('neighbour'));
    const moved = await api.act(
      created.id,
      'decline',
      { reason: '涉及多个社区' },
      await api.as('mediator@yufuci-community'),
    );
    expect(moved).toMatchObject({ level: 'street', unit: { code: 'chuanzihe-street' } });
    expect(moved.escalations[0]).toMatchObject({ kind: 'decline' });
  });

  it('lets a supervisor reassign within their area, and no one else', async () => {
    const created = await api.create(report('neighbour', { gridCode: 'wangjiaqiao-g1' }));
    const mediator = await api.as('mediator@wangjiaqiao-community');
    const refused = await api.tryAct(created.id, 'reassign', { reason: 'x', unitCode: 'wangjiaqiao-street' }, mediator);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('forbidden');
    const supervisor = await api.as('supervisor@wangjiaqiao-street');
    const moved = await api.act(
      created.id,
      'reassign',
      {
        reason: '街道直接处理',
        unitCode: 'wangjiaqiao-street',
        assignee: { id: 'u-mediator-wangjiaqiao-street', name: '汪家桥街道调解员' },
      },
      supervisor,
    );
    expect(moved).toMatchObject({ unit: { code: 'wangjiaqiao-street' }, assignee: { name: '汪家桥街道调解员' } });
    const outside = await api.tryAct(created.id, 'reassign', { reason: 'x', unitCode: 'yufuci-community' }, supervisor);
    expect(outside.statusCode).toBe(403);
    const integrator = await api.tryAct(created.id, 'accept', {}, api.integrator);
    expect(integrator.statusCode).toBe(403);
    await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'reassign-to-street');
  });
});

describe('risk', () => {
  it('treats a flagged report as urgent, alerts at once and notes the police referral', async () => {
    const created = await api.create(
      report('neighbour', { highRisk: true, description: '双方多次争吵，一方扬言持刀报复。' }),
    );
    expect(created.priority).toBe('urgent');
    expect(created.risk.high).toBe(true);
    expect(created.risk.reasons).toEqual(
      expect.arrayContaining(['reporter flagged high risk', 'keyword: 持刀', 'keyword: 报复']),
    );
    expect(Date.parse(created.deadlines.accept.dueAt) - Date.parse(created.deadlines.accept.startedAt)).toBe(3600_000);
    expect(created.notes[0].text).toMatch(/公安机关/);
    await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'high-risk-intake');
    const alerts = await api.alerts(created.id, await api.as('supervisor@yufuci-community'));
    expect(alerts.map((a) => a.kind)).toEqual(['high_risk']);
    // Art. 25: the referral is proposed to the mediator, and sent when the mediator confirms it with the measures taken.
    expect(await sys.orm.em.fork().findOne(Notification, { key: `${created.id}:police-referral` })).toBeNull();
    await api.act(
      created.id,
      'refer-to-police',
      { measures: '已约谈双方，劝阻过激行为' },
      await api.as('mediator@yufuci-community'),
    );
    const referral = await eventually(
      () => sys.orm.em.fork().findOne(Notification, { key: `${created.id}:police-referral`, status: 'sent' }),
      10_000,
      'the police referral notice',
    );
    expect(referral.kind).toBe('high_risk_referral');
    expect(referral.message).toContain('已约谈双方，劝阻过激行为');
  });

  it('flags a report by keyword alone', async () => {
    const created = await api.create(report('neighbour', { description: '对方扬言要纵火。' }));
    expect(created.risk).toEqual({ high: true, reasons: ['keyword: 纵火'] });
  });

  it('leaves an ordinary report normal', async () => {
    const created = await api.create(report('neighbour'));
    expect(created).toMatchObject({ priority: 'normal', risk: { high: false, reasons: [] } });
  });
});

describe('mediation', () => {
  it('warns and then breaches the handling deadline, and the case shows overdue', async () => {
    const { id } = await accepted('family');
    const supervisor = await api.as('supervisor@yufuci-community');
    await eventually(
      async () => (await api.alerts(id, supervisor)).some((a) => a.kind === 'handling_breach'),
      10_000,
      'handling breach',
    );
    expect((await api.alerts(id, supervisor)).map((a) => a.kind).sort()).toEqual([
      'handling_breach',
      'handling_warning',
    ]);
    const now = await eventually(
      async () => {
        const c = await api.get(id);
        return c.overdue ? c : undefined;
      },
      5_000,
      'overdue flag',
    );
    expect(now.deadlines.handling.breached).toBe(true);
    const listed = expectStatus(
      await sys.app.inject({ url: '/api/v1/disputes?overdue=true&limit=100', headers: supervisor }),
      200,
    );
    expect(listed.items.map((c: { id: string }) => c.id)).toContain(id);
  });

  it('stops the handling clock while suspended and moves the deadline by exactly the suspended time', async () => {
    const { id, mediator } = await accepted('consumer');
    const before = (await api.get(id)).deadlines.handling;
    const suspended = await api.act(id, 'suspend', { reason: '等待当事人提供维修票据' }, mediator);
    // What the mediator may do now: reassigning is the supervisor's (allowedActions are the caller's, issue 24).
    expect(suspended.allowedActions).toEqual(['add-note', 'resume', 'fail', 'withdraw', 'refer-to-police']);
    expect((await api.tryAct(id, 'resolve', terms, mediator)).json()).toMatchObject({
      code: 'action_refused',
      stage: 'in_mediation',
    });
    await new Promise((r) => setTimeout(r, 1500));
    const resumed = await api.act(id, 'resume', { note: '票据已提供' }, mediator);
    const event = (await api.events(id)).find((e) => e.type === 'resumed')!;
    const stopped = Date.parse(event.payload.resumedAt as string) - Date.parse(suspended.suspended.since);
    expect(stopped).toBeGreaterThanOrEqual(1500);
    expect(Date.parse(resumed.deadlines.handling.dueAt) - Date.parse(before.dueAt)).toBe(stopped);
    expect(resumed.deadlines.handling.pausedAt).toBeUndefined();
    expect(resumed.allowedActions).toContain('resolve');
    await recordHistory(sys.temporalAddress, workflowIdFor(id), 'suspend-resume');
  });

  it('fails with a referral, or records a withdrawal, closing the case', async () => {
    const failed = await accepted('neighbour');
    const closed = await api.act(
      failed.id,
      'fail',
      { reason: '双方分歧过大', referral: '告知当事人可向人民法院提起诉讼' },
      failed.mediator,
    );
    expect(closed).toMatchObject({
      stage: 'closed',
      outcome: 'failed',
      failure: { referral: '告知当事人可向人民法院提起诉讼' },
      deadlines: {},
    });
    const withdrawn = await api.create(report('neighbour'));
    const byIntegrator = await api.act(
      withdrawn.id,
      'withdraw',
      { reason: '申请人撤回申请', party: 0 },
      api.integrator,
    );
    expect(byIntegrator).toMatchObject({ stage: 'closed', outcome: 'withdrawn', withdrawal: { party: 0 } });
    await recordHistory(sys.temporalAddress, workflowIdFor(failed.id), 'accept-fail');
    await recordHistory(sys.temporalAddress, workflowIdFor(withdrawn.id), 'withdraw-before-acceptance');
  });
});

describe('the joint meeting', () => {
  it('alerts the convener’s supervisors when an agency does not report in, and reminds before the meeting', async () => {
    // The street convenes (吹哨) and the agencies must report in; a community only invites (issue 21 item 7).
    const created = await api.create(report('labour', { gridCode: 'wangjiaqiao-g1' }));
    const id = created.id as string;
    const community = await api.as('mediator@wangjiaqiao-community');
    await api.act(id, 'accept', {}, community);
    await api.act(id, 'escalate', { reason: '需街道召集有关部门' }, community);
    const mediator = await api.as('mediator@wangjiaqiao-street');
    await api.act(id, 'accept', {}, mediator);
    await api.consentAll(id, mediator);
    const safety = await api.as('rep@safety-station'); // signed in before the 2-second report-in clock starts
    const at = new Date(Date.now() + 4000).toISOString();
    const scheduled = await api.act(
      id,
      'schedule-meeting',
      { at, place: '汪家桥街道会议室', agencies: ['safety-station', 'labor'] },
      mediator,
    );
    expect(scheduled.stage).toBe('meeting_scheduled');
    expect(scheduled.meeting.kind).toBe('convened');
    await api.act(id, 'confirm-attendance', {}, safety);
    const supervisor = await api.as('supervisor@wangjiaqiao-street');
    const breach = await eventually(
      async () => (await api.alerts(id, supervisor)).find((a) => a.kind === 'report_in_breach'),
      10_000,
      'report-in breach',
    );
    expect(breach.message).toContain('人社局');
    expect(breach.message).not.toContain('安监站');
    const reminder = await eventually(
      () => sys.orm.em.fork().findOne(Notification, { key: `${id}:reminder:1` }),
      10_000,
      'meeting reminder',
    );
    expect(reminder.recipients).toEqual(expect.arrayContaining(['safety-station', '赵某', '钱某']));
    // Adjourned (once the meeting has started): back to mediation, and a second meeting can be called.
    await untilMeetingStarts(at);
    const back = await api.act(id, 'record-outcome', { result: 'adjourned', facts: '人社局未到场，休会' }, mediator);
    expect(back).toMatchObject({ stage: 'in_mediation', pastMeetings: [expect.objectContaining({ round: 1 })] });
    expect(back.deadlines.report_in).toBeUndefined();
    await recordHistory(sys.temporalAddress, workflowIdFor(id), 'meeting-report-in-breach-reminder-adjourned');
  });

  it('lets only summoned agencies answer, and needs a reason to decline', async () => {
    const { id, mediator } = await accepted('neighbour');
    const at = meetingSoon();
    await api.act(id, 'schedule-meeting', { at, place: '现场', agencies: ['housing-center'] }, mediator);
    const outsider = await api.as('rep@safety-station');
    expect((await sys.app.inject({ url: `/api/v1/disputes/${id}`, headers: outsider })).statusCode).toBe(404);
    const housing = await api.as('rep@housing-center');
    expect((await api.tryAct(id, 'decline-attendance', {}, housing)).statusCode).toBe(400);
    const declined = await api.act(id, 'decline-attendance', { reason: '不属于本中心职责' }, housing);
    expect(declined.meeting.agencies[0]).toMatchObject({ answer: 'declined', note: '不属于本中心职责' });
    await untilMeetingStarts(at);
    const failed = await api.act(
      id,
      'record-outcome',
      { result: 'no_agreement', facts: '双方未达成一致', failWithReferral: '建议申请劳动仲裁' },
      mediator,
    );
    expect(failed).toMatchObject({ stage: 'closed', outcome: 'failed' });
    expect(
      (
        await api.tryAct(
          id,
          'schedule-meeting',
          { at: new Date(Date.now() + 1000).toISOString(), place: 'x', agencies: ['police'] },
          mediator,
        )
      ).statusCode,
    ).toBe(409);
  });

  it('goes back to mediation on no agreement, and refuses unknown agencies or a meeting in the past', async () => {
    const { id, mediator } = await accepted('neighbour');
    const past = await api.tryAct(
      id,
      'schedule-meeting',
      { at: '2020-01-01T00:00:00Z', place: 'x', agencies: ['police'] },
      mediator,
    );
    expect(past.statusCode).toBe(422);
    const unknown = await api.tryAct(
      id,
      'schedule-meeting',
      { at: new Date(Date.now() + 86_400_000).toISOString(), place: 'x', agencies: ['ministry-of-magic'] },
      mediator,
    );
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().detail).toMatch(/ministry-of-magic/);
    expect((await api.get(id)).stage).toBe('in_mediation');
    const at = meetingSoon();
    await api.act(id, 'schedule-meeting', { at, place: '现场', agencies: ['police'] }, mediator);
    await untilMeetingStarts(at);
    const back = await api.act(id, 'record-outcome', { result: 'no_agreement', facts: '分歧仍在' }, mediator);
    expect(back.stage).toBe('in_mediation');
  });
});

describe('the agreement and after', () => {
  it('alerts when signatures are overdue, and a party may reject the draft', async () => {
    const { id, mediator } = await accepted('other');
    await api.act(id, 'resolve', terms, mediator);
    const supervisor = await api.as('supervisor@yufuci-community');
    await eventually(
      async () => (await api.alerts(id, supervisor)).some((a) => a.kind === 'signature_overdue'),
      10_000,
      'signature overdue',
    );
    const rejected = await api.act(id, 'reject-agreement', { party: 1, reason: '赔偿金额过高' }, mediator);
    expect(rejected).toMatchObject({
      stage: 'in_mediation',
      pastAgreements: [expect.objectContaining({ rejected: expect.objectContaining({ party: 1 }) })],
    });
    expect(rejected.agreement).toBeUndefined();
    expect(rejected.deadlines.signatures).toBeUndefined();
    await recordHistory(sys.temporalAddress, workflowIdFor(id), 'signatures-overdue-rejected');
  });

  it('lets concurrent actions through one at a time: the agreement takes effect once', async () => {
    const { id, mediator } = await accepted('neighbour');
    await api.act(id, 'resolve', terms, mediator);
    await api.act(id, 'sign', { signer: 'party:0', method: 'signature' }, mediator);
    await api.act(id, 'sign', { signer: 'party:1', method: 'signature' }, mediator);
    const answers = await Promise.all([
      api.tryAct(id, 'sign', { signer: 'mediator', method: 'signature' }, mediator),
      api.tryAct(id, 'seal', {}, mediator),
      api.tryAct(id, 'add-note', { text: '同时记录' }, mediator),
    ]);
    // The seal may also arrive before the mediator's signature: refused, since it comes last (422).
    for (const a of answers) expect([200, 409, 422]).toContain(a.statusCode);
    for (const a of answers.filter((x) => x.statusCode === 409))
      expect(a.json().detail).toMatch(/in progress|not allowed/);
    for (const a of answers.filter((x) => x.statusCode === 422))
      expect(a.json().detail).toContain('尚未签名：人民调解员');
    // Whatever was refused is applied now, once.
    const now = await api.get(id, mediator);
    if (!now.agreement.signatures.some((s: { signer: string }) => s.signer === 'mediator'))
      await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
    if (!now.agreement.sealedAt) await api.act(id, 'seal', {}, mediator);
    const types = (await api.events(id)).map((e) => e.type);
    expect(types.filter((t) => t === 'agreement_effective')).toHaveLength(1);
    expect((await api.get(id)).stage).toBe('follow_up');
  });

  it('varies an agreement that was not performed: the variation names the original, which stays in force until then', async () => {
    const { id, mediator } = await accepted('neighbour');
    await api.act(id, 'resolve', terms, mediator);
    const first = await signAll(id, mediator);
    expect(first.stage).toBe('follow_up');
    const notDone = await api.act(
      id,
      'record-follow-up',
      {
        method: 'home',
        met: ['当事人'],
        performed: false,
        satisfaction: 2,
        note: '未按期维修',
        risks: '矛盾可能激化',
        measures: '重新调解',
      },
      mediator,
    );
    expect(notDone).toMatchObject({
      stage: 'follow_up',
      followUp: { performed: false },
      // 人民调解法 Art. 31–32: supervision goes on; a variation (reopen) or the Art. 32 referral (fail).
      allowedActions: expect.arrayContaining(['record-follow-up', 'record-performance', 'reopen', 'fail', 'add-note']),
    });
    const reopened = await api.act(id, 'reopen', { reason: '双方同意变更履行方式' }, mediator);
    expect(reopened).toMatchObject({
      stage: 'in_mediation',
      pastAgreements: [expect.objectContaining({ number: first.agreement.number })],
      varying: { number: first.agreement.number },
    });
    expect(reopened.deadlines.handling).toBeDefined();
    // The original stays in force while the variation is negotiated: its judicial-confirmation window runs on.
    expect(reopened.deadlines.judicial_confirmation).toBeDefined();
    await api.act(
      id,
      'resolve',
      { ...terms, terms: [{ text: '钱某十日内完成维修', obligor: '钱某', method: '自行维修', immediate: true }] },
      mediator,
    );
    const second = await signAll(id, mediator);
    expect(second.agreement.round).toBe(2);
    expect(second.agreement.number).not.toBe(first.agreement.number);
    const doc = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/agreement`, headers: mediator });
    expect(doc.body).toContain(second.agreement.number);
    expect(doc.body).toContain(`本协议系对${first.agreement.number}调解协议的变更`);
    expect(second.variations).toEqual([
      expect.objectContaining({ original: first.agreement.number, variedBy: second.agreement.number }),
    ]);
    const closed = await api.act(
      id,
      'record-follow-up',
      { method: 'home', met: ['当事人'], performed: true, satisfaction: 4 },
      mediator,
    );
    expect(closed).toMatchObject({ stage: 'closed', outcome: 'resolved' });
    await recordHistory(sys.temporalAddress, workflowIdFor(id), 'reopen-second-agreement');
  });
});

describe('finding cases', () => {
  it('filters by stage, unit subtree, level and text, and pages with a cursor', async () => {
    const marker = `漏水${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api.create(report('neighbour', { title: `${marker} 第${i}号` }))).id);
    const supervisor = await api.as('supervisor@yufuci-community');
    const page1 = expectStatus(
      await sys.app.inject({ url: `/api/v1/disputes?q=${encodeURIComponent(marker)}&limit=2`, headers: supervisor }),
      200,
    );
    expect(page1.items).toHaveLength(2);
    const page2 = expectStatus(
      await sys.app.inject({
        url: `/api/v1/disputes?q=${encodeURIComponent(marker)}&limit=2&cursor=${page1.nextCursor}`,
        headers: supervisor,
      }),
      200,
    );
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeUndefined();
    expect([...page1.items, ...page2.items].map((c: { id: string }) => c.id).sort()).toEqual([...ids].sort());
    const byStage = expectStatus(
      await sys.app.inject({
        url: `/api/v1/disputes?q=${encodeURIComponent(marker)}&stage=in_mediation`,
        headers: supervisor,
      }),
      200,
    );
    expect(byStage.items).toEqual([]);
    const bySubtree = expectStatus(
      await sys.app.inject({
        url: `/api/v1/disputes?q=${encodeURIComponent(marker)}&unit=wuling&level=community`,
        headers: await api.as('admin'),
      }),
      200,
    );
    expect(bySubtree.items).toHaveLength(3);
    const elsewhere = expectStatus(
      await sys.app.inject({
        url: `/api/v1/disputes?q=${encodeURIComponent(marker)}`,
        headers: await api.as('supervisor@wangjiaqiao-street'),
      }),
      200,
    );
    expect(elsewhere.items).toEqual([]);
    const wildcard = expectStatus(await sys.app.inject({ url: `/api/v1/disputes?q=%25`, headers: supervisor }), 200);
    expect(wildcard.items).toEqual([]);
  });

  const attribute = (d: { typedSearchAttributes: { get(key: never): unknown } }, name: string, type = 'KEYWORD') =>
    d.typedSearchAttributes.get({ name, type } as never);

  it('keeps the search attributes that find a workflow in step with the case; the stage only when asked', async () => {
    const { id, mediator } = await accepted('neighbour');
    const described = await sys.client.workflow.getHandle(workflowIdFor(id)).describe();
    expect(attribute(described, 'FengqiaoUnit')).toBe('yufuci-community');
    expect(attribute(described, 'FengqiaoLevel')).toBe('community');
    expect(attribute(described, 'FengqiaoCaseNumber')).toMatch(/渔人调受字第\d+号$/);
    expect(attribute(described, 'FengqiaoStage')).toBeUndefined();
    await api.act(id, 'escalate', { reason: '需街道协调' }, mediator);
    const escalated = await sys.client.workflow.getHandle(workflowIdFor(id)).describe();
    expect([attribute(escalated, 'FengqiaoUnit'), attribute(escalated, 'FengqiaoLevel')]).toEqual([
      'chuanzihe-street',
      'street',
    ]);

    // STAGE_SEARCH_ATTRIBUTES=true: new cases mirror their stage and deadlines too.
    sys.app.stageSearchAttributes = true;
    try {
      const mirrored = await accepted('neighbour');
      const withStage = await sys.client.workflow.getHandle(workflowIdFor(mirrored.id)).describe();
      expect(attribute(withStage, 'FengqiaoStage')).toBe('in_mediation');
      expect(attribute(withStage, 'FengqiaoUnit')).toBe('yufuci-community');
      expect(attribute(withStage, 'FengqiaoOverdue', 'BOOL')).toBe(false);
      expect(attribute(withStage, 'FengqiaoNextDeadline', 'DATETIME')).toBeInstanceOf(Date);
      // Through to the close: a step of two events (recorded, then closed) upserts once, at its end.
      await api.act(mirrored.id, 'resolve', terms, mirrored.mediator);
      await signAll(mirrored.id, mirrored.mediator);
      await api.act(
        mirrored.id,
        'record-follow-up',
        { method: 'home', met: ['当事人'], performed: true, satisfaction: 5 },
        mirrored.mediator,
      );
      const closed = await sys.client.workflow.getHandle(workflowIdFor(mirrored.id)).describe();
      expect([attribute(closed, 'FengqiaoStage'), attribute(closed, 'FengqiaoOverdue', 'BOOL')]).toEqual([
        'closed',
        false,
      ]);
      await recordHistory(sys.temporalAddress, workflowIdFor(mirrored.id), 'closed-stage-search-attributes');
    } finally {
      sys.app.stageSearchAttributes = false;
    }
  });
});

describe('SLA policies (admin)', () => {
  it('lets an admin read and change policies, and no one else', async () => {
    const admin = await api.as('admin');
    const list = expectStatus(await sys.app.inject({ url: '/api/v1/admin/sla-policies', headers: admin }), 200);
    const fallback = list.items.find(
      (p: { category: string; priority: string; level: string }) =>
        p.category === '*' && p.priority === 'normal' && p.level === '*',
    );
    expect(fallback).toMatchObject({ calendar: 'cn-workdays', acceptSeconds: 23_400, reportInSeconds: 14_400 });
    expect(
      (
        await sys.app.inject({
          url: '/api/v1/admin/sla-policies',
          headers: await api.as('supervisor@yufuci-community'),
        })
      ).statusCode,
    ).toBe(403);
    const created = expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/admin/sla-policies',
        headers: admin,
        payload: { ...policy('traffic', {}), level: 'county' },
      }),
      201,
    );
    expect(
      (
        await sys.app.inject({
          method: 'POST',
          url: '/api/v1/admin/sla-policies',
          headers: admin,
          payload: { ...policy('traffic', {}), level: 'county' },
        })
      ).statusCode,
    ).toBe(409);
    const changed = expectStatus(
      await sys.app.inject({
        method: 'PUT',
        url: `/api/v1/admin/sla-policies/${created.id}`,
        headers: admin,
        payload: { ...policy('traffic', {}), level: 'county', acceptSeconds: 7200 },
      }),
      200,
    );
    expect(changed.acceptSeconds).toBe(7200);
    const bad = await sys.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/sla-policies/${created.id}`,
      headers: admin,
      payload: { ...policy('traffic', {}), calendar: 'lunar' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      (await sys.app.inject({ method: 'DELETE', url: `/api/v1/admin/sla-policies/${created.id}`, headers: admin }))
        .statusCode,
    ).toBe(204);
    expect(
      (await sys.app.inject({ method: 'DELETE', url: `/api/v1/admin/sla-policies/${fallback.id}`, headers: admin }))
        .statusCode,
    ).toBe(409);
    const rekeyed = await sys.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/sla-policies/${fallback.id}`,
      headers: admin,
      payload: { ...fallback, id: undefined, category: 'noise' },
    });
    expect(rekeyed.statusCode).toBe(409);
  });
});
