/** 统计分析: each figure from a small hand-made set of cases, in working hours and days (Beijing office hours). */
import { staffStatistics, median, monthsOf, type BreachRecord } from '../../domain/staff-statistics';
import { periodOf, staffTables } from '../../domain/staff-statistics-report';
import { zh } from '../../console/i18n/stats';
import type { Agreement, DisputeView, Meeting } from '../../domain/types';

// December 2026 in Beijing: [2026-12-01 00:00, 2027-01-01 00:00). Mon 7 Dec is a working day; office
// hours 08:30–12:00 and 14:30–17:30 (a working day is 6.5 h).
const FROM = '2026-11-30T16:00:00.000Z';
const TO = '2026-12-31T16:00:00.000Z';
const bj = (local: string) => new Date(`${local}+08:00`).toISOString();
const MON_0900 = bj('2026-12-07T09:00:00');
const BEFORE = bj('2026-11-20T10:00:00');

const agreement = (effectiveAt: string): Agreement => ({
  facts: 'f',
  matters: 'm',
  responsibilities: 'r',
  terms: [{ text: '赔偿', amountFen: 10_000 }],
  draftedAt: effectiveAt,
  draftedBy: { type: 'staff', id: 'm', name: 'm', role: 'mediator' },
  signatures: [],
  effectiveAt,
});

const meeting = (over: Partial<Meeting>): Meeting => ({
  round: 1,
  at: bj('2026-12-10T09:00:00'),
  place: '会议室',
  agencies: [],
  parties: [0, 1],
  convenedBy: { type: 'staff', id: 's', name: 's', role: 'mediator' },
  convenedAt: bj('2026-12-08T09:00:00'),
  ...over,
});

let n = 0;
const kase = (over: Partial<DisputeView>): DisputeView =>
  ({
    disputeId: `c${n++}`,
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
    receivedAt: MON_0900,
    escalations: [],
    notes: [],
    seq: 1,
    ...over,
  }) as DisputeView;

describe('the staff statistics', () => {
  it('count the intake by category, source and month, only what was registered in the period', () => {
    const s = staffStatistics(
      [
        kase({}),
        kase({ category: 'property', source: 'court_referred' }),
        kase({ category: 'property', source: 'police_referred', receivedAt: bj('2026-12-31T23:00:00') }),
        kase({ category: 'noise', receivedAt: BEFORE }), // registered before: not intake
      ],
      FROM,
      TO,
    );
    expect(s.intake.total).toBe(3);
    const cat = Object.fromEntries(s.intake.byCategory.map((x) => [x.category, x.count]));
    expect(cat).toMatchObject({ neighbour: 1, property: 2, noise: 0 });
    const src = Object.fromEntries(s.intake.bySource.map((x) => [x.source, x.count]));
    expect(src).toEqual({ party_application: 1, ex_officio: 0, court_referred: 1, police_referred: 1, assigned: 0 });
    expect(s.intake.byMonth).toEqual([{ month: '2026-12', count: 3 }]);
  });

  it('measure acceptance in working hours from the arrival at the accepting unit, within the deadline unless an accept breach was recorded', () => {
    const a = kase({ acceptedAt: bj('2026-12-07T11:00:00') }); // 2 working hours
    const b = kase({ acceptedAt: bj('2026-12-08T09:00:00') }); // 3 + 3 + 0.5 = 6.5 working hours
    // Escalated on Monday at 15:00, accepted by the street at 16:00: 1 working hour at the street.
    const c = kase({
      acceptedAt: bj('2026-12-07T16:00:00'),
      escalations: [
        { at: bj('2026-12-07T15:00:00'), from: 'g', to: 's', reason: 'x', automatic: false, kind: 'escalate' },
      ],
    });
    const breaches: BreachRecord[] = [{ disputeId: b.disputeId, kind: 'accept', at: bj('2026-12-07T17:00:00') }];
    const s = staffStatistics([a, b, c, kase({ acceptedAt: BEFORE, receivedAt: BEFORE })], FROM, TO, { breaches });
    expect(s.acceptance).toEqual({ count: 3, median: 2, medianSeconds: 7200, within: 2, share: 0.667 });
  });

  it('measure handling in working days from acceptance to the effective agreement or the failure, within unless a handling breach', () => {
    const ok = kase({ acceptedAt: MON_0900, agreement: agreement(bj('2026-12-09T09:00:00')) }); // 2 working days
    const late = kase({
      acceptedAt: MON_0900,
      stage: 'closed',
      outcome: 'failed',
      closedAt: bj('2026-12-14T09:00:00'), // 5 working days
    });
    const open = kase({ acceptedAt: MON_0900 }); // not ended: not measured
    const breaches: BreachRecord[] = [{ disputeId: late.disputeId, kind: 'handling', at: bj('2026-12-11T09:00:00') }];
    const s = staffStatistics([ok, late, open], FROM, TO, { breaches });
    expect(s.handling).toEqual({ count: 2, median: 3.5, medianSeconds: 3.5 * 6.5 * 3600, within: 1, share: 0.5 });
    expect(s.success).toEqual({ succeeded: 1, failed: 1, rate: 0.5 });
  });

  it('count escalations upward in the period (not reassignments) and their share of the active cases', () => {
    const up = (at: string, kind?: 'escalate' | 'breach' | 'reassign') => ({
      at,
      from: 'g',
      to: 's',
      reason: 'x',
      automatic: kind === 'breach',
      ...(kind ? { kind } : {}),
    });
    const s = staffStatistics(
      [
        kase({ escalations: [up(bj('2026-12-07T10:00:00'), 'escalate'), up(bj('2026-12-09T10:00:00'), 'breach')] }),
        kase({ escalations: [up(bj('2026-12-07T10:00:00'), 'reassign')] }),
        kase({ receivedAt: BEFORE, escalations: [up(BEFORE)] }),
        kase({ receivedAt: BEFORE, stage: 'closed', outcome: 'withdrawn', closedAt: BEFORE }), // not active
      ],
      FROM,
      TO,
    );
    expect(s.escalations).toEqual({ count: 2, cases: 1, active: 3, share: 0.333 });
  });

  it('count the report-in of agencies summoned to joint mediations convened in the period, not invitations', () => {
    const agencies = [
      { code: 'a', name: '甲', answer: 'confirmed' as const },
      { code: 'b', name: '乙', answer: 'declined' as const },
      { code: 'c', name: '丙' },
    ];
    const s = staffStatistics(
      [
        kase({ meeting: meeting({ agencies }) }),
        kase({ meeting: meeting({ agencies, kind: 'invitation' }) }),
        kase({ pastMeetings: [meeting({ agencies: [agencies[0]!], convenedAt: BEFORE })] }),
        kase({ pastMeetings: [meeting({ agencies: [agencies[0]!] })] }),
      ],
      FROM,
      TO,
    );
    expect(s.reportIn).toEqual({ meetings: 2, summoned: 4, confirmed: 2, declined: 1, unanswered: 1, rate: 0.5 });
  });

  it('average the satisfaction of follow-up visits in the period, satisfied at 4 or 5, and the parties’ own ratings apart', () => {
    const visit = (satisfaction: number, recordedAt: string) => ({
      followUp: { dueAt: recordedAt, performed: true, satisfaction, recordedAt, recordedBy: 'm' },
    });
    const s = staffStatistics(
      [
        kase(visit(5, bj('2026-12-10T10:00:00'))),
        kase(visit(3, bj('2026-12-11T10:00:00'))),
        kase(visit(4, bj('2026-12-12T10:00:00'))),
        kase(visit(1, BEFORE)),
        kase({
          satisfaction: [
            { party: 0, rating: 5, at: bj('2026-12-10T10:00:00') },
            { party: 1, rating: 2, at: BEFORE },
          ],
        }),
      ],
      FROM,
      TO,
    );
    expect(s.satisfaction).toEqual({
      visits: 3,
      satisfied: 2,
      average: 4,
      share: 0.667,
      partyRatings: 1,
      partyAverage: 5,
    });
  });

  it('answer zeros and no rates for an empty period', () => {
    const s = staffStatistics([kase({ receivedAt: BEFORE, acceptedAt: BEFORE })], FROM, TO);
    expect(s.intake.total).toBe(0);
    expect(s.intake.byMonth).toEqual([{ month: '2026-12', count: 0 }]);
    expect(s.acceptance).toEqual({ count: 0, median: null, medianSeconds: null, within: 0, share: null });
    expect(s.handling.share).toBeNull();
    expect(s.success).toEqual({ succeeded: 0, failed: 0, rate: null });
    expect(s.escalations).toEqual({ count: 0, cases: 0, active: 1, share: 0 });
    expect(s.reportIn.rate).toBeNull();
    expect(s.satisfaction).toMatchObject({ visits: 0, average: null, share: null, partyAverage: null });
    // The tables print a dash where there is no rate.
    const tables = staffTables(s, zh.stats, { category: String, source: String, month: String });
    expect(tables.find((t) => t.key === 'times')!.rows[0]).toEqual(['受理用时（工作小时）', 0, '—', 0, '—']);
    expect(staffStatistics([], FROM, TO).escalations.share).toBeNull();
  });

  it('count a period of only closed cases: success, handling and satisfaction all from the closed files', () => {
    const closed = (outcome: 'resolved' | 'failed' | 'withdrawn', over: Partial<DisputeView> = {}) =>
      kase({
        stage: 'closed',
        outcome,
        acceptedAt: bj('2026-12-07T10:00:00'),
        closedAt: bj('2026-12-21T10:00:00'),
        ...over,
      });
    const s = staffStatistics(
      [
        closed('resolved', {
          agreement: agreement(bj('2026-12-08T10:00:00')),
          followUp: {
            dueAt: bj('2026-12-18T10:00:00'),
            performed: true,
            satisfaction: 5,
            recordedAt: bj('2026-12-18T10:00:00'),
          },
        }),
        closed('resolved', { agreement: agreement(bj('2026-12-10T10:00:00')) }),
        closed('failed'),
        closed('withdrawn'),
      ],
      FROM,
      TO,
    );
    expect(s.intake.total).toBe(4);
    expect(s.acceptance).toMatchObject({ count: 4, median: 1, within: 4, share: 1 });
    // 1, 3, 10, 10 working days: median 6.5
    expect(s.handling).toMatchObject({ count: 4, median: 6.5, within: 4, share: 1 });
    expect(s.success).toEqual({ succeeded: 2, failed: 1, rate: 0.667 });
    expect(s.escalations).toEqual({ count: 0, cases: 0, active: 4, share: 0 });
    expect(s.satisfaction).toMatchObject({ visits: 1, satisfied: 1, average: 5, share: 1 });
    const outcomes = staffTables(s, zh.stats, { category: String, source: String, month: String }).find(
      (t) => t.key === 'outcomes',
    )!;
    expect(outcomes.rows[0]).toEqual([2, 1, 66.7, 0, 0, 4, 0]);
  });

  it('have a median and China months', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(monthsOf(Date.parse(bj('2026-11-01T00:00:00')), Date.parse(bj('2027-02-01T00:00:00')))).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
    ]);
  });
});

describe('the period chosen', () => {
  const today = '2026-12-06';
  it('is a month, a quarter or a year (ending today when it includes today), or custom dates in order', () => {
    expect(periodOf({}, today)).toMatchObject({ kind: 'month', from: '2026-12-01', to: '2026-12-06' });
    expect(periodOf({ period: 'month', year: '2026', month: '2' }, today)).toMatchObject({
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(periodOf({ period: 'quarter', year: '2026', quarter: '3' }, today)).toMatchObject({
      from: '2026-07-01',
      to: '2026-09-30',
    });
    expect(periodOf({ period: 'quarter' }, today)).toMatchObject({ from: '2026-10-01', to: '2026-12-06' });
    expect(periodOf({ period: 'year', year: '2025' }, today)).toMatchObject({ from: '2025-01-01', to: '2025-12-31' });
    expect(periodOf({ period: 'custom', from: '2026-03-05', to: '2026-04-01' }, today)).toMatchObject({
      from: '2026-03-05',
      to: '2026-04-01',
    });
    expect(periodOf({ period: 'custom', from: '2026-04-02', to: '2026-04-01' }, today)).toBeUndefined();
    expect(periodOf({ period: 'custom', from: '2026-02-30', to: '2026-04-01' }, today)).toBeUndefined();
    expect(periodOf({ period: 'custom', from: '<script>' }, today)).toBeUndefined();
    // Nonsense falls back to this month.
    expect(periodOf({ period: 'x', month: '13', year: 'abc' }, today)).toMatchObject({
      kind: 'month',
      from: '2026-12-01',
    });
  });
});
