/**
 * Committees are their own records (issue 21, item 1; 人民调解法 Art. 34; domain/committee.ts): a
 * grid holds no case; a street that takes over a community's case registers it under its own
 * number and the documents print the original (原案号); above the street a case goes by category
 * to the county's 行业性专业性 committee or its 矛盾纠纷调处中心; a street that does not accept a
 * ticket in time is supervised (督办) from above, the case is not moved up.
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
  // `consumer`/`urgent` is this file's own: 2 s to accept at the community, 3 s at the street.
  await sys.orm.em.execute(
    `insert into sla_policies (category, priority, level, accept_seconds, handling_seconds, report_in_seconds, signature_seconds, follow_up_days, warning_share, auto_escalate, calendar)
     values ('consumer', 'urgent', 'community', 2, 3600, 3600, 3600, 15, 0.5, true, 'wall-clock'),
            ('consumer', 'urgent', 'street', 3, 3600, 3600, 3600, 15, 0.9, true, 'wall-clock')
     on conflict (category, priority, level) do nothing`,
  );
});
afterAll(() => sys?.close());

const report = (category: string, priority = 'normal') => ({
  gridCode: 'wangjiaqiao-g1',
  category,
  priority,
  title: '物业服务费与停车位纠纷',
  description: '业主与物业公司就停车位收费和物业服务质量发生争执。',
  parties: [
    { name: '孙某', role: 'applicant', kind: 'person', age: 40 },
    { name: '津市市某物业服务有限公司', role: 'respondent', kind: 'organisation', representative: '刘某' },
  ],
  channel: '580-app',
});
const CASE_NUMBER = (short: string) => new RegExp(`^（2026）${short}人调受字第\\d+号$`);

it('keeps a grid without a committee: its report goes to the community, and no case is sent to a grid', async () => {
  const mediator = await api.as('mediator@wangjiaqiao-community');
  const created = await api.create(report('neighbour'));
  expect(created).toMatchObject({ unit: { code: 'wangjiaqiao-community' }, level: 'community' });
  expect(created.caseNumber).toMatch(CASE_NUMBER('汪社'));
  const toGrid = await api.tryAct(created.id, 'decline', { reason: '交网格', transferTo: 'wangjiaqiao-g1' }, mediator);
  expect(toGrid.statusCode).toBeGreaterThanOrEqual(400);
  expect(toGrid.json().detail).toContain('wangjiaqiao-g1 is a grid: cases are handled by its community');
  expect((await api.get(created.id)).unit.code).toBe('wangjiaqiao-community');
});

it('lets the street take a case over under its own number, and goes above it by category', async () => {
  const community = await api.as('mediator@wangjiaqiao-community');
  const street = await api.as('mediator@wangjiaqiao-street');
  const created = await api.create(report('property'));
  const original = created.caseNumber as string;
  await api.act(created.id, 'accept', {}, community);
  await api.act(created.id, 'escalate', { reason: '涉及多方，社区无力化解' }, community);
  const taken = await api.act(created.id, 'accept', {}, street);
  expect(taken.caseNumber).toMatch(CASE_NUMBER('汪'));
  expect(taken.priorCaseNumbers).toEqual([original]);
  const intake = (await sys.app.inject({ url: `/api/v1/disputes/${created.id}/documents/intake`, headers: street }))
    .body;
  expect(intake).toContain(`<p class="number">${taken.caseNumber}<br>原案号 ${original}</p>`);
  const english = (
    await sys.app.inject({ url: `/api/v1/disputes/${created.id}/documents/intake?lang=en`, headers: street })
  ).body;
  expect(english).toContain(`Original case no. ${original}`);

  // Above the street: the county's 物业纠纷人民调解委员会 takes a property case, under its own number.
  const up = await api.act(created.id, 'escalate', { reason: '需专业调解' }, street);
  expect(up).toMatchObject({ stage: 'awaiting_acceptance', unit: { code: 'jinshi-property' }, level: 'county' });
  const property = await api.act(created.id, 'accept', {}, await api.as('mediator@jinshi-property'));
  expect(property.caseNumber).toMatch(CASE_NUMBER('津物'));
  expect(property.priorCaseNumbers).toEqual([original, taken.caseNumber]);

  // Any other category goes to the county's 矛盾纠纷调处中心.
  const other = await api.create(report('neighbour'));
  await api.act(other.id, 'accept', {}, community);
  await api.act(other.id, 'escalate', { reason: '社区无力化解' }, community);
  await api.act(other.id, 'accept', {}, street);
  const centre = await api.act(other.id, 'escalate', { reason: '需县级调处' }, street);
  expect(centre.unit).toMatchObject({ code: 'jinshi-center', name: '津市市矛盾纠纷调处中心' });
});

it('supervises (督办) a street that does not accept in time instead of moving the case up; the street then takes it under its own number', async () => {
  const created = await api.create(report('consumer', 'urgent'));
  const original = created.caseNumber as string;
  // The community's breach still sends it to the street, automatically.
  await eventually(async () => (await api.get(created.id)).unit.code === 'wangjiaqiao-street', 15_000, 'to the street');
  const county = await api.as('supervisor@jinshi');
  const supervision = await eventually(
    async () => (await api.alerts(created.id, county)).find((a) => a.kind === 'accept_supervision'),
    15_000,
    'the 督办 alert',
  );
  expect(supervision.unitCode).toBe('jinshi');
  expect(supervision.message).toMatch(
    /^督办：（2026）汪社人调受字第\d+号 汪家桥街道未在2026年\d+月\d+日 \d{2}:\d{2}前受理，案件仍由其办理，请上级督促受理或改派 \/ Supervision: /,
  );
  expect(supervision.message).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  // The case stays with the street, waiting for it: no move to the county or the city.
  await new Promise((r) => setTimeout(r, 1500));
  const still = await api.get(created.id);
  expect(still).toMatchObject({ stage: 'awaiting_acceptance', unit: { code: 'wangjiaqiao-street' }, level: 'street' });
  expect(still.escalations).toHaveLength(1);
  const types = (await api.events(created.id)).map((e) => e.type);
  expect(types.filter((t) => t === 'escalated')).toHaveLength(1);
  expect(types).toContain('supervision_requested');

  const street = await api.as('mediator@wangjiaqiao-street');
  const taken = await api.act(created.id, 'accept', {}, street);
  expect(taken.caseNumber).toMatch(CASE_NUMBER('汪'));
  expect(taken.priorCaseNumbers).toEqual([original]);

  // The street's committee concludes it: two of its mediators sign, its 主任 seals; the agreement prints both numbers.
  await api.consentAll(created.id, street);
  await api.act(
    created.id,
    'resolve',
    {
      facts: '物业公司按新标准收取停车费，未经业主大会同意。',
      matters: '停车费标准。',
      responsibilities: '物业公司负主要责任。',
      terms: [
        {
          text: '物业公司退还多收的停车费',
          obligor: '津市市某物业服务有限公司',
          amountFen: 60_000,
          method: '银行转账',
          place: '汪家桥街道调委会',
          dueDate: '2027-01-31',
        },
      ],
    },
    street,
  );
  await api.act(created.id, 'sign', { signer: 'party:0', method: 'signature' }, street);
  await api.act(created.id, 'sign', { signer: 'party:1', method: 'seal' }, street);
  const second = await api.as('mediator2@wangjiaqiao-street');
  await api.act(created.id, 'sign', { signer: 'mediator', method: 'signature' }, street);
  await api.act(created.id, 'sign', { signer: 'mediator', method: 'signature' }, second);
  expect((await api.tryAct(created.id, 'seal', {}, second)).statusCode).toBe(403);
  const effective = await api.act(created.id, 'seal', {}, await api.as('supervisor@wangjiaqiao-street'));
  expect(effective.agreement.number).toMatch(/^（2026）汪人调字第\d+号$/);
  const agreement = (
    await sys.app.inject({ url: `/api/v1/disputes/${created.id}/documents/agreement`, headers: street })
  ).body;
  expect(agreement).toContain(`案件编号 ${taken.caseNumber}（原案号 ${original}）`);
  expect(/<td>人民调解员（签名）：<br>(.*?)<\/td>/.exec(agreement)?.[1]).toMatch(
    /^汪家桥街道调解员（2026年\d+月\d+日）<br>汪家桥街道调解员乙（2026年\d+月\d+日）$/,
  );
  const certificate = (
    await sys.app.inject({ url: `/api/v1/disputes/${created.id}/documents/certificate`, headers: street })
  ).body;
  expect(certificate).toContain(`案件编号 ${taken.caseNumber}（原案号 ${original}）`);
  await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'street-supervised-own-number');
  // The county and city staff see the alert; the street's own supervisors had the breach.
  expect(
    expectStatus(
      await sys.app.inject({
        url: `/api/v1/alerts?disputeId=${created.id}`,
        headers: await api.as('supervisor@wangjiaqiao-street'),
      }),
      200,
    ).items.map((a: { kind: string }) => a.kind),
  ).toContain('accept_breach');
});
