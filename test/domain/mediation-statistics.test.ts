/** 人民调解工作统计: what each figure counts, and the CSV Excel opens in Chinese. */
import { mediationStatistics, statisticsTable, toCsv } from '../../domain/mediation-statistics';
import type { Agreement, DisputeView } from '../../domain/types';

const FROM = '2026-11-30T16:00:00.000Z'; // 2026-12-01 00:00 Beijing
const TO = '2026-12-31T16:00:00.000Z';
const IN = '2026-12-05T02:00:00Z';
const BEFORE = '2026-11-20T02:00:00Z';

const agreement = (over: Partial<Agreement> = {}): Agreement => ({
  facts: 'f',
  matters: 'm',
  responsibilities: 'r',
  terms: [{ text: '赔偿', amountFen: 50_000, method: '转账', dueDate: '2026-12-10' }],
  draftedAt: IN,
  draftedBy: { type: 'staff', id: 'm', name: 'm', role: 'mediator' },
  signatures: [],
  effectiveAt: IN,
  ...over,
});

let n = 0;
const kase = (over: Partial<DisputeView>): DisputeView =>
  ({
    disputeId: `s${n++}`,
    stage: 'in_mediation',
    stageEntry: 1,
    originCode: 'g',
    category: 'neighbour',
    priority: 'normal',
    title: 't',
    description: 'd',
    parties: [],
    channel: 'api',
    reportedBy: { type: 'integrator', id: 'i', name: 'i', role: 'integrator' },
    receivedAt: IN,
    acceptedAt: IN,
    escalations: [],
    notes: [],
    seq: 1,
    ...over,
  }) as DisputeView;

const total = (cases: DisputeView[]) => mediationStatistics(cases, FROM, TO).find((r) => r.category === 'total')!;

describe('the mediation statistics', () => {
  it('counts a withdrawal, a refusal to accept and non-performance of an effective agreement apart from mediation failures', () => {
    const t = total([
      kase({ stage: 'closed', outcome: 'resolved', closedAt: IN, agreement: agreement() }),
      kase({ stage: 'closed', outcome: 'failed', closedAt: IN }),
      kase({ stage: 'closed', outcome: 'withdrawn', closedAt: IN }),
      kase({
        stage: 'closed',
        outcome: 'not_accepted',
        closedAt: IN,
        acceptedAt: undefined,
        refusal: { at: IN, by: 'm', byName: 'm', grounds: ['not_civil_dispute'], reason: 'x' },
      }),
      // effective agreement, then not performed and the case failed: mediation had succeeded
      kase({
        stage: 'closed',
        outcome: 'failed',
        closedAt: IN,
        receivedAt: BEFORE,
        acceptedAt: BEFORE,
        agreement: agreement({ effectiveAt: BEFORE }),
      }),
    ]);
    expect(t).toMatchObject({
      received: 4,
      accepted: 3,
      succeeded: 1,
      failed: 1,
      withdrawn: 1,
      notAccepted: 1,
      successRate: 0.5,
    });
  });

  it('counts written and oral agreements, their money, sources, judicial confirmations and performance', () => {
    const t = total([
      kase({ agreement: agreement(), source: 'police_referred' }),
      kase({ agreement: agreement({ form: 'oral', terms: [{ text: '道歉', method: '当面' }] }), source: 'ex_officio' }),
      kase({
        stage: 'closed',
        outcome: 'resolved',
        closedAt: IN,
        agreement: agreement({
          judicialConfirmation: {
            filedAt: IN,
            court: '武陵区人民法院',
            ruling: 'valid',
            rulingAt: IN,
            recordedAt: IN,
            recordedBy: 'm',
          },
        }),
      }),
      kase({
        agreement: agreement({ effectiveAt: BEFORE }),
        performanceDispute: { at: IN, by: 'm', reason: '未付款', referral: '起诉', terms: [1] },
      }),
    ]);
    expect(t).toMatchObject({
      accepted: 4,
      bySource: { party_application: 2, police_referred: 1, ex_officio: 1 },
      succeeded: 3,
      writtenAgreements: 2,
      oralAgreements: 1,
      amountFen: 100_000,
      judicialApplied: 1,
      judicialConfirmed: 1,
      performed: 1,
      notPerformed: 1,
    });
  });

  it('writes a CSV with a byte-order mark and Chinese heads, inert to spreadsheet formulas', () => {
    const table = statisticsTable(mediationStatistics([kase({})], FROM, TO), (c) =>
      c === 'neighbour' ? '邻里纠纷' : c,
    );
    const csv = toCsv([table.heads, ...table.cells, ['=HYPERLINK("x")']]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('纠纷类型,登记纠纷（件）,受理调解（件）');
    expect(csv).toMatch(/\r\n邻里纠纷,1,1,/);
    expect(csv).toMatch(/\r\n合计,1,1,/);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
