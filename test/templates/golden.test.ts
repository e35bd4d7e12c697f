/**
 * Golden documents: each document of the seed's two cases rendered from fixed case states and
 * compared with the committed copies in test/golden/ (UPDATE_GOLDEN=1 rewrites them; then look at
 * them, e.g. `npm run golden:png`, before committing). The agreement is checked for every item of
 * People's Mediation Law Art. 29.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Lang } from '../../templates/labels';
import { createRenderer, type DocumentKind } from '../../templates/render';
import { ORAL, REFUSED, TAOLI, WANGJIAQIAO, WANGJIAQIAO_CLOSED } from '../helpers/golden-cases';
import { renderCaseDocuments, renderCaseFile } from '../helpers/render-documents';

const GOLDEN = path.join(__dirname, '../golden');
const renderer = createRenderer();
const renderAll = (view: typeof WANGJIAQIAO, lang: Lang = 'zh-CN') => renderCaseDocuments(renderer, view, lang);

const WANGJIAQIAO_KINDS = [
  'agreement',
  'intake',
  'summons',
  'record',
  'follow-up',
  'judicial-confirmation',
  'certificate',
  'rights-notice',
] as const;
const TAOLI_KINDS = ['intake', 'record', 'referral', 'rights-notice'] as const;
const REFUSED_KINDS = ['intake', 'record', 'rights-notice', 'refusal-notice'] as const;
// An oral agreement (人民调解法 Art. 28, 30): its register, no agreement, certificate or judicial application.
const ORAL_KINDS = ['intake', 'record', 'follow-up', 'oral-agreement', 'rights-notice'] as const;

/** Compares a document with its golden copy (UPDATE_GOLDEN=1, or a missing copy, writes it). */
function expectGolden(name: string, lang: Lang, kind: DocumentKind, html: string): void {
  const file = path.join(GOLDEN, name, lang === 'zh-CN' ? `${kind}.html` : `${kind}.${lang}.html`);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, html);
  }
  expect(html).toBe(readFileSync(file, 'utf8'));
}

describe.each([
  ['wangjiaqiao', 'zh-CN', WANGJIAQIAO, WANGJIAQIAO_KINDS],
  ['wangjiaqiao', 'en', WANGJIAQIAO, WANGJIAQIAO_KINDS],
  ['taoli', 'zh-CN', TAOLI, TAOLI_KINDS],
  ['taoli', 'en', TAOLI, TAOLI_KINDS],
  ['refused', 'zh-CN', REFUSED, REFUSED_KINDS],
  ['refused', 'en', REFUSED, REFUSED_KINDS],
  ['oral', 'zh-CN', ORAL, ORAL_KINDS],
  ['oral', 'en', ORAL, ORAL_KINDS],
] as const)('%s (%s)', (name, lang, view, kinds) => {
  let docs: Partial<Record<DocumentKind, string>>;
  beforeAll(async () => {
    docs = await renderAll(view, lang);
  });

  it('renders the documents the case has, and only those', () => {
    expect(Object.keys(docs).sort()).toEqual([...kinds].sort());
  });

  it.each(kinds)('%s matches its golden copy', (kind) => {
    expectGolden(name, lang, kind, docs[kind as DocumentKind]!);
  });
});

it('puts every item of Art. 29 on the agreement', async () => {
  const { agreement } = await renderAll(WANGJIAQIAO);
  const html = agreement!;
  // The parties' basic information.
  for (const t of [
    // The reporter 程某 is no party (反映人); each organisation by its 负责人 or 法定代表人 (domain/people.ts).
    '申请人：某小区业主委员会，负责人：周某（业主委员会主任），送达地址：津市市汪家桥社区某小区物业用房',
    '被申请人：津市市某物业服务有限公司，法定代表人：刘某（执行董事兼总经理），统一社会信用代码：91430781MA4P8Q2K1X',
    '委托代理人：吴某（本公司工作人员），代理权限：特别授权，授权委托书：授权委托书（2026）第3号（2026年11月4日，已存卷）',
  ])
    expect(html).toContain(t);
  // The main facts, the disputed matters and the responsibilities.
  for (const t of ['纠纷主要事实、争议事项', '争议事项：维修基金使用程序', '各方责任']) expect(html).toContain(t);
  // Losses, the statements of Art. 31–33 and the place of signing (issue 21, item 4).
  for (const t of [
    '损失情况</h2>\n<p>电梯停运期间业主出行不便，无直接财产损失。',
    '具有法律约束力，当事人应当按照约定履行（《中华人民共和国人民调解法》第三十一条）',
    '可以向人民法院提起诉讼（人民调解法第三十二条）',
    '可以自本协议生效之日起三十日内共同向人民法院申请司法确认',
    '签订地点：汪家桥社区某小区现场',
  ])
    expect(html).toContain(t);
  expect(html).not.toContain('责任认定');
  // The agreed terms, with performance method, place and deadline, money in figures and capitals.
  for (const t of [
    '一、业委会于十五日内召开业主大会',
    '二、物业公司在表决通过后三十日内完成',
    '履行方式：使用住房维修基金支付',
    '履行地点：汪家桥社区某小区',
    '履行期限：2026年12月31日前',
    '金额人民币86,500.00元（人民币捌万陆仟伍佰元整）',
  ]) {
    expect(html).toContain(t);
  }
  // Signatures of the parties and the mediator, the committee's seal, the date, the copies.
  for (const t of [
    '某小区业主委员会（盖章',
    '津市市某物业服务有限公司（委托代理人：吴某）（盖章',
    '人民调解员（签名）：<br>汪家桥街道调解员',
    '汪家桥街道人民调解委员会（印）',
    '2026年11月6日',
    '一式三份',
    '（2026）汪人调字第12号',
  ]) {
    expect(html).toContain(t);
  }
  expect(html).not.toContain('草稿');
  // The reporter is no party: never on the agreement.
  expect(html).not.toContain('程某');
});

it('says in every English document that it is a translation of the Chinese original', async () => {
  const docs = { ...(await renderAll(WANGJIAQIAO, 'en')), ...(await renderAll(TAOLI, 'en')) };
  for (const html of Object.values(docs)) {
    expect(html).toContain('Courtesy translation. The Chinese original prevails.');
    expect(html).toContain('<html lang="en">');
  }
});

describe.each(['zh-CN', 'en'] as const)('the case file of the closed Wangjiaqiao case (%s)', (lang) => {
  it('matches its golden copy, frozen at the closing with its SHA-256', async () => {
    const { html, sha256 } = await renderCaseFile(renderer, WANGJIAQIAO_CLOSED, lang);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expectGolden('wangjiaqiao', lang, 'case-file', html);
  });
});

it('files the closed case whole: a cover, an index with ordinals, every record in the order of the index', async () => {
  const { html } = await renderCaseFile(renderer, WANGJIAQIAO_CLOSED);
  const cover = /<section class="cover">([\s\S]*?)<\/section>/.exec(html)![1]!;
  // The cover (2010 司法部《人民调解文书格式》 卷宗封面): number, matter, parties, dates, outcome, committee, mediator.
  for (const t of [
    `<th>案号（卷号）</th><td>${WANGJIAQIAO_CLOSED.caseNumber}</td>`,
    '<th>案由</th><td>物业公司与业委会维修基金使用纠纷</td>',
    '<th>当事人</th><td>某小区业主委员会（申请人）、津市市某物业服务有限公司（被申请人）</td>',
    '<th>受理日期</th><td>2026年11月3日</td>',
    '<th>结案日期</th><td>2026年12月30日</td>',
    '<th>调解结果</th><td>调解成功，协议履行完毕</td>',
    '<th>人民调解委员会</th><td>汪家桥街道人民调解委员会</td>',
    '<th>人民调解员</th><td>汪家桥街道调解员</td>',
  ])
    expect(cover).toContain(t);
  expect(html).not.toContain('卷宗尚未封存');
  // The index numbers each record 1, 2, 3 …, and the records follow in that order, each numbered alike.
  const titles = [
    '人民调解受理登记表',
    '当事人同意调解及权利义务告知书',
    '人民调解记录（调查及调解经过）',
    '人民调解协议书',
    '证据材料清单',
    '人民调解回访记录',
    '司法确认有关材料',
    '结案报告',
  ];
  const index = /<section class="index">([\s\S]*?)<\/section>/.exec(html)![1]!;
  expect(
    [...index.matchAll(/<tr><td>([^<]*)<\/td><td><a href="#[^"]+">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]]),
  ).toEqual(titles.map((t, i) => [`${i + 1}`, t]));
  expect([...html.matchAll(/<h2>卷内第([^<]*)份　([^<]*)<\/h2>/g)].map((m) => [m[1], m[2]])).toEqual(
    titles.map((t, i) => [`${i + 1}`, t]),
  );
  // Every record: the agreement with its number and seal, each term performed, both visits, the closing.
  for (const t of [
    '（2026）汪人调字第12号',
    '金额：人民币捌万陆仟伍佰元整（¥86,500.00）',
    '履行期限：2026年12月31日前；履行情况：已履行',
    '第2次回访',
    '协议事项1：已履行；协议事项2：已履行',
    '<th>结案时间</th><td>2026年12月30日 15:00</td>',
    '本卷于2026年12月30日 15:00结案时封存',
  ])
    expect(html).toContain(t);
  expect(html).not.toMatch(/undefined|人民币人民币|\d{4}-\d{2}-\d{2}/);
  // Intake: the parties' people as the intake register prints them, the 反映人 apart, the platform as a channel.
  const intake = /<section class="record" id="intake">([\s\S]*?)<\/section>/.exec(html)![1]!;
  for (const t of [
    '负责人：周某（业主委员会主任）',
    '法定代表人：刘某（执行董事兼总经理），统一社会信用代码：91430781MA4P8Q2K1X',
    '委托代理人：吴某（本公司工作人员），代理权限：特别授权，授权委托书：授权委托书（2026）第3号（2026年11月4日，已存卷）',
    '反映人：程某（小区业主；非纠纷当事人',
    '<th>报告渠道</th><td>平安常德580</td>',
  ])
    expect(intake).toContain(t);
  expect(intake).not.toContain('登记（报告）人');
  // Sessions: the notice with its issue date, who was notified apart from who actually attended.
  for (const t of [
    '<th>通知书（邀请函）</th><td>联合调解通知，文号（2026）汪人调受字第5号（第1次），汪家桥街道于2026年11月3日发出</td>',
    '<th>通知（邀请）单位及答复</th><td>安监站（已报到）、市住保中心（已报到）</td>',
    '<th>实际到会单位</th><td>安监站、市住保中心</td>',
    '<th>到会人员</th><td>汪家桥社区工作人员（汪家桥社区）</td>',
  ])
    expect(html).toContain(t);
  // An oral agreement's visit record points to the register instead of an empty number, and prints the visit's note once.
  const visit = (await renderAll(ORAL))['follow-up']!;
  expect(visit).toContain('<th>调解协议书编号</th><td>口头协议（见口头协议登记表）</td>');
  expect(visit.split('减震垫已加装，夜间噪音明显减小').length - 1).toBe(1);
});

it('registers an oral agreement with its content, its performance and who recorded it (Art. 28, 30)', async () => {
  const html = (await renderAll(ORAL))['oral-agreement']!;
  for (const t of [
    '人民调解口头协议登记表',
    '<th>达成协议时间</th><td>2026年11月18日 10:30</td>',
    '一、小吃店为载货电梯加装减震垫',
    '履行期限：2026年11月25日前',
    '二、小吃店向陈某支付补偿款（履行人：常德市某小吃店），金额人民币500.00元（人民币伍佰元整）',
    '履行期限：即时履行',
    '已履行（2026年11月26日回访登记）',
    '登记人（人民调解员）：渔父祠社区调解员',
    '口头调解协议自各方当事人达成协议之日起生效（第三十条）',
  ])
    expect(html).toContain(t);
  // No number, no signatures, no judicial confirmation for an oral agreement.
  expect(html).not.toMatch(/人调字|签名）|申请司法确认书/);
});
