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
import { TAOLI, WANGJIAQIAO } from '../helpers/golden-cases';
import { renderCaseDocuments } from '../helpers/render-documents';

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
] as const;
const TAOLI_KINDS = ['intake', 'record', 'referral'] as const;

describe.each([
  ['wangjiaqiao', 'zh-CN', WANGJIAQIAO, WANGJIAQIAO_KINDS],
  ['wangjiaqiao', 'en', WANGJIAQIAO, WANGJIAQIAO_KINDS],
  ['taoli', 'zh-CN', TAOLI, TAOLI_KINDS],
  ['taoli', 'en', TAOLI, TAOLI_KINDS],
] as const)('%s (%s)', (name, lang, view, kinds) => {
  let docs: Partial<Record<DocumentKind, string>>;
  beforeAll(async () => {
    docs = await renderAll(view, lang);
  });

  it('renders the documents the case has, and only those', () => {
    expect(Object.keys(docs).sort()).toEqual([...kinds].sort());
  });

  it.each(kinds)('%s matches its golden copy', (kind) => {
    const file = path.join(GOLDEN, name, lang === 'zh-CN' ? `${kind}.html` : `${kind}.${lang}.html`);
    const html = docs[kind as DocumentKind]!;
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, html);
    }
    expect(html).toBe(readFileSync(file, 'utf8'));
  });
});

it('puts every item of Art. 29 on the agreement', async () => {
  const { agreement } = await renderAll(WANGJIAQIAO);
  const html = agreement!;
  // The parties' basic information.
  for (const t of [
    '申请人：程某，男，汉族，58岁，退休职工',
    '被申请人：津市市某物业服务有限公司，法定代表人/负责人：刘某',
    '第三人：某小区业主委员会',
  ])
    expect(html).toContain(t);
  // The main facts, the disputed matters and the responsibilities.
  for (const t of ['纠纷主要事实、争议事项', '争议事项：维修基金使用程序', '责任认定']) expect(html).toContain(t);
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
    '程某（签名',
    '津市市某物业服务有限公司（盖章',
    '人民调解员（签名）：<br>汪家桥街道调解员',
    '汪家桥街道人民调解委员会（印）',
    '2026年11月6日',
    '本协议一式4份',
    '（2026）汪人调字第12号',
  ]) {
    expect(html).toContain(t);
  }
  expect(html).not.toContain('草稿');
});

it('says in every English document that it is a translation of the Chinese original', async () => {
  const docs = { ...(await renderAll(WANGJIAQIAO, 'en')), ...(await renderAll(TAOLI, 'en')) };
  for (const html of Object.values(docs)) {
    expect(html).toContain('Courtesy translation. The Chinese original prevails.');
    expect(html).toContain('<html lang="en">');
  }
});
