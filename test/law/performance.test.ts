/**
 * After the agreement (issue 21, item 6), through the API on the real workflow: the committee
 * supervises performance term by term (人民调解法 Art. 31), visits up to the last term's deadline and
 * records how and whom (2002《人民调解工作若干规定》Art. 37), closes the case only when every term is
 * done; non-performance leads to 督促履行 and the Art. 32 notice, not to a failed mediation; a new
 * agreement is an agreed variation naming the original. Both paths are recorded for the replay suite.
 */
import { Notification } from '../../db/entities';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { hallwayClutter } from '../helpers/fixtures';
import { recordHistory } from '../helpers/histories';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

/** Term 1 at once (即时履行), terms 2 and 3 by dates ahead: a visit is due at 17:30 Beijing time on each. */
const SOON = '2027-01-20';
const LATER = '2027-03-15';
const agreement = () => ({
  facts: '孙某在楼道堆放杂物，妨碍李某通行。',
  matters: '杂物清理与赔偿。',
  responsibilities: '孙某承担主要责任。',
  terms: [
    { text: '孙某清理楼道杂物', obligor: '孙某', method: '自行清理', immediate: true },
    { text: '孙某修复损坏的楼道灯', obligor: '孙某', method: '自行修复', dueDate: SOON },
    { text: '孙某赔偿李某损失', obligor: '孙某', amountFen: 50_000, method: '银行转账', dueDate: LATER },
  ],
});

async function effectiveCase() {
  const created = await api.create(hallwayClutter());
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator);
  await api.act(created.id, 'resolve', agreement(), mediator);
  await api.act(created.id, 'sign', { signer: 'party:0', method: 'signature' }, mediator);
  await api.act(created.id, 'sign', { signer: 'party:1', method: 'signature' }, mediator);
  await api.act(created.id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
  const effective = await api.act(created.id, 'seal', {}, await api.as('supervisor@yufuci-community'));
  expect(effective.stage).toBe('follow_up');
  return { id: created.id as string, mediator, effective };
}

const notices = async (id: string) =>
  (await sys.orm.em.fork().find(Notification, { disputeId: id }, { orderBy: { key: 'asc' } })).map((n) => ({
    kind: n.kind,
    recipients: n.recipients,
    message: n.message,
  }));

it('supervises each term, urges the one not performed, visits up to the last deadline and closes only when every term is done', async () => {
  const { id, mediator, effective } = await effectiveCase();
  // Each term's status beside the sealed agreement: the immediate one awaits the check, the dated one is not due.
  expect(effective.performance).toEqual([
    expect.objectContaining({ term: 1, status: 'in_progress' }),
    expect.objectContaining({ term: 2, status: 'not_due', dueDate: SOON }),
    expect.objectContaining({ term: 3, status: 'not_due', dueDate: LATER }),
  ]);
  // Visits up to the last term's deadline, not only the earliest.
  expect(effective.followUp.plan).toEqual(['2027-01-20T09:30:00.000Z', '2027-03-15T09:30:00.000Z']);
  expect(effective.deadlines.follow_up.dueAt).toBe('2027-01-20T09:30:00.000Z');
  expect(effective.allowedActions).toEqual(
    expect.arrayContaining(['record-follow-up', 'record-performance', 'reopen', 'fail', 'add-note']),
  );

  // A term cannot be 未履行 before it falls due (民法典 Art. 577).
  const early = await api.tryAct(id, 'record-performance', { term: 2, status: 'not_performed' }, mediator);
  expect(early.statusCode).toBe(422);
  expect(early.body).toContain('民法典第五百七十七条');
  const noTerm = await api.tryAct(id, 'record-performance', { term: 4, status: 'done' }, mediator);
  expect(noTerm.statusCode).toBe(422);
  // How and whom are part of the record of a visit (2002 规定 Art. 37).
  expect((await api.tryAct(id, 'record-follow-up', { satisfaction: 3 }, mediator)).statusCode).toBe(400);

  const visited = await api.act(
    id,
    'record-follow-up',
    {
      method: 'phone',
      met: ['孙某', '李某'],
      terms: [{ term: 1, status: 'not_performed', note: '杂物仍未清理' }],
      satisfaction: 3,
    },
    mediator,
  );
  // Not performed: the agreement stays in force and the case stays in follow-up, with the next visit at term 2's date.
  expect(visited).toMatchObject({ stage: 'follow_up', followUp: { performed: false, method: 'phone' } });
  expect(visited.outcome).toBeUndefined();
  expect(visited.performance.map((p: { status: string }) => p.status)).toEqual(['not_performed', 'not_due', 'not_due']);
  expect(visited.deadlines.follow_up.dueAt).toBe('2027-01-20T09:30:00.000Z');
  expect(visited.followUp.visits).toEqual([
    expect.objectContaining({
      method: 'phone',
      met: ['孙某', '李某'],
      statuses: [
        { term: 1, status: 'not_performed' },
        { term: 2, status: 'not_due' },
        { term: 3, status: 'not_due' },
      ],
    }),
  ]);
  const types = (await api.events(id)).map((e) => e.type);
  expect(types).toContain('performance_urged');
  expect(types).not.toContain('mediation_failed');
  // 督促履行: an alert to the unit, a notice to the obligor (and the mediator), and the Art. 32 notice to the parties.
  const alerts = await api.alerts(id, await api.as('supervisor@yufuci-community'));
  expect(alerts.find((a) => a.kind === 'performance_urged')?.message).toContain('第一项未履行，请督促孙某履行');
  const sent = await notices(id);
  const urging = sent.find((n) => n.kind === 'performance_urging');
  expect(urging?.recipients).toEqual(expect.arrayContaining(['孙某']));
  expect(urging?.message).toContain('履行督促通知');
  const art32 = sent.find((n) => n.kind === 'performance_dispute_notice');
  expect(art32?.recipients).toEqual(['孙某', '李某']);
  expect(art32?.message).toContain('一方当事人可以向人民法院提起诉讼（人民调解法第三十二条）');
  expect(art32?.message).toContain('调解协议仍然有效');
  for (const n of sent) expect(n.message).not.toMatch(/\d{4}-\d{2}-\d{2}T/);

  // One term done is not the case done.
  const one = await api.act(id, 'record-performance', { term: 1, status: 'done', note: '已清理' }, mediator);
  expect(one.stage).toBe('follow_up');
  expect(one.performance[0]).toMatchObject({ status: 'done', note: '已清理' });

  const closed = await api.act(
    id,
    'record-follow-up',
    {
      method: 'home',
      met: ['李某'],
      terms: [
        { term: 2, status: 'done' },
        { term: 3, status: 'done' },
      ],
      satisfaction: 5,
      note: '灯已修复，赔偿款已到账',
    },
    mediator,
  );
  expect(closed).toMatchObject({ stage: 'closed', outcome: 'resolved' });
  expect(closed.performance.map((p: { status: string }) => p.status)).toEqual(['done', 'done', 'done']);
  // The Art. 33 window of the agreement still runs after the case closes.
  expect(closed.deadlines.judicial_confirmation).toBeDefined();

  // 回访记录: each visit, in Beijing time, how, whom, each term's status, satisfaction.
  const doc = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/follow-up`, headers: mediator });
  expect(doc.statusCode).toBe(200);
  for (const text of [
    '第1次回访',
    '第2次回访',
    '电话回访',
    '上门回访',
    '孙某、李某',
    '未履行',
    '已履行',
    '已全部履行',
    '灯已修复，赔偿款已到账',
  ]) {
    expect({ text, found: doc.body.includes(text) }).toEqual({ text, found: true });
  }
  expect(doc.body).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间）/);
  expect(doc.body).toContain('2027年3月15日');
  expect(doc.body).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  await recordHistory(sys.temporalAddress, workflowIdFor(id), 'performance-per-term');
});

it('a term not performed leads to an agreed variation naming the original, or to the Art. 32 referral — never a failed mediation', async () => {
  const { id, mediator, effective } = await effectiveCase();
  const number = effective.agreement.number as string;
  // `performed: false` without per-term statuses: every term that is due and not done is not performed.
  const visited = await api.act(
    id,
    'record-follow-up',
    { method: 'office', met: ['孙某'], performed: false, satisfaction: 2 },
    mediator,
  );
  expect(visited.performance.map((p: { status: string }) => p.status)).toEqual(['not_performed', 'not_due', 'not_due']);
  // “Performed” contradicted by a term's status is refused.
  const contradiction = await api.tryAct(
    id,
    'record-follow-up',
    { method: 'phone', met: ['孙某'], performed: true, terms: [{ term: 1, status: 'partly' }], satisfaction: 3 },
    mediator,
  );
  expect(contradiction.statusCode).toBe(422);

  // 变更协议: the original stays in force (its number in the history, its Art. 33 window running).
  const varying = await api.act(id, 'reopen', { reason: '双方同意变更清理期限' }, mediator);
  expect(varying).toMatchObject({ stage: 'in_mediation', varying: { number } });
  expect(varying.pastAgreements).toEqual([
    expect.objectContaining({ number, effectiveAt: effective.agreement.effectiveAt }),
  ]);
  expect(varying.deadlines.judicial_confirmation).toBeDefined();
  const draft = await api.act(
    id,
    'resolve',
    {
      ...agreement(),
      terms: [{ text: '孙某于三日内清理楼道杂物', obligor: '孙某', method: '自行清理', immediate: true }],
    },
    mediator,
  );
  expect(draft.agreement.varies).toEqual({ number, effectiveAt: effective.agreement.effectiveAt });
  const doc = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/agreement`, headers: mediator });
  expect(doc.body).toContain(`本协议系对${number}调解协议的变更`);
  // The parties do not agree on the variation: the original stays, and the dispute over it goes to court.
  await api.act(id, 'reject-agreement', { party: 1, reason: '不同意延期' }, mediator);
  const referred = await api.act(
    id,
    'fail',
    { reason: '孙某拒不履行清理义务', referral: '告知当事人可就协议履行向人民法院提起诉讼' },
    mediator,
  );
  expect(referred).toMatchObject({
    stage: 'closed',
    outcome: 'performance_referred',
    performanceDispute: { terms: [1], referral: '告知当事人可就协议履行向人民法院提起诉讼' },
  });
  expect(referred.failure).toBeUndefined();
  expect(referred.deadlines.judicial_confirmation).toBeDefined();
  const types = (await api.events(id)).map((e) => e.type);
  expect(types).toEqual(
    expect.arrayContaining(['performance_urged', 'variation_opened', 'performance_dispute_referred']),
  );
  expect(types).not.toContain('mediation_failed');
  expect(types).not.toContain('reopened');
  await recordHistory(sys.temporalAddress, workflowIdFor(id), 'performance-variation-referred');
});
