/**
 * The access matrix: every role × every action, inside and outside the caller's scope, through the
 * API on the real workflow. Outside the scope: 404 (no leak of existence); inside, a role the action
 * is not for: 403; a role it is for: 200 (each on a case of its own, in a stage that allows it).
 */
import { ACTIONS, type Action } from '../../domain/lifecycle';
import { apiOf, type Headers } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
const who: Record<string, Headers> = {};

type Setup = 'received' | 'accepted' | 'suspended' | 'meeting' | 'drafted' | 'effective' | 'notPerformed';
const terms = { facts: '事实', matters: '事项', responsibilities: '责任', terms: [{ text: '条款', obligor: '某小吃店' }] };

/** Where each action is tried, and with what body. */
const PLAN: Record<Action, { setup: Setup; body: object }> = {
  accept: { setup: 'received', body: {} },
  decline: { setup: 'received', body: { reason: '不属本社区' } },
  'add-note': { setup: 'received', body: { text: '补充材料' } },
  withdraw: { setup: 'received', body: { reason: '撤回' } },
  reassign: { setup: 'received', body: { reason: '换人', assignee: { id: 'u-x', name: '调解员乙' } } },
  escalate: { setup: 'accepted', body: { reason: '上报' } },
  suspend: { setup: 'accepted', body: { reason: '等待材料' } },
  resume: { setup: 'suspended', body: {} },
  'schedule-meeting': { setup: 'accepted', body: { at: '2099-01-01T02:00:00Z', place: '社区', agencies: ['safety-station'] } },
  resolve: { setup: 'accepted', body: terms },
  fail: { setup: 'accepted', body: { reason: '调解不成', referral: '诉讼' } },
  'confirm-attendance': { setup: 'meeting', body: {} },
  'decline-attendance': { setup: 'meeting', body: { reason: '无关' } },
  'record-outcome': { setup: 'meeting', body: { result: 'adjourned', facts: '休会' } },
  sign: { setup: 'drafted', body: { signer: 'party:0', method: 'signature' } },
  seal: { setup: 'drafted', body: {} },
  'reject-agreement': { setup: 'drafted', body: { reason: '不同意' } },
  'record-follow-up': { setup: 'effective', body: { performed: true, satisfaction: 5 } },
  reopen: { setup: 'notPerformed', body: { reason: '未履行' } },
};

/** Who may do what inside their scope (DESIGN.md §2; domain/permissions.ts). */
const MEDIATION = ACTIONS.filter((a) => !['reassign', 'confirm-attendance', 'decline-attendance'].includes(a));
const ALLOWED: Record<string, readonly Action[]> = {
  owner: ['add-note', 'withdraw'],
  gridWorker: ['add-note'],
  mediator: MEDIATION,
  supervisor: ACTIONS.filter((a) => a !== 'confirm-attendance' && a !== 'decline-attendance'),
  admin: ACTIONS.filter((a) => a !== 'confirm-attendance' && a !== 'decline-attendance'),
  summonedRep: ['confirm-attendance', 'decline-attendance', 'add-note'],
  strangerIntegrator: [],
  otherMediator: [],
  otherRep: [],
};

async function caseIn(setup: Setup): Promise<string> {
  const created = await api.create(taoliLiftNoise(), who.owner);
  const id = created.id as string;
  const m = who.mediator!;
  if (setup === 'received') return id;
  await api.act(id, 'accept', {}, m);
  if (setup === 'suspended') await api.act(id, 'suspend', { reason: '等待' }, m);
  if (setup === 'meeting') await api.act(id, 'schedule-meeting', PLAN['schedule-meeting'].body, m);
  if (setup === 'drafted' || setup === 'effective' || setup === 'notPerformed') await api.act(id, 'resolve', terms, m);
  if (setup === 'effective' || setup === 'notPerformed') {
    for (const signer of ['party:0', 'party:1', 'mediator']) await api.act(id, 'sign', { signer, method: 'signature' }, m);
    await api.act(id, 'seal', {}, m);
  }
  if (setup === 'notPerformed') await api.act(id, 'record-follow-up', { performed: false, satisfaction: 2 }, m);
  return id;
}

/** Who can see a case at all (else 404): the rep only once their agency is summoned. */
function inScope(principal: string, setup: Setup): boolean {
  if (['strangerIntegrator', 'otherMediator', 'otherRep'].includes(principal)) return false;
  if (principal === 'summonedRep') return setup === 'meeting';
  return true;
}

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  const admin = await api.as('admin');
  const stranger = expectStatus(await sys.app.inject({ method: 'POST', url: '/api/v1/admin/api-keys', headers: admin, payload: { name: 'another platform' } }), 201);
  Object.assign(who, {
    owner: api.integrator,
    strangerIntegrator: { authorization: `Bearer ${stranger.key}` },
    gridWorker: await api.as('grid@yufuci-taoli'),
    mediator: await api.as('mediator@yufuci-community'),
    supervisor: await api.as('supervisor@yufuci-community'),
    otherMediator: await api.as('mediator@wangjiaqiao-community'),
    summonedRep: await api.as('rep@safety-station'),
    otherRep: await api.as('rep@housing-center'),
    admin,
  });
});
afterAll(() => sys?.close());

const principals = Object.keys(ALLOWED);

describe.each(ACTIONS)('%s', (action) => {
  const { setup, body } = PLAN[action];
  it(`answers every role as the matrix says (${principals.length} callers)`, async () => {
    const shared = await caseIn(setup);
    const answers: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const principal of principals) {
      const visible = inScope(principal, setup);
      const allowed = visible && ALLOWED[principal]!.includes(action);
      expected[principal] = !visible ? 404 : allowed ? 200 : 403;
      // A permitted caller acts on a case of its own, so that the next caller finds the stage unchanged.
      const id = allowed ? await caseIn(setup) : shared;
      const res = await api.tryAct(id, action, body, who[principal]!);
      answers[principal] = res.statusCode;
      if (res.statusCode >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(answers).toEqual(expected);
    // Reading the case follows the same scope.
    for (const principal of principals) {
      const read = await sys.app.inject({ url: `/api/v1/disputes/${shared}`, headers: who[principal]! });
      expect([principal, read.statusCode]).toEqual([principal, inScope(principal, setup) ? 200 : 404]);
    }
  });
});
