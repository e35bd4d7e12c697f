/** The case file (卷宗): cover, index and every record in the order of the 2010 kit, as the reader sees it. */
import { canonicalCaseFile } from '../../domain/case-file';
import { caseFileModel } from '../../templates/case-file-model';
import type { DisputeView } from '../../domain/types';
import { createRenderer } from '../../templates/render';

const actor = (name: string) => ({ type: 'staff' as const, id: name, name, role: 'mediator' as const });

const closedCase = (over: Partial<DisputeView> = {}): DisputeView => ({
  disputeId: 'cf-1',
  caseNumber: '（2026）渔人调受字第7号',
  stage: 'closed',
  outcome: 'resolved',
  stageEntry: 9,
  level: 'community',
  unit: { code: 'yufuci-community', name: '渔父祠社区', level: 'community', committeeName: '渔父祠社区人民调解委员会' },
  originCode: 'yufuci-taoli',
  category: 'noise',
  priority: 'normal',
  title: '小吃店货梯噪音扰民',
  description: '楼下小吃店的载货电梯夜间噪音很大。',
  parties: [
    { name: '陈某', role: 'applicant', kind: 'person', phone: '13800001111' },
    { name: '常德市某小吃店', role: 'respondent', kind: 'organisation', representative: '王某' },
  ],
  channel: 'grid-patrol',
  reportedBy: actor('桃李网格员'),
  receivedAt: '2026-12-01T01:00:00Z',
  acceptedAt: '2026-12-01T02:00:00Z',
  acceptedBy: actor('渔父祠社区调解员'),
  closedAt: '2026-12-20T09:30:00Z',
  escalations: [],
  notes: [
    { at: '2026-12-02T02:00:00Z', by: actor('渔父祠社区调解员'), text: '走访双方，小吃店同意整改' },
    { at: '2026-12-02T03:00:00Z', by: actor('渔父祠社区调解员'), text: '噪音检测报告一份：夜间58分贝', evidence: true },
  ],
  consents: [
    {
      party: 1,
      partyName: '常德市某小吃店',
      consented: true,
      manner: 'written',
      rightsNotice: 'written',
      at: '2026-12-01T03:00:00Z',
      recordedBy: { id: 'm', name: '渔父祠社区调解员' },
    },
  ],
  agreement: {
    facts: '货梯位于陈某住房正下方。',
    matters: '噪音整改。',
    responsibilities: '小吃店负主要责任。',
    terms: [
      { text: '支付补偿款', obligor: '常德市某小吃店', amountFen: 120_000, method: '银行转账', dueDate: '2026-12-10' },
    ],
    draftedAt: '2026-12-03T02:00:00Z',
    draftedBy: actor('渔父祠社区调解员'),
    signatures: [
      { signer: 'party:0', name: '陈某', method: 'fingerprint', at: '2026-12-03T03:00:00Z', recordedBy: 'm' },
    ],
    sealedAt: '2026-12-03T04:00:00Z',
    effectiveAt: '2026-12-03T04:00:00Z',
    number: '（2026）渔人调字第3号',
    round: 1,
  },
  followUp: {
    dueAt: '2026-12-10T09:30:00Z',
    performed: true,
    satisfaction: 5,
    recordedAt: '2026-12-20T09:30:00Z',
    recordedBy: '渔父祠社区调解员',
  },
  seq: 20,
  ...over,
});

const sealed = [
  { number: '（2026）渔人调字第3号', round: 1, sha256: 'ab'.repeat(32), effectiveAt: '2026-12-03T04:00:00Z' },
];

describe('the case file', () => {
  it('has a cover with the number, cause, parties, dates, outcome, committee and mediator', () => {
    const m = caseFileModel(closedCase(), sealed, '2026-12-20T09:30:00Z');
    const cover = Object.fromEntries(m.cover.map((r) => [r.label, r.value]));
    expect(cover).toMatchObject({
      '案号（卷号）': '（2026）渔人调受字第7号',
      案由: '小吃店货梯噪音扰民',
      纠纷类型: '噪音扰民',
      案件来源: '当事人申请', // no source recorded: the old default
      当事人: '陈某（申请人）、常德市某小吃店（被申请人）',
      受理日期: '2026年12月1日',
      结案日期: '2026年12月20日',
      人民调解委员会: '渔父祠社区人民调解委员会',
      人民调解员: '渔父祠社区调解员',
    });
    expect(cover['调解结果']).toMatch(/^调解成功/);
  });

  it('files every record in the order of the kit, numbered, evidence apart from the notes', () => {
    const m = caseFileModel(closedCase(), sealed, '2026-12-20T09:30:00Z');
    expect(m.index.map((i) => [i.ordinal, i.title])).toEqual([
      [1, '人民调解受理登记表'],
      [2, '当事人同意调解及权利义务告知书'],
      [3, '人民调解记录（调查及调解经过）'],
      [4, '人民调解协议书'],
      [5, '证据材料清单'],
      [6, '人民调解回访记录'],
      [7, '司法确认有关材料'],
      [8, '结案报告'],
    ]);
    const text = (anchor: string) => JSON.stringify(m.sections.find((s) => s.anchor === anchor));
    expect(text('evidence')).toContain('噪音检测报告一份');
    expect(text('sessions')).not.toContain('噪音检测报告一份');
    expect(text('sessions')).toContain('走访双方');
    expect(text('consent')).toContain('常德市某小吃店');
    expect(text('consent')).toContain('书面送达并签收');
    expect(text('agreement')).toContain('（2026）渔人调字第3号');
    expect(text('agreement')).toContain('ab'.repeat(32));
    expect(text('agreement')).toContain('人民币壹仟贰佰元整');
    expect(text('follow-up')).toContain('已履行');
    expect(m.sections.find((s) => s.anchor === 'judicial')!.remark).toBe('本案无此项');
  });

  it('renders printable HTML with Beijing times in Chinese form, never an ISO string, and hashes it canonically', () => {
    const renderer = createRenderer();
    const html = renderer.render('case-file', caseFileModel(closedCase(), sealed, '2026-12-20T09:30:00Z'));
    expect(html).toContain('人民调解卷宗');
    expect(html).toContain('卷内目录');
    expect(html).toContain('2026年12月2日 11:00'); // 03:00Z in Beijing
    expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(html).not.toContain('卷宗尚未封存');
    const draft = renderer.render('case-file', caseFileModel(closedCase({ stage: 'in_mediation' }), [], null));
    expect(draft).toContain('卷宗尚未封存');
    const en = renderer.render('case-file', caseFileModel(closedCase(), sealed, '2026-12-20T09:30:00Z', 'en'), 'en');
    expect(en).toContain('The Chinese original prevails');
    expect(canonicalCaseFile('cf-1', 'N', html)).toBe(canonicalCaseFile('cf-1', 'N', html));
    expect(canonicalCaseFile('cf-1', 'N', html)).not.toBe(canonicalCaseFile('cf-1', 'N', `${html} `));
  });
});
