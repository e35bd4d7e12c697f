/**
 * The walking skeleton end to end: HTTP → Temporal workflow → activities → PostgreSQL → documents,
 * on the run's real dev server and database.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AgreementRecord, Dispute, DisputeEvent } from '../../db/entities';
import { isWorkingInstant, workingSecondsBetween } from '../../domain/calendar';
import { temporalCliPath } from '../../temporal/tools';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { agreedTerms, taoliLiftNoise } from '../helpers/fixtures';
import { recordHistory } from '../helpers/histories';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let integrator: Record<string, string>;
let mediator: Record<string, string>;

beforeAll(async () => {
  sys = await startSystem();
  integrator = { authorization: `Bearer ${sys.apiKey}` };
  mediator = { authorization: `Bearer ${await sys.login('mediator@yufuci-community')}` };
});
afterAll(() => sys?.close());

async function createCase(headers: Record<string, string> = integrator, body: object = taoliLiftNoise()) {
  return expectStatus(await sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers, payload: body }), 201);
}

async function act(id: string, action: string, payload: object, headers = mediator) {
  return sys.app.inject({ method: 'POST', url: `/api/v1/disputes/${id}/signals/${action}`, headers, payload });
}

describe('reporting a dispute', () => {
  it('routes a grid report to its community, numbers it and starts the accept clock', async () => {
    const created = await createCase();
    expect(created.stage).toBe('awaiting_acceptance');
    expect(created.unit).toEqual({
      code: 'yufuci-community',
      name: '渔父祠社区',
      level: 'community',
      committeeName: '渔父祠社区人民调解委员会',
    });
    expect(created.caseNumber).toMatch(/^（2026）渔人调受字第\d+号$/);
    // What the caller may do: the reporting platform adds notes and withdraws; the community's mediator
    // takes the case (allowedActions are computed for the caller).
    expect(created.allowedActions).toEqual(['add-note', 'withdraw']);
    const asMediator = expectStatus(
      await sys.app.inject({ url: `/api/v1/disputes/${created.id}`, headers: mediator }),
      200,
    );
    expect(asMediator.allowedActions).toEqual([
      'accept',
      'decline',
      'add-note',
      'withdraw',
      'refer-to-police',
      'record-consent',
      'refuse',
    ]);
    // The seeded default: one working day (6.5 office hours) to accept, on China's working calendar.
    const accept = created.deadlines.accept;
    expect(accept.calendar).toBe('cn-workdays');
    expect(workingSecondsBetween(new Date(accept.startedAt), new Date(accept.dueAt), { kind: 'cn-workdays' })).toBe(
      23_400,
    );
    expect(isWorkingInstant(new Date(Date.parse(accept.dueAt) - 1), { kind: 'cn-workdays' })).toBe(true);
    expect(created.nextDeadlineAt).toBe(accept.dueAt);
    expect(created.overdue).toBe(false);

    const read = expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${created.id}`, headers: mediator }), 200);
    expect(read.caseNumber).toBe(created.caseNumber);
    const events = expectStatus(
      await sys.app.inject({ url: `/api/v1/disputes/${created.id}/events`, headers: integrator }),
      200,
    );
    expect(events.items.map((e: { type: string }) => e.type)).toEqual(['received']);
    expect(events.items[0].actor).toMatchObject({ type: 'integrator', role: 'integrator' });
  });

  it('gives every case its own number', async () => {
    // Other test files number cases of the same committee at the same time, so gaps are possible
    // here; test/db/numbering.test.ts shows there are none on a committee of its own.
    const numbers = await Promise.all(
      Array.from({ length: 6 }, () => createCase().then((c) => c.caseNumber as string)),
    );
    expect(new Set(numbers).size).toBe(6);
    for (const n of numbers) expect(n).toMatch(/^（2026）渔人调受字第\d+号$/);
  });

  it('answers 400 naming every invalid field, and starts nothing', async () => {
    const bad = { ...taoliLiftNoise(), title: '', category: 'gossip', parties: [{ role: 'applicant' }], extra: 1 };
    const res = await sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers: integrator, payload: bad });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body/title', 'body/category', 'body/parties/0/name', 'body/extra']),
    );
    // A value outside a list is one error that names the allowed values.
    const category = res.json().errors.filter((e: { field: string }) => e.field === 'body/category');
    expect(category).toEqual([
      // The English message stays for integrators; the code and its values are what the console translates.
      expect.objectContaining({
        field: 'body/category',
        message: expect.stringMatching(/^must be one of: .*neighbour/),
        code: 'enum',
        params: expect.objectContaining({ allowed: expect.arrayContaining(['neighbour', 'other']) }),
      }),
    ]);
    const marker = `nowhere-${Date.now()}`;
    const unknownGrid = await sys.app.inject({
      method: 'POST',
      url: '/api/v1/disputes',
      headers: integrator,
      payload: { ...taoliLiftNoise(), title: marker, gridCode: 'atlantis' },
    });
    expect(unknownGrid.statusCode).toBe(400);
    expect(unknownGrid.json().errors).toEqual([expect.objectContaining({ field: 'body/gridCode' })]);
    // Nothing was started (other test files add cases meanwhile, so look for this request's own).
    expect(await sys.orm.em.fork().count(Dispute, { title: marker })).toBe(0);
  });

  it('treats a repeated request with the same Idempotency-Key as the same case', async () => {
    const headers = { ...integrator, 'idempotency-key': `repeat-${Date.now()}` };
    const first = await createCase(headers);
    const second = await createCase(headers);
    expect(second).toEqual(first);
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () =>
        sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers, payload: taoliLiftNoise() }),
      ),
    );
    for (const res of concurrent) expect(res.json().id).toBe(first.id);
    const received = await sys.orm.em.fork().count(DisputeEvent, { disputeId: first.id, type: 'received' });
    expect(received).toBe(1);
    const runs = [];
    for await (const wf of sys.client.workflow.list({ query: `WorkflowId = '${workflowIdFor(first.id)}'` }))
      runs.push(wf);
    expect(runs).toHaveLength(1);

    const other = await sys.app.inject({
      method: 'POST',
      url: '/api/v1/disputes',
      headers,
      payload: { ...taoliLiftNoise(), title: 'another' },
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
  });

  it('needs credentials on every case route, and hides cases outside the caller’s area', async () => {
    const created = await createCase();
    expect((await sys.app.inject({ url: `/api/v1/disputes/${created.id}` })).statusCode).toBe(401);
    expect(
      (
        await sys.app.inject({
          url: `/api/v1/disputes/${created.id}`,
          headers: { authorization: 'Bearer fq_live_not_a_real_key_at_all_000000' },
        })
      ).statusCode,
    ).toBe(401);
    const elsewhere = { authorization: `Bearer ${await sys.login('mediator@wangjiaqiao-community')}` };
    const hidden = await sys.app.inject({ url: `/api/v1/disputes/${created.id}`, headers: elsewhere });
    expect(hidden.statusCode).toBe(404);
    const missing = await sys.app.inject({
      url: '/api/v1/disputes/00000000-0000-0000-0000-000000000000',
      headers: elsewhere,
    });
    expect(hidden.json().title).toBe(missing.json().title);
    expect((await act(created.id, 'accept', {}, elsewhere)).statusCode).toBe(404);
  });
});

describe('the accept path and the agreement', () => {
  it('accepts, drafts, signs and seals into an effective, frozen agreement', async () => {
    const created = await createCase();
    const accepted = expectStatus(await act(created.id, 'accept', { note: '已接单' }), 200);
    expect(accepted.stage).toBe('in_mediation');
    expect(accepted.acceptedAt).toBeDefined();
    // Each party's consent (the applicant's by applying) and the rights notice (人民调解法 Art. 17, 23–24).
    await apiOf(sys).consentAll(created.id, mediator);

    const drafted = expectStatus(await act(created.id, 'resolve', agreedTerms()), 200);
    expect(drafted.stage).toBe('awaiting_signatures');
    const draft = await sys.app.inject({
      url: `/api/v1/disputes/${created.id}/documents/agreement`,
      headers: mediator,
    });
    expect(draft.statusCode).toBe(200);
    expect(draft.body).toContain('草稿');

    expectStatus(await act(created.id, 'sign', { signer: 'party:0', method: 'signature' }), 200);
    expectStatus(await act(created.id, 'sign', { signer: 'party:1', method: 'seal', witness: '网格员李某' }), 200);
    const repeat = await act(created.id, 'sign', { signer: 'party:0', method: 'signature' });
    expect(repeat.statusCode).toBe(422);
    expectStatus(await act(created.id, 'sign', { signer: 'mediator', method: 'signature' }), 200);
    // The committee's seal comes last (人民调解法 Art. 29).
    const closed = expectStatus(await act(created.id, 'seal', {}), 200);
    expect(closed.stage).toBe('follow_up');
    expect(closed.outcome).toBeUndefined();
    // Follow-up at the earliest performance date (10 Dec 2026, end of the office day in China).
    expect(closed.followUp.dueAt).toBe('2026-12-10T09:30:00.000Z');
    // Art. 33 counted as 民法典 Art. 201, 203 count it: the 30th day after effectiveness (or the first
    // working day after a holiday), ending at 24:00 Beijing time (test/law/judicial-window.test.ts).
    const windowEnds: string = closed.deadlines.judicial_confirmation.dueAt;
    expect(windowEnds).toMatch(/T16:00:00\.000Z$/);
    const beijingDay = (iso: string) => Math.floor((Date.parse(iso) + 8 * 3600_000) / 86400_000);
    expect(beijingDay(windowEnds) - 1 - beijingDay(closed.agreement.effectiveAt)).toBeGreaterThanOrEqual(30);
    expect(closed.agreement.judicialWindowEndsAt).toBe(windowEnds);
    expect(closed.agreement.number).toMatch(/^（2026）渔人调字第\d+号$/);
    expect(closed.agreement.sha256).toMatch(/^[0-9a-f]{64}$/);

    const doc = await sys.app.inject({ url: `/api/v1/disputes/${created.id}/documents/agreement`, headers: mediator });
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-type']).toMatch(/^text\/html/);
    expect(doc.headers['content-security-policy']).toContain("default-src 'none'");
    const html = doc.body;
    expect(html).toContain('人民调解协议书');
    expect(html).toContain(closed.agreement.number);
    expect(html).not.toContain('草稿');
    for (const text of [
      '陈某',
      '女',
      '汉族',
      '46岁',
      '常德市某小吃店',
      '法定代表人/负责人：王某',
      '小吃店载货电梯位于陈某住房正下方',
    ])
      expect(html).toContain(text);
    expect(html).toContain('一、小吃店在电梯井加装隔音减振设施');
    expect(html).toContain('二、小吃店向陈某一次性支付补偿款');
    expect(html).toContain('金额人民币12,000.00元（人民币壹万贰仟元整）');
    expect(html).toContain('履行期限：2026年12月10日前');
    expect(html).toContain('本协议一式三份');
    expect(html).toContain('渔父祠社区人民调解委员会（印）');

    const record = await sys.orm.em.fork().findOneOrFail(AgreementRecord, { disputeId: created.id });
    expect(record.sha256).toBe(closed.agreement.sha256);
    expect(record.html).toBe(html);

    const types = expectStatus(
      await sys.app.inject({ url: `/api/v1/disputes/${created.id}/events`, headers: mediator }),
      200,
    ).items.map((e: { type: string; seq: number }) => e.type);
    expect(types).toEqual([
      'received',
      'accepted',
      'consent_recorded',
      'consent_recorded',
      'agreement_drafted',
      'signed',
      'signed',
      'signed',
      'sealed', // the seal comes last (人民调解法 Art. 29)
      'agreement_effective',
    ]);
    const visited = expectStatus(
      await act(created.id, 'record-follow-up', {
        method: 'home',
        met: ['当事人'],
        performed: true,
        satisfaction: 5,
        note: '已安装隔音设施',
      }),
      200,
    );
    expect(visited).toMatchObject({
      stage: 'closed',
      outcome: 'resolved',
      followUp: { method: 'home', met: ['当事人'], performed: true, satisfaction: 5 },
    });
    const after = await act(created.id, 'add-note', { text: 'too late' });
    expect(after.statusCode).toBe(409);
    // A closed case takes nothing more but the record of its judicial confirmation while the 30-day
    // window runs (人民调解法 Art. 33).
    expect(after.json()).toMatchObject({
      code: 'action_refused',
      stage: 'closed',
      allowed: ['record-judicial-confirmation'],
    });
    await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'agreement-signed-sealed-visited');
  });

  it('refuses what the stage does not allow with 409 naming the stage and the allowed actions', async () => {
    const created = await createCase();
    const res = await act(created.id, 'sign', { signer: 'party:0', method: 'signature' });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      status: 409,
      code: 'action_refused',
      stage: 'awaiting_acceptance',
      allowed: ['accept', 'decline', 'add-note', 'reassign', 'withdraw', 'refer-to-police', 'record-consent', 'refuse'],
    });
    expectStatus(await act(created.id, 'accept', {}), 200);
    const twice = await act(created.id, 'accept', {});
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({
      stage: 'in_mediation',
      allowed: [
        'add-note',
        'suspend',
        'escalate',
        'schedule-meeting',
        'resolve',
        'fail',
        'withdraw',
        'reassign',
        'refer-to-police',
        'record-consent',
      ],
    });
    expectStatus(await act(created.id, 'add-note', { text: '双方同意下周到社区面谈' }), 200);
    const up = expectStatus(await act(created.id, 'escalate', { reason: '涉及物业维修基金，社区无法协调' }), 200);
    expect(up).toMatchObject({ stage: 'awaiting_acceptance', level: 'street', unit: { code: 'chuanzihe-street' } });
    expect(up.escalations).toEqual([
      expect.objectContaining({ from: 'yufuci-community', to: 'chuanzihe-street', automatic: false }),
    ]);
    await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'accept-note-escalate');
  });

  it('is visible to the Temporal CLI', async () => {
    const created = await createCase();
    const { stdout } = await promisify(execFile)(temporalCliPath(), [
      'workflow',
      'describe',
      '--address',
      sys.temporalAddress,
      '--workflow-id',
      workflowIdFor(created.id),
      '--output',
      'json',
    ]);
    const described = JSON.parse(stdout);
    expect(described.workflowExecutionInfo.type.name).toBe('disputeWorkflow');
    expect(described.workflowExecutionInfo.status).toMatch(/RUNNING/);
    expect(JSON.stringify(described.workflowExecutionInfo.searchAttributes)).toContain('FengqiaoCaseNumber');
  });
});
