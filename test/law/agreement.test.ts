/**
 * The agreement and its judicial confirmation (issue 21, items 4–5), through the API on the real
 * workflow: each term's manner and time limit (人民调解法 Art. 29), the statements of Art. 31–33,
 * the place of signing and the copies; the oral agreement (Art. 28, 30); the joint application
 * (民事诉讼法 Art. 205, 法释〔2011〕5号 Art. 3); recording the filing and the ruling (Art. 206),
 * after closing too, and the 申请强制执行 notice when a confirmed agreement is not performed.
 */
import { Notification, Unit } from '../../db/entities';
import { chineseDate } from '../../domain/money';
import { resolveUpdate, workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf, type Headers } from '../helpers/api';
import { agreedTerms, taoliLiftNoise } from '../helpers/fixtures';
import { recordHistory } from '../helpers/histories';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Headers;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  mediator = await api.as('mediator@yufuci-community');
});
afterAll(() => sys?.close());

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const doc = (id: string, kind: string, lang = 'zh-CN') =>
  sys.app.inject({ url: `/api/v1/disputes/${id}/documents/${kind}?lang=${lang}`, headers: mediator });
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 32 * 3600_000).toISOString().slice(0, 10);

async function accepted(): Promise<string> {
  const created = await api.create(taoliLiftNoise());
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator);
  return created.id as string;
}
async function effective(): Promise<{ id: string; c: any }> {
  const id = await accepted();
  await api.act(id, 'resolve', { ...agreedTerms(), losses: '陈某夜间休息受影响，无直接财产损失。' }, mediator);
  await api.act(id, 'sign', { signer: 'party:0', method: 'signature' }, mediator);
  await api.act(id, 'sign', { signer: 'party:1', method: 'seal' }, mediator);
  await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
  const c = await api.act(id, 'seal', {}, mediator);
  expect(c.stage).toBe('follow_up');
  return { id, c };
}

describe('each term states its manner and time limit (人民调解法 Art. 29)', () => {
  it('refuses at the schema (400) a term without a manner, or without a date or 即时履行', async () => {
    const id = await accepted();
    const base = agreedTerms();
    for (const term of [
      { text: '小吃店赔礼道歉', dueDate: '2026-12-31' },
      { text: '小吃店赔礼道歉', method: '当面致歉' },
      { text: '小吃店赔礼道歉', method: '当面致歉', immediate: false },
    ]) {
      const res = await api.tryAct(id, 'resolve', { ...base, terms: [base.terms[0], term] }, mediator);
      expect([JSON.stringify(term), res.statusCode]).toEqual([JSON.stringify(term), 400]);
    }
    // Both a date and 即时履行: the workflow refuses (422), naming the term.
    const both = await api.tryAct(
      id,
      'resolve',
      { ...base, terms: [base.terms[0], { text: '道歉', method: '当面致歉', dueDate: '2026-12-31', immediate: true }] },
      mediator,
    );
    expect(both.statusCode).toBe(422);
    expect(both.json().detail).toMatch(/^第2项协议内容既载明履行期限又注明即时履行/);
  });

  it('refuses in the workflow (422) a term without a time limit from a caller that reaches Temporal directly', async () => {
    const id = await accepted();
    const c = await api.get(id, mediator);
    const unit = await sys.orm.em.fork().findOneOrFail(Unit, { code: c.unit.code });
    const actor = {
      type: 'staff' as const,
      id: 'u-mediator-yufuci-community',
      name: '渔父祠社区调解员',
      role: 'mediator' as const,
      unitCode: c.unit.code,
      unitPath: unit.path,
    };
    const base = agreedTerms();
    const handle = sys.client.workflow.getHandle(workflowIdFor(id));
    const refused = await handle
      .executeUpdate(resolveUpdate, {
        args: [{ actor, payload: { ...base, terms: [base.terms[0]!, { text: '修复', method: '自行修复' }] } }],
      })
      .then(
        () => undefined,
        (err: any) => String(err?.cause?.message ?? err),
      );
    expect(refused).toMatch(/^第2项协议内容未载明履行期限（应写明日期或注明即时履行，人民调解法第二十九条） \/ term 2/);
    expect((await api.get(id, mediator)).stage).toBe('in_mediation');
  });
});

describe('the agreement says what the law asks (Art. 29, 31–33)', () => {
  it('prints each party’s responsibility, the losses, the terms, the statements, the place of signing and 一式三份', async () => {
    const id = await accepted();
    await api.act(id, 'resolve', { ...agreedTerms(), losses: '陈某夜间休息受影响，无直接财产损失。' }, mediator);
    const res = await doc(id, 'agreement');
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    for (const t of [
      '各方责任 小吃店对电梯运行噪音负主要责任。',
      '损失情况 陈某夜间休息受影响，无直接财产损失。',
      '履行方式：自行施工，履行地点：小吃店，履行期限：2026年12月20日前',
      '三、晚22时至早7时不使用货梯（履行人：常德市某小吃店），履行方式：自觉遵守，履行期限：即时履行。',
      '经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行（《中华人民共和国人民调解法》第三十一条）',
      '一方当事人可以向人民法院提起诉讼（人民调解法第三十二条）',
      '可以自本协议生效之日起三十日内共同向人民法院申请司法确认',
      '签订地点：渔父祠社区人民调解委员会',
      '本协议一式三份，当事人各执一份，人民调解委员会留存一份。',
    ])
      expect(page).toContain(t);
    expect(page).not.toContain('责任认定');
    expect(page).not.toMatch(/一式\d/);
    const en = text((await doc(id, 'agreement', 'en')).body);
    expect(en).toContain('Place of signing: 渔父祠社区人民调解委员会');
    expect(en).toContain('performed immediately');
  });

  it('prints the place of signing the parties name', async () => {
    const id = await accepted();
    await api.act(id, 'resolve', { ...agreedTerms(), signingPlace: '桃李小区3栋楼下' }, mediator);
    expect(text((await doc(id, 'agreement')).body)).toContain('签订地点：桃李小区3栋楼下');
  });
});

describe('the oral agreement (人民调解法 Art. 28, 30)', () => {
  it('is recorded by the mediator, in effect at once, with its register and no 协议书 and no judicial-confirmation window', async () => {
    const id = await accepted();
    const c = await api.act(id, 'resolve', { ...agreedTerms(), form: 'oral' }, mediator);
    expect(c.stage).toBe('follow_up');
    expect(c.agreement).toMatchObject({ form: 'oral', signatures: [] });
    expect(c.agreement.effectiveAt).toBeDefined();
    expect(c.agreement.number).toBeUndefined();
    expect(c.deadlines.judicial_confirmation).toBeUndefined();
    expect(c.allowedActions).not.toContain('record-judicial-confirmation');
    const res = await doc(id, 'oral-agreement');
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    for (const t of [
      '人民调解口头协议登记表',
      '一、小吃店在电梯井加装隔音减振设施',
      '履行期限：即时履行',
      '待回访登记',
      '由人民调解员记录协议内容（《中华人民共和国人民调解法》第二十八条）',
      '登记人（人民调解员）：渔父祠社区调解员',
    ])
      expect(page).toContain(t);
    expect((await doc(id, 'agreement')).statusCode).toBe(404);
    expect((await doc(id, 'judicial-confirmation')).statusCode).toBe(404);
    const refused = await api.tryAct(
      id,
      'record-judicial-confirmation',
      { filedAt: today(), court: '某法院' },
      mediator,
    );
    expect(refused.statusCode).toBe(409);
  });
});

describe('judicial confirmation (人民调解法 Art. 33; 民事诉讼法 Art. 205–206; 法释〔2011〕5号)', () => {
  it('drafts a joint application: every party an applicant, the full terms, the materials, the court where the committee sits', async () => {
    const { id, c } = await effective();
    const ends: string = c.deadlines.judicial_confirmation.dueAt;
    expect(ends).toMatch(/T16:00:00\.000Z$/); // 24:00 Beijing time
    expect(c.agreement.judicialWindowEndsAt).toBe(ends);
    expect(c.agreement.judicialCourt).toBe('常德市武陵区人民法院');
    const res = await doc(id, 'judicial-confirmation');
    expect(res.statusCode).toBe(200);
    const html = text(res.body);
    for (const t of [
      '申请人一：陈某',
      '申请人二：常德市某小吃店',
      '住所：常德市武陵区渔父祠社区桃李小区3栋',
      '二、小吃店向陈某一次性支付补偿款（履行人：常德市某小吃店），金额人民币12,000.00元（人民币壹万贰仟元整），履行方式：银行转账，履行地点：渔父祠社区调委会，履行期限：2026年12月10日前。',
      '三、晚22时至早7时不使用货梯',
      '履行期限：即时履行',
      `至${chineseDate(new Date(Date.parse(ends) - 1).toISOString())}24时止`,
      '调解协议',
      '身份证明',
      '资格证明',
      '与调解协议相关的财产权利证明',
      '此致 常德市武陵区人民法院',
      '民事诉讼法》第二百零五条',
    ])
      expect(html).toContain(t);
    expect(html).not.toContain('被申请人');
  });

  it('records the filing and the ruling, refuses what cannot be, and tells the parties about enforcement when a confirmed agreement is not performed', async () => {
    const { id } = await effective();
    const future = await api.tryAct(
      id,
      'record-judicial-confirmation',
      { filedAt: tomorrow(), court: '常德市武陵区人民法院' },
      mediator,
    );
    expect(future.statusCode).toBe(422);
    expect(future.json().detail).toMatch(/^申请日期不能晚于今天/);
    const bare = await api.tryAct(
      id,
      'record-judicial-confirmation',
      { filedAt: today(), court: '常德市武陵区人民法院', ruling: 'valid' },
      mediator,
    );
    expect(bare.statusCode).toBe(422);
    expect(bare.json().detail).toMatch(/^登记法院裁定须写明裁定书文号和裁定日期/);

    const filed = await api.act(
      id,
      'record-judicial-confirmation',
      { filedAt: today(), court: '常德市武陵区人民法院', caseNumber: '（2026）湘0702民特123号' },
      mediator,
    );
    expect(filed.agreement.judicialConfirmation).toMatchObject({ filedAt: today(), court: '常德市武陵区人民法院' });
    expect(filed.deadlines.judicial_ruling).toBeDefined();
    const ruled = await api.act(
      id,
      'record-judicial-confirmation',
      {
        filedAt: today(),
        court: '常德市武陵区人民法院',
        ruling: 'valid',
        rulingNumber: '（2026）湘0702民特123号',
        rulingAt: today(),
      },
      mediator,
    );
    expect(ruled.agreement.judicialConfirmation).toMatchObject({
      ruling: 'valid',
      rulingNumber: '（2026）湘0702民特123号',
    });
    expect(ruled.deadlines.judicial_ruling).toBeUndefined();
    const again = await api.tryAct(
      id,
      'record-judicial-confirmation',
      { filedAt: today(), court: '常德市武陵区人民法院', ruling: 'rejected', rulingNumber: 'x', rulingAt: today() },
      mediator,
    );
    expect(again.statusCode).toBe(422);

    // The immediate term is found not performed: 督促履行, and the parties told they may apply for enforcement.
    await api.act(id, 'record-performance', { term: 3, status: 'not_performed' }, mediator);
    const notice = await eventually(() => sys.orm.em.fork().findOne(Notification, { key: `${id}:enforcement:1` }));
    expect(notice!.kind).toBe('enforcement_notice');
    expect(notice!.message).toContain(
      '对方当事人可以向作出确认裁定的人民法院申请强制执行（人民调解法第三十三条第二款；民事诉讼法第二百零六条）',
    );
    expect(notice!.message).toContain('（2026）湘0702民特123号');
    expect((await api.events(id, mediator)).map((e) => e.type)).toContain('enforcement_notice_sent');
    await recordHistory(sys.temporalAddress, workflowIdFor(id), 'law-judicial-confirmation-enforcement');
  });

  it('sends the enforcement notice when the ruling comes after non-performance was found', async () => {
    const { id } = await effective();
    await api.act(id, 'record-performance', { term: 3, status: 'not_performed' }, mediator);
    expect(await sys.orm.em.fork().findOne(Notification, { key: `${id}:enforcement:1` })).toBeNull();
    await api.act(
      id,
      'record-judicial-confirmation',
      {
        filedAt: today(),
        court: '常德市武陵区人民法院',
        ruling: 'valid',
        rulingNumber: '（2026）湘0702民特9号',
        rulingAt: today(),
      },
      mediator,
    );
    const notice = await eventually(() => sys.orm.em.fork().findOne(Notification, { key: `${id}:enforcement:1` }));
    expect(notice!.message).toContain('（2026）湘0702民特9号');
  });

  it('still records the filing and the ruling after the case has closed, while the window runs', async () => {
    const { id } = await effective();
    for (const term of [1, 2, 3]) await api.act(id, 'record-performance', { term, status: 'done' }, mediator);
    const closed = await api.get(id, mediator);
    expect(closed).toMatchObject({ stage: 'closed', outcome: 'resolved' });
    expect(closed.allowedActions).toEqual(['record-judicial-confirmation']);
    const filed = await api.act(
      id,
      'record-judicial-confirmation',
      { filedAt: today(), court: '常德市武陵区人民法院' },
      mediator,
    );
    expect(filed).toMatchObject({
      stage: 'closed',
      agreement: { judicialConfirmation: { court: '常德市武陵区人民法院' } },
    });
    const ruled = await api.act(
      id,
      'record-judicial-confirmation',
      {
        filedAt: today(),
        court: '常德市武陵区人民法院',
        ruling: 'rejected',
        rulingNumber: '（2026）湘0702民特10号',
        rulingAt: today(),
      },
      mediator,
    );
    expect(ruled.agreement.judicialConfirmation.ruling).toBe('rejected');
    const notice = await eventually(() =>
      sys.orm.em.fork().findOne(Notification, { key: `${id}:judicial-rejected:1` }),
    );
    expect(notice!.message).toContain(
      '可以通过人民调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼',
    );
    await recordHistory(sys.temporalAddress, workflowIdFor(id), 'law-judicial-confirmation-after-closing');
  });
});
