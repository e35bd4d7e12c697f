/**
 * `allowedActions` is computed for the caller (api/views.ts): for several users and a case at several
 * stages, every action listed is one the signals route does not refuse with 403, and every action the
 * stage allows but the list leaves out is refused with 403 — the list is exactly what this caller may do.
 */
import { allowedActions, signalledActions } from '../../domain/lifecycle';
import { apiOf, type Headers } from '../helpers/api';
import { agreedTerms, wangjiaqiaoMaintenanceFund } from '../helpers/fixtures';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
}, 120_000);
afterAll(async () => sys?.close());

const HOLDER = 'mediator@wangjiaqiao-community';
const soon = () => new Date(Date.now() + 3 * 86_400_000).toISOString();

/** A payload of the right shape for each action these stages allow (a 400 would prove nothing). */
const PAYLOADS: Record<string, () => object> = {
  accept: () => ({}),
  decline: () => ({ reason: '不属本社区管辖' }),
  refuse: () => ({ grounds: ['handled_elsewhere'], reason: '已由法院受理' }),
  'add-note': () => ({ text: '电话联系双方，约定下周面谈' }),
  reassign: () => ({ reason: '人手调整', unitCode: 'wangjiaqiao-street' }),
  withdraw: () => ({ reason: '申请人撤回', party: 0 }),
  'refer-to-police': () => ({ measures: '已安排专人劝导双方' }),
  'record-consent': () => ({ party: 1, consented: true, manner: 'oral', rightsNotice: 'written', inviteOthers: true }),
  suspend: () => ({ reason: '等待业委会开会' }),
  resume: () => ({}),
  escalate: () => ({ reason: '涉及街道层面协调' }),
  'schedule-meeting': () => ({ at: soon(), place: '汪家桥社区调委会', agencies: ['safety-station'] }),
  resolve: () => agreedTerms(),
  fail: () => ({ reason: '双方分歧过大', referral: '人民法院' }),
  sign: () => ({ signer: 'party:0', method: 'signature' }),
  seal: () => ({}),
  'reject-agreement': () => ({ party: 1, reason: '对补偿金额有异议' }),
};
/** Actions after which the case is still at the same stage and unit, so the next action can be tried on it. */
const KEEPS = new Set(['add-note', 'record-consent', 'refer-to-police', 'suspend', 'resume']);

type Stage = 'awaiting_acceptance' | 'in_mediation' | 'awaiting_signatures';

/** A fresh case of the integrator's at `stage`, brought there by the holding unit's mediator. */
async function caseAt(stage: Stage): Promise<string> {
  const created = await api.create(wangjiaqiaoMaintenanceFund());
  if (stage === 'awaiting_acceptance') return created.id;
  const holder = await api.as(HOLDER);
  await api.act(created.id, 'accept', {}, holder);
  if (stage === 'in_mediation') return created.id;
  await api.consentAll(created.id, holder);
  const c = await api.act(created.id, 'resolve', agreedTerms(), holder);
  expect(c.stage).toBe('awaiting_signatures');
  return created.id;
}

const headersOf = async (who: string): Promise<Headers> => (who === 'integrator' ? api.integrator : api.as(who));

async function post(id: string, action: string, headers: Headers): Promise<number> {
  const payload = PAYLOADS[action];
  if (!payload) throw new Error(`no payload for ${action}`);
  return (await api.tryAct(id, action, payload(), headers)).statusCode;
}

/**
 * Every action the stage allows (domain/lifecycle.ts, for a case neither suspended nor in follow-up),
 * tried by this caller: the listed ones must not be refused with 403, the others must be.
 */
async function check(who: string, stage: Stage): Promise<{ listed: string[]; refused: string[] }> {
  const headers = await headersOf(who);
  const id = await caseAt(stage);
  const all: string[] = signalledActions(allowedActions(stage));
  const listed: string[] = (await api.get(id, headers)).allowedActions;
  expect(listed.filter((a) => !all.includes(a))).toEqual([]);
  // The unlisted first (a 403 changes nothing), then the listed, each on a case still at the stage.
  const refused = all.filter((a) => !listed.includes(a));
  for (const action of refused)
    expect([who, stage, action, await post(id, action, headers)]).toEqual([who, stage, action, 403]);
  for (const action of listed) {
    const target = KEEPS.has(action) ? id : await caseAt(stage);
    const status = await post(target, action, headers);
    expect([who, stage, action, [200, 409, 422].includes(status) ? 'not refused' : status]).toEqual([
      who,
      stage,
      action,
      'not refused',
    ]);
  }
  return { listed, refused };
}

it('lists for each user exactly the actions a new case lets them take', async () => {
  const seen: Record<string, { listed: string[]; refused: string[] }> = {};
  for (const who of [
    HOLDER,
    'mediator@wangjiaqiao-street',
    'supervisor@wangjiaqiao-street',
    'supervisor@jinshi',
    'admin',
    'integrator',
  ])
    seen[who] = await check(who, 'awaiting_acceptance');
  console.log('awaiting_acceptance', JSON.stringify(seen, null, 1));
  // The addressed unit accepts; a unit above does not, an integrator only adds information or records a withdrawal.
  expect(seen[HOLDER]!.listed).toEqual(expect.arrayContaining(['accept', 'decline', 'refuse', 'add-note']));
  expect(seen[HOLDER]!.listed).not.toContain('reassign');
  expect(seen['supervisor@wangjiaqiao-street']!.listed).toContain('reassign');
  expect(seen['supervisor@wangjiaqiao-street']!.refused).toEqual(
    expect.arrayContaining(['accept', 'decline', 'refuse']),
  );
  expect(seen['supervisor@jinshi']!.listed).not.toContain('accept');
  expect(seen.integrator!.listed.sort()).toEqual(['add-note', 'withdraw']);
  expect(seen.integrator!.refused).toEqual(expect.arrayContaining(['accept', 'decline', 'refuse', 'reassign']));
}, 300_000);

it('in mediation, lists for each user what the API then accepts', async () => {
  const seen: Record<string, { listed: string[]; refused: string[] }> = {};
  for (const who of [HOLDER, 'supervisor@wangjiaqiao-street', 'integrator'])
    seen[who] = await check(who, 'in_mediation');
  console.log('in_mediation', JSON.stringify(seen, null, 1));
  expect(seen[HOLDER]!.listed).toEqual(expect.arrayContaining(['suspend', 'escalate', 'resolve', 'fail']));
  expect(seen.integrator!.refused).toEqual(expect.arrayContaining(['suspend', 'resolve', 'fail']));
}, 300_000);

it('offers signing and the seal only to the holding committee’s own people', async () => {
  const seen: Record<string, { listed: string[]; refused: string[] }> = {};
  for (const who of [HOLDER, 'mediator@wangjiaqiao-street', 'admin'])
    seen[who] = await check(who, 'awaiting_signatures');
  console.log('awaiting_signatures', JSON.stringify(seen, null, 1));
  // 人民调解法 Art. 19, 29: the committee's own mediators record signatures; the seal is its director's.
  // The community's mediator is the member its committee authorised to seal (demo/seed.ts).
  expect(seen[HOLDER]!.listed).toEqual(expect.arrayContaining(['sign', 'seal']));
  expect(seen['mediator@wangjiaqiao-street']!.refused).toEqual(expect.arrayContaining(['sign', 'seal']));
  expect(seen.admin!.refused).toEqual(expect.arrayContaining(['sign', 'seal']));
}, 300_000);
