/**
 * The people the law names (issue 21, item 2), through the API on the real workflow:
 * - a reporter (反映人, the resident 程某 of the seed) is not a party: the register and the record list
 *   them as 反映人; the agreement and its signatures never do;
 * - a party under 18 (here from the ID number) or without full capacity needs a 法定代理人: refused at
 *   intake without one (民法典 Art. 19–23); the representative signs for them, and a term they owe
 *   names the representative as answering for it;
 * - a 委托代理人 signs only with special authority (特别授权);
 * - an organisation names its 法定代表人 or 负责人 with 职务, a valid 统一社会信用代码 and a 送达地址.
 */
import { apiOf, type Headers } from '../helpers/api';
import { consoleLogin, cookiesOf } from '../helpers/console';
import { TEST_PASSWORD } from '../helpers/run-state';
import { wangjiaqiaoMaintenanceFund } from '../helpers/fixtures';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Headers;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  mediator = await api.as('mediator@yufuci-community');
});
afterAll(() => sys?.close());

const post = (payload: object) =>
  sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers: api.integrator, payload });
const document = async (id: string, kind: string, headers: Headers, lang = 'zh-CN') => {
  const res = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/${kind}?lang=${lang}`, headers });
  expect(res.statusCode).toBe(200);
  return res.body;
};

// Born 2014-03-01: 12 years old in December 2026.
const MINOR_ID = '430781201403011234';
const minor = (over: object = {}) => ({
  name: '程小某',
  role: 'respondent',
  kind: 'person',
  sex: 'male',
  idNumber: MINOR_ID,
  occupation: '学生',
  ...over,
});
const guardian = { name: '程某', relation: '父亲', phone: '13907360001', idNumber: '430781198003033456' };
const neighbour = { name: '陈某', role: 'applicant', kind: 'person', sex: 'female', age: 46 };
const report = (parties: object[], over: object = {}) => ({
  gridCode: 'yufuci-taoli',
  category: 'neighbour',
  title: '小孩踢球打碎邻居窗户玻璃',
  description: '陈某反映，邻居家小孩程小某在楼下踢球打碎其家窗户玻璃，双方就赔偿发生争执。',
  parties,
  channel: 'grid-patrol',
  ...over,
});

/** Accepted, consented and resolved: the agreement awaits signatures. */
async function toSignatures(id: string, obligor: string) {
  await api.act(id, 'accept', {}, mediator);
  await api.consentAll(id, mediator);
  return api.act(
    id,
    'resolve',
    {
      facts: '程小某在楼下踢球，打碎陈某家一楼窗户玻璃一块。',
      matters: '玻璃损失的赔偿。',
      responsibilities: '程小某一方承担全部责任。',
      terms: [{ text: '赔偿陈某玻璃更换费用', obligor, amountFen: 30_000, method: '现金支付', dueDate: '2026-12-31' }],
    },
    mediator,
  );
}

describe('the reporter (反映人) is not a party', () => {
  it('keeps 程某 of the seed apart from the parties: listed as 反映人 in the register and the record, never in the agreement', async () => {
    const created = await api.create(wangjiaqiaoMaintenanceFund());
    expect(created.reporter).toEqual({ name: '程某', relation: '小区业主', address: '津市市汪家桥社区' });
    expect(created.parties.map((p: { name: string }) => p.name)).toEqual([
      '某小区业主委员会',
      '津市市某物业服务有限公司',
    ]);
    const community = await api.as('mediator@wangjiaqiao-community');
    for (const kind of ['intake', 'record']) {
      const html = await document(created.id, kind, community);
      expect(html).toContain('反映人：程某（小区业主；非纠纷当事人，不在调解协议上签名）');
      expect(html).not.toMatch(/(申请人|被申请人|第三人)：程某/);
    }
    expect(await document(created.id, 'intake', community, 'en')).toContain('Reported by (反映人): 程某 (小区业主');

    await api.act(created.id, 'accept', {}, community);
    await api.consentAll(created.id, community);
    await api.act(
      created.id,
      'resolve',
      {
        facts: '电梯与外墙存在安全隐患。',
        matters: '维修基金使用程序。',
        responsibilities: '物业公司组织维修。',
        terms: [
          {
            text: '业委会于十五日内召开业主大会表决维修基金使用方案',
            obligor: '某小区业主委员会',
            method: '召开业主大会',
            dueDate: '2026-12-31',
          },
        ],
      },
      community,
    );
    // Two parties sign; there is no third signer for the reporter.
    const third = await api.tryAct(created.id, 'sign', { signer: 'party:2', method: 'signature' }, community);
    expect(third.statusCode).toBe(422);
    expect(third.json().detail).toContain('unknown signer party:2');
    const agreement = await document(created.id, 'agreement', community);
    expect(agreement).not.toContain('程某');
    expect(agreement).toContain(
      '申请人：某小区业主委员会，负责人：周某（业主委员会主任），送达地址：津市市汪家桥社区某小区物业用房。',
    );
    expect(agreement).toContain(
      '被申请人：津市市某物业服务有限公司，法定代表人：刘某（执行董事兼总经理），统一社会信用代码：91430781MA4P8Q2K1X，送达地址：津市市汪家桥街道某路88号。',
    );
  });
});

describe('a party without full capacity (民法典 Art. 17–23)', () => {
  it('refuses a 12-year-old (by the ID number) without a legal representative, naming the party and the articles', async () => {
    const res = await post(report([neighbour, minor()]));
    expect(res.statusCode).toBe(400);
    const problem = res.json();
    expect(problem.detail).toContain(
      '当事人“程小某”（第2位）未满十八周岁（12岁），须由法定代理人代理参加调解并代为签名（民法典第十九条、第二十三条）',
    );
    expect(problem.detail).toContain('needs a legal representative');
    expect(problem.errors).toEqual([
      { field: 'body/parties/1/legalRepresentative', message: expect.stringContaining('程小某') },
    ]);
  });

  it('refuses an adult flagged without full capacity and without a representative (Art. 21–23)', async () => {
    const res = await post(
      report([neighbour, { name: '王某', role: 'respondent', kind: 'person', age: 40, capacity: 'none' }]),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain(
      '为无民事行为能力人，须由法定代理人代理参加调解并代为签名（民法典第二十一条、第二十三条）',
    );
  });

  it('accepts a self-supporting 17-year-old alone (Art. 18(2)), not a 15-year-old so flagged', async () => {
    const worker = {
      name: '李某',
      role: 'respondent',
      kind: 'person',
      age: 17,
      selfSupporting: true,
      occupation: '学徒',
    };
    expect((await post(report([neighbour, worker]))).statusCode).toBe(201);
    const tooYoung = await post(report([neighbour, { ...worker, age: 15 }]));
    expect(tooYoung.statusCode).toBe(400);
    expect(tooYoung.json().detail).toContain('民法典第十八条第二款');
  });

  it('has the legal representative sign for the minor and answer for the term the minor owes', async () => {
    const created = await api.create(report([neighbour, minor({ legalRepresentative: guardian })]));
    // The reporting integrator sees the representative's numbers masked; the unit holding the case in full.
    expect(created.parties[1].legalRepresentative).toEqual({
      ...guardian,
      phone: '139****0001',
      idNumber: '430781********3456',
    });
    expect((await api.get(created.id, mediator)).parties[1].legalRepresentative).toEqual(guardian);
    await toSignatures(created.id, '程小某');
    const signed = await api.act(created.id, 'sign', { signer: 'party:1', method: 'signature' }, mediator);
    expect(signed.agreement.signatures[0]).toMatchObject({ signer: 'party:1', name: '程小某（法定代理人：程某）' });
    const events = await api.events(created.id, mediator);
    expect(events.find((e) => e.type === 'signed')!.payload).toMatchObject({ name: '程小某（法定代理人：程某）' });

    const agreement = await document(created.id, 'agreement', mediator);
    expect(agreement).toContain('被申请人：程小某，男，学生');
    expect(agreement).toContain('法定代理人：程某（父亲），联系方式：13907360001。');
    expect(agreement).not.toContain('430781198003033456'); // the agreement lists no ID numbers
    expect(agreement).toContain('（履行人：程小某，由其法定代理人程某负责履行）');
    expect(agreement).toContain('程小某（法定代理人：程某）（签名');
    const english = await document(created.id, 'agreement', mediator, 'en');
    expect(english).toContain('Legal representative (法定代理人): 程某 (父亲)');
    expect(english).toContain('their legal representative 程某 answers for it');
    const register = await document(created.id, 'intake', mediator);
    expect(register).toContain('法定代理人：程某（父亲），身份证号：430781198003033456，联系方式：13907360001。');

    // The console's case page names the representative next to the party.
    const login = await consoleLogin(sys.app, {
      username: 'mediator@yufuci-community',
      password: TEST_PASSWORD,
      next: '/console',
    });
    const cookie = cookiesOf(login).find((c) => c.startsWith('fq_session='))!;
    const page = await sys.app.inject({ url: `/console/cases/${created.id}`, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('法定代理人 程某（父亲）');
  });
});

describe('委托代理人 (民法典 Art. 161–165)', () => {
  const agent = (authority: 'general' | 'special') => ({
    name: '吴某',
    relation: '律师',
    authority,
    powerOfAttorney: { reference: '授权委托书（2026）第3号', date: '2026-12-01' },
    phone: '13907360002',
  });

  it('refuses an agent with general authority at signing, and records one with special authority', async () => {
    const created = await api.create(
      report([
        { ...neighbour, agents: [agent('general'), agent('special')] },
        minor({ legalRepresentative: guardian }),
      ]),
    );
    await toSignatures(created.id, '程小某');
    const general = await api.tryAct(
      created.id,
      'sign',
      { signer: 'party:0', method: 'signature', agent: 0 },
      mediator,
    );
    expect(general.statusCode).toBe(422);
    expect(general.json().detail).toContain(
      '委托代理人“吴某”仅有一般授权，不能代为签署调解协议；代为签署须有当事人的特别授权（民法典第一百六十五条；参照民事诉讼法第六十二条）',
    );
    const none = await api.tryAct(created.id, 'sign', { signer: 'mediator', method: 'signature', agent: 0 }, mediator);
    expect(none.statusCode).toBe(422);
    const special = await api.act(created.id, 'sign', { signer: 'party:0', method: 'signature', agent: 1 }, mediator);
    expect(special.agreement.signatures[0]).toMatchObject({ name: '陈某（委托代理人：吴某）' });
    const agreement = await document(created.id, 'agreement', mediator);
    expect(agreement).toContain(
      '委托代理人：吴某（律师），代理权限：一般授权，授权委托书：授权委托书（2026）第3号（2026年12月1日，已存卷），联系方式：13907360002。',
    );
    expect(agreement).toContain('代理权限：特别授权');
  });

  it('refuses a third agent at intake', async () => {
    const res = await post(report([{ ...neighbour, agents: [agent('special'), agent('special'), agent('general')] }]));
    expect(res.statusCode).toBe(400);
  });
});

describe('organisations (民法典 Art. 61, 105; 民事诉讼法 Art. 51)', () => {
  const shop = (over: object = {}) => ({
    name: '常德市某小吃店有限公司',
    role: 'respondent',
    kind: 'organisation',
    orgType: 'legal_person',
    representative: '王某',
    representativeTitle: '执行董事',
    creditCode: '91430702MA4L0N6T2D',
    serviceAddress: '常德市武陵区渔父祠社区某路1号',
    ...over,
  });

  it('refuses an organisation without its 法定代表人 or 负责人', async () => {
    const res = await post(report([neighbour, shop({ representative: undefined })]));
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('当事人“常德市某小吃店有限公司”（第2位）是组织，须载明其法定代表人');
    const branch = await post(report([neighbour, shop({ orgType: 'branch', representative: undefined })]));
    expect(branch.json().detail).toContain('须载明其负责人');
  });

  it('refuses a credit code whose check character is wrong, and prints a valid one', async () => {
    const res = await post(report([neighbour, shop({ creditCode: '91430702MA4L0N6T2E' })]));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      {
        field: 'body/parties/1/creditCode',
        message: expect.stringContaining('统一社会信用代码“91430702MA4L0N6T2E”无效'),
      },
    ]);
    const created = await api.create(report([neighbour, shop()]));
    const register = await document(created.id, 'intake', mediator);
    expect(register).toContain(
      '被申请人：常德市某小吃店有限公司，法定代表人：王某（执行董事），统一社会信用代码：91430702MA4L0N6T2D，送达地址：常德市武陵区渔父祠社区某路1号。',
    );
  });
});

describe('Open311', () => {
  it('records the requester as the 反映人 when they name the applicant', async () => {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: api.integrator,
      payload: {
        service_code: 'noise',
        address_id: 'yufuci-taoli',
        description: '楼下小吃店货梯夜间噪音很大',
        last_name: '李',
        first_name: '某',
        phone: '13800002222',
        'attribute[applicant]': '陈某',
        'attribute[relation]': '网格员',
      },
    });
    expect(res.statusCode).toBe(201);
    const id = res.json()[0].service_request_id;
    const c = await api.get(id, await api.as('mediator@yufuci-community'));
    expect(c.parties).toEqual([{ name: '陈某', role: 'applicant', kind: 'person' }]);
    expect(c.reporter).toEqual({ name: '李某', relation: '网格员', phone: '13800002222' });
  });
});
