/**
 * The access matrix: every role × every action, inside and outside the caller's scope, through the
 * API on the real workflow. Outside the scope: 404 (no leak of existence); inside, a role the action
 * is not for: 403; a role it is for: 200 (each on a case of its own, in a stage that allows it).
 * Then neighbours and levels under 津市市: two communities of one street, the street above them,
 * a second street, and the county.
 */
import { ACTIONS, INTERNAL_ACTIONS, type Action } from '../../domain/lifecycle';
import { apiOf, type Headers } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
const who: Record<string, Headers> = {};

type Setup =
  | 'received'
  | 'accepted'
  | 'suspended'
  | 'meeting'
  | 'meetingStarted'
  | 'drafted'
  | 'signed'
  | 'effective'
  | 'notPerformed';
const terms = {
  facts: '事实',
  matters: '事项',
  responsibilities: '责任',
  terms: [{ text: '条款', obligor: '某小吃店', method: '当面履行', immediate: true }],
};

/** Where each action is tried, and with what body. */
// attach-evidence has no signals route: test/attachments/ covers who may add evidence.
// rate-satisfaction neither: the party's own, from the parties' page (test/parties/).
const PLAN: Record<Exclude<Action, 'attach-evidence' | 'rate-satisfaction'>, { setup: Setup; body: object }> = {
  accept: { setup: 'received', body: {} },
  decline: { setup: 'received', body: { reason: '不属本社区' } },
  'add-note': { setup: 'received', body: { text: '补充材料' } },
  withdraw: { setup: 'received', body: { reason: '撤回' } },
  reassign: { setup: 'received', body: { reason: '换人', assignee: { id: 'u-x', name: '调解员乙' } } },
  escalate: { setup: 'accepted', body: { reason: '上报' } },
  suspend: { setup: 'accepted', body: { reason: '等待材料' } },
  resume: { setup: 'suspended', body: {} },
  'schedule-meeting': {
    setup: 'accepted',
    body: { at: '2099-01-01T02:00:00Z', place: '社区', agencies: ['safety-station'] },
  },
  resolve: { setup: 'accepted', body: terms },
  fail: { setup: 'accepted', body: { reason: '调解不成', referral: '诉讼' } },
  'confirm-attendance': { setup: 'meeting', body: {} },
  'decline-attendance': { setup: 'meeting', body: { reason: '无关' } },
  // An outcome (and the attendance) only once the meeting has started (issue 21 item 7).
  'record-outcome': { setup: 'meetingStarted', body: { result: 'adjourned', facts: '休会' } },
  sign: { setup: 'drafted', body: { signer: 'party:0', method: 'signature' } },
  // The seal comes last: tried once every party and the mediator have signed (domain/committee.ts).
  seal: { setup: 'signed', body: {} },
  'reject-agreement': { setup: 'drafted', body: { reason: '不同意' } },
  'record-follow-up': {
    setup: 'effective',
    body: { method: 'home', met: ['当事人'], performed: true, satisfaction: 5 },
  },
  reopen: { setup: 'notPerformed', body: { reason: '未履行' } },
  'record-performance': { setup: 'effective', body: { term: 1, status: 'in_progress' } },
  'record-attendance': { setup: 'meetingStarted', body: { present: ['safety-station'] } },
  'refer-to-police': { setup: 'accepted', body: { measures: '已分别约谈双方，劝阻过激行为' } },
  'record-judicial-confirmation': {
    setup: 'effective',
    body: { filedAt: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10), court: '常德市武陵区人民法院' },
  },
  'record-consent': { setup: 'received', body: { party: 1, consented: true, manner: 'oral', rightsNotice: 'written' } },
  refuse: { setup: 'received', body: { grounds: ['not_civil_dispute'], reason: '不属于民间纠纷' } },
};

/**
 * Who may do what inside their scope (domain/permissions.ts): the unit's mediators and supervisors
 * run the mediation; reassigning is for supervisors (and admins); answering a summons is the summoned
 * agency's own word; integrators add notes and record a withdrawal; grid workers add notes.
 */
const MEDIATION = ACTIONS.filter((a) => !['reassign', 'confirm-attendance', 'decline-attendance'].includes(a));
const ALLOWED: Record<string, readonly Action[]> = {
  owner: ['add-note', 'withdraw'],
  gridWorker: ['add-note'],
  mediator: MEDIATION,
  supervisor: ACTIONS.filter((a) => a !== 'confirm-attendance' && a !== 'decline-attendance'),
  // Nor do admins sign or seal for a committee (人民调解法 Art. 19, 29; domain/committee.ts).
  admin: ACTIONS.filter((a) => !['confirm-attendance', 'decline-attendance', 'sign', 'seal'].includes(a)),
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
  // The parties' will on record before a meeting or an agreement (人民调解法 Art. 17, 20, 23–24).
  await api.consentAll(id, m);
  if (setup === 'suspended') await api.act(id, 'suspend', { reason: '等待' }, m);
  if (setup === 'meeting') await api.act(id, 'schedule-meeting', PLAN['schedule-meeting'].body, m);
  if (setup === 'meetingStarted') {
    const at = new Date(Date.now() + 1_200).toISOString();
    await api.act(id, 'schedule-meeting', { ...PLAN['schedule-meeting'].body, at }, m);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(at) - Date.now() + 50)));
  }
  if (setup === 'drafted' || setup === 'signed' || setup === 'effective' || setup === 'notPerformed')
    await api.act(id, 'resolve', terms, m);
  if (setup === 'signed' || setup === 'effective' || setup === 'notPerformed') {
    for (const signer of ['party:0', 'party:1', 'mediator'])
      await api.act(id, 'sign', { signer, method: 'signature' }, m);
  }
  if (setup === 'effective' || setup === 'notPerformed') await api.act(id, 'seal', {}, m);
  if (setup === 'notPerformed')
    await api.act(id, 'record-follow-up', { method: 'home', met: ['当事人'], performed: false, satisfaction: 2 }, m);
  return id;
}

/** Who can see a case at all (else 404): the rep only once their agency is summoned. */
function inScope(principal: string, setup: Setup): boolean {
  if (['strangerIntegrator', 'otherMediator', 'otherRep'].includes(principal)) return false;
  if (principal === 'summonedRep') return setup === 'meeting' || setup === 'meetingStarted';
  return true;
}

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  const admin = await api.as('admin');
  const stranger = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers: admin,
      payload: { name: 'another platform' },
    }),
    201,
  );
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

const SIGNALLED = ACTIONS.filter((a): a is keyof typeof PLAN => !INTERNAL_ACTIONS.includes(a));
describe.each(SIGNALLED)('%s', (action) => {
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

/**
 * Neighbours and levels, on the seed's 津市市: 汪家桥社区 and 新堤社区 under 汪家桥街道, 河街社区 under
 * 襄阳街街道. A community's staff see and act on their own community's cases only, not the sibling's
 * under the same street; a street's staff on both of its communities'; the other street's staff on
 * neither; the county's on all three; the other county's on none. Written out here, not computed
 * from the unit paths the code under test compares.
 */
const GRID_OF = {
  'wangjiaqiao-community': 'wangjiaqiao-g1',
  'xindi-community': 'xindi-g1',
  'hejie-community': 'hejie-g1',
} as const;
type Community = keyof typeof GRID_OF;
const COMMUNITIES = Object.keys(GRID_OF) as Community[];
const SEES: Record<string, readonly Community[]> = {
  'mediator@wangjiaqiao-community': ['wangjiaqiao-community'],
  'supervisor@wangjiaqiao-community': ['wangjiaqiao-community'],
  'mediator@xindi-community': ['xindi-community'],
  'supervisor@xindi-community': ['xindi-community'],
  'mediator@hejie-community': ['hejie-community'],
  'supervisor@hejie-community': ['hejie-community'],
  'mediator@wangjiaqiao-street': ['wangjiaqiao-community', 'xindi-community'],
  'supervisor@wangjiaqiao-street': ['wangjiaqiao-community', 'xindi-community'],
  'mediator@xiangyangjie-street': ['hejie-community'],
  'supervisor@xiangyangjie-street': ['hejie-community'],
  'supervisor@jinshi': ['wangjiaqiao-community', 'xindi-community', 'hejie-community'],
  'mediator@yufuci-community': [],
};
const STAFF = Object.keys(SEES);
/** The committee each community's documents are issued by. */
const COMMITTEE: Record<Community, string> = {
  'wangjiaqiao-community': '汪家桥社区人民调解委员会',
  'xindi-community': '新堤社区人民调解委员会',
  'hejie-community': '河街社区人民调解委员会',
};

describe('neighbours and levels under 津市市', () => {
  const cases = {} as Record<Community, string>;
  const staff: Record<string, Headers> = {};
  const report = (gridCode: string, title: string) => ({ ...taoliLiftNoise(), gridCode, title, highRisk: true });

  beforeAll(async () => {
    for (const username of STAFF) staff[username] = await api.as(username);
    for (const c of COMMUNITIES) {
      const created = await api.create(report(GRID_OF[c], `邻里纠纷（${c}）`));
      expect(created.unit.code).toBe(c);
      cases[c] = created.id;
    }
    // A high-risk report raises an alert to the community at once (Art. 25); the workflow writes it.
    for (const c of COMMUNITIES) {
      await eventually(
        async () => (await api.alerts(cases[c], who.admin!)).some((a) => a.kind === 'high_risk'),
        20_000,
        `the high-risk alert of ${c}`,
      );
    }
  });

  it('reads: the case, its history, its documents and its alerts for those above or in the community; 404 (no alert) for everyone else', async () => {
    const answers: Record<string, object> = {};
    const expected: Record<string, object> = {};
    for (const username of STAFF) {
      for (const c of COMMUNITIES) {
        const id = cases[c];
        const get = (url: string) => sys.app.inject({ url, headers: staff[username]! });
        const [json, events, intake, alerts] = await Promise.all([
          get(`/api/v1/disputes/${id}`),
          get(`/api/v1/disputes/${id}/events`),
          get(`/api/v1/disputes/${id}/documents/intake`),
          get(`/api/v1/alerts?disputeId=${id}&limit=10`),
        ]);
        const visible = SEES[username]!.includes(c);
        answers[`${username} → ${c}`] = {
          case: json.statusCode,
          title: json.statusCode === 200 ? json.json().title : undefined,
          events: events.statusCode,
          received: events.statusCode === 200 ? events.json().items[0].type : undefined,
          intake: intake.statusCode,
          committee: intake.statusCode === 200 ? intake.body.includes(COMMITTEE[c]) : undefined,
          alerts: expectStatus(alerts, 200).items.map((a: { kind: string }) => a.kind),
        };
        expected[`${username} → ${c}`] = visible
          ? {
              case: 200,
              title: `邻里纠纷（${c}）`,
              events: 200,
              received: 'received',
              intake: 200,
              committee: true,
              alerts: ['high_risk'],
            }
          : {
              case: 404,
              title: undefined,
              events: 404,
              received: undefined,
              intake: 404,
              committee: undefined,
              alerts: [],
            };
        for (const res of [json, events, intake])
          if (res.statusCode === 404) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    expect(answers).toEqual(expected);
  });

  it('actions: a note from everyone who sees the case, 404 for everyone else; the ticket accepted by its own community only', async () => {
    const answers: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const c of COMMUNITIES) {
      for (const username of STAFF) {
        const visible = SEES[username]!.includes(c);
        const note = await api.tryAct(cases[c], 'add-note', { text: `${username} 的记录` }, staff[username]!);
        answers[`add-note ${username} → ${c}`] = note.statusCode;
        expected[`add-note ${username} → ${c}`] = visible ? 200 : 404;
        // Accepting or declining the ticket is for the unit it is addressed to, not for the units above.
        if (!username.endsWith(`@${c}`)) {
          const accept = await api.tryAct(cases[c], 'accept', {}, staff[username]!);
          answers[`accept ${username} → ${c}`] = accept.statusCode;
          expected[`accept ${username} → ${c}`] = visible ? 403 : 404;
        }
      }
    }
    expect(answers).toEqual(expected);
    for (const c of COMMUNITIES) {
      const accepted = await api.act(cases[c], 'accept', {}, staff[`mediator@${c}`]!);
      expect(accepted).toMatchObject({ stage: 'in_mediation', unit: { code: c } });
      // The refused notes left nothing behind: exactly the notes of those who see the case.
      const notes = (accepted.notes as Array<{ text: string }>).map((n) => n.text).filter((t) => t.endsWith(' 的记录'));
      expect(notes.sort()).toEqual(
        STAFF.filter((u) => SEES[u]!.includes(c))
          .map((u) => `${u} 的记录`)
          .sort(),
      );
    }
  });

  it('moves a ticket sideways to the neighbouring community, never to another street; where it came from keeps reading it but no longer acts', async () => {
    const created = await api.create(report('wangjiaqiao-g1', '邻里纠纷（移交新堤社区）'));
    const id = created.id as string;
    const from = staff['mediator@wangjiaqiao-community']!;
    const far = await api.tryAct(
      id,
      'decline',
      { reason: '当事人住所属河街社区', transferTo: 'hejie-community' },
      from,
    );
    expect(far.statusCode).toBe(403);
    const moved = await api.act(id, 'decline', { reason: '当事人住所属新堤社区', transferTo: 'xindi-community' }, from);
    expect(moved).toMatchObject({ stage: 'awaiting_acceptance', unit: { code: 'xindi-community' } });
    expect(moved.escalations).toEqual([
      expect.objectContaining({ kind: 'transfer', from: 'wangjiaqiao-community', to: 'xindi-community' }),
    ]);

    const status = async (username: string) => ({
      read: (await sys.app.inject({ url: `/api/v1/disputes/${id}`, headers: staff[username]! })).statusCode,
      note: (await api.tryAct(id, 'add-note', { text: `${username} 移交后的记录` }, staff[username]!)).statusCode,
    });
    const after: Record<string, object> = {};
    for (const username of [
      'mediator@wangjiaqiao-community',
      'supervisor@wangjiaqiao-community',
      'mediator@xindi-community',
      'mediator@wangjiaqiao-street',
      'mediator@hejie-community',
      'mediator@xiangyangjie-street',
    ]) {
      after[username] = await status(username);
    }
    expect(after).toEqual({
      // The case came from its grid: the community still reads it, but it is the neighbour's to handle.
      'mediator@wangjiaqiao-community': { read: 200, note: 403 },
      'supervisor@wangjiaqiao-community': { read: 200, note: 403 },
      'mediator@xindi-community': { read: 200, note: 200 },
      'mediator@wangjiaqiao-street': { read: 200, note: 200 },
      'mediator@hejie-community': { read: 404, note: 404 },
      'mediator@xiangyangjie-street': { read: 404, note: 404 },
    });
    expect((await api.tryAct(id, 'accept', {}, from)).statusCode).toBe(403);
    expect(await api.act(id, 'accept', {}, staff['mediator@xindi-community']!)).toMatchObject({
      stage: 'in_mediation',
      unit: { code: 'xindi-community' },
    });
  });

  it('keeps an escalated case readable by the community it came from, and actionable only by the street', async () => {
    const created = await api.create(report('xindi-g1', '邻里纠纷（上报街道）'));
    const id = created.id as string;
    const community = staff['mediator@xindi-community']!;
    await api.act(id, 'accept', {}, community);
    const escalated = await api.act(id, 'escalate', { reason: '涉及两个社区的公共区域，申请街道协调' }, community);
    expect(escalated).toMatchObject({
      stage: 'awaiting_acceptance',
      level: 'street',
      unit: { code: 'wangjiaqiao-street' },
    });

    const answers: Record<string, object> = {};
    for (const username of STAFF) {
      answers[username] = {
        read: (await sys.app.inject({ url: `/api/v1/disputes/${id}`, headers: staff[username]! })).statusCode,
        note: (await api.tryAct(id, 'add-note', { text: `${username} 上报后的记录` }, staff[username]!)).statusCode,
      };
    }
    const none = { read: 404, note: 404 };
    expect(answers).toEqual({
      'mediator@wangjiaqiao-community': none,
      'supervisor@wangjiaqiao-community': none,
      'mediator@xindi-community': { read: 200, note: 403 },
      'supervisor@xindi-community': { read: 200, note: 403 },
      'mediator@hejie-community': none,
      'supervisor@hejie-community': none,
      'mediator@wangjiaqiao-street': { read: 200, note: 200 },
      'supervisor@wangjiaqiao-street': { read: 200, note: 200 },
      'mediator@xiangyangjie-street': none,
      'supervisor@xiangyangjie-street': none,
      'supervisor@jinshi': { read: 200, note: 200 },
      'mediator@yufuci-community': none,
    });
    expect((await api.tryAct(id, 'accept', {}, community)).statusCode).toBe(403);
    expect((await api.tryAct(id, 'accept', {}, staff['supervisor@jinshi']!)).statusCode).toBe(403);
    expect(await api.act(id, 'accept', {}, staff['mediator@wangjiaqiao-street']!)).toMatchObject({
      stage: 'in_mediation',
      unit: { code: 'wangjiaqiao-street' },
    });
  });
});
