/**
 * The accept deadline on real timers: a wall-clock SLA policy of a few seconds, a warning at its
 * warning share, then on breach an alert to the unit's supervisors and escalation to the street,
 * whose own accept clock starts.
 */
import { SlaPolicy } from '../../db/entities';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { testPolicy } from '../helpers/fixtures';
import { recordHistory } from '../helpers/histories';
import { expectStatus, eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
  const em = sys.orm.em.fork();
  // Category `traffic` is this file's own: 3 s to accept at community level, an hour at the street.
  em.persist(
    em.create(SlaPolicy, testPolicy('traffic', { level: 'community', acceptSeconds: 3, handlingSeconds: 60 })),
  );
  em.persist(em.create(SlaPolicy, testPolicy('traffic', { level: 'street', warningShare: 0.8 })));
  await em.flush();
});
afterAll(() => sys?.close());

const report = {
  gridCode: 'wangjiaqiao-g1',
  category: 'traffic',
  title: '小区车辆剐蹭赔偿纠纷',
  description: '两位业主因小区内车辆剐蹭的赔偿金额发生争执。',
  parties: [
    { name: '张某', role: 'applicant' },
    { name: '李某', role: 'respondent' },
  ],
  channel: '12345',
};

it('warns, then on breach alerts the supervisors and escalates to the street, whose clock starts', async () => {
  const integrator = { authorization: `Bearer ${sys.apiKey}` };
  const created = expectStatus(
    await sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers: integrator, payload: report }),
    201,
  );
  expect(created.unit.code).toBe('wangjiaqiao-community');

  const supervisor = { authorization: `Bearer ${await sys.login('supervisor@wangjiaqiao-community')}` };
  const alertsFor = async () =>
    expectStatus(await sys.app.inject({ url: `/api/v1/alerts?disputeId=${created.id}`, headers: supervisor }), 200)
      .items as Array<{
      kind: string;
      unitCode: string;
      message: string;
    }>;

  const warning = await eventually(
    async () => (await alertsFor()).find((a) => a.kind === 'accept_warning'),
    10_000,
    'accept_warning',
  );
  expect(warning.unitCode).toBe('wangjiaqiao-community');

  const escalated = await eventually(
    async () => {
      const res = expectStatus(
        await sys.app.inject({ url: `/api/v1/disputes/${created.id}`, headers: integrator }),
        200,
      );
      return res.unit.code === 'wangjiaqiao-street' ? res : undefined;
    },
    15_000,
    'escalation to the street',
  );
  expect(escalated.stage).toBe('awaiting_acceptance');
  expect(escalated.level).toBe('street');
  expect(escalated.escalations).toEqual([
    expect.objectContaining({
      from: 'wangjiaqiao-community',
      to: 'wangjiaqiao-street',
      automatic: true,
      kind: 'breach',
    }),
  ]);
  const streetClock = Date.parse(escalated.deadlines.accept.dueAt) - Date.parse(escalated.deadlines.accept.startedAt);
  expect(streetClock).toBe(3600 * 1000);

  const alerts = await alertsFor();
  const breach = alerts.find((a) => a.kind === 'accept_breach');
  expect(breach).toMatchObject({ unitCode: 'wangjiaqiao-community' });
  expect(alerts.filter((a) => a.kind === 'accept_breach')).toHaveLength(1);
  expect(breach!.message).toContain(created.caseNumber);

  // The street's supervisor sees it too (their area contains the community); another area does not.
  const street = { authorization: `Bearer ${await sys.login('supervisor@wangjiaqiao-street')}` };
  const streetAlerts = expectStatus(
    await sys.app.inject({ url: `/api/v1/alerts?disputeId=${created.id}`, headers: street }),
    200,
  );
  expect(streetAlerts.items.map((a: { kind: string }) => a.kind).sort()).toEqual(['accept_breach', 'accept_warning']);
  const yufuci = { authorization: `Bearer ${await sys.login('supervisor@yufuci-community')}` };
  expect(
    expectStatus(await sys.app.inject({ url: `/api/v1/alerts?disputeId=${created.id}`, headers: yufuci }), 200).items,
  ).toEqual([]);

  // The community can no longer accept; the street can.
  const communityMediator = { authorization: `Bearer ${await sys.login('mediator@wangjiaqiao-community')}` };
  const events = expectStatus(
    await sys.app.inject({ url: `/api/v1/disputes/${created.id}/events`, headers: communityMediator }),
    200,
  );
  expect(events.items.map((e: { type: string }) => e.type)).toEqual(['received', 'deadline_breached', 'escalated']);
  const streetMediator = { authorization: `Bearer ${await sys.login('mediator@wangjiaqiao-street')}` };
  const accepted = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: `/api/v1/disputes/${created.id}/signals/accept`,
      headers: streetMediator,
      payload: {},
    }),
    200,
  );
  expect(accepted).toMatchObject({ stage: 'in_mediation', level: 'street' });
  await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'accept-breach-escalate-accept');
});

it('does not breach a case accepted in time', async () => {
  const integrator = { authorization: `Bearer ${sys.apiKey}` };
  const created = expectStatus(
    await sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers: integrator, payload: report }),
    201,
  );
  const mediator = { authorization: `Bearer ${await sys.login('mediator@wangjiaqiao-community')}` };
  expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: `/api/v1/disputes/${created.id}/signals/accept`,
      headers: mediator,
      payload: {},
    }),
    200,
  );
  await new Promise((r) => setTimeout(r, 4000));
  const after = expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${created.id}`, headers: integrator }), 200);
  expect(after).toMatchObject({ stage: 'in_mediation', unit: { code: 'wangjiaqiao-community' }, escalations: [] });
  const supervisor = { authorization: `Bearer ${await sys.login('supervisor@wangjiaqiao-community')}` };
  // (A warning may come first on a slow machine: the claim here is that the deadline is not breached.)
  const kinds = expectStatus(
    await sys.app.inject({ url: `/api/v1/alerts?disputeId=${created.id}`, headers: supervisor }),
    200,
  ).items.map((a: { kind: string }) => a.kind);
  expect(kinds).not.toContain('accept_breach');
  await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'accept-in-time');
});
