import {
  DEFAULT_WEIGHTS,
  bandOf,
  incidenceCeiling,
  metricsOf,
  periodOf,
  rankAmongSiblings,
  scoreOf,
  weightsFrom,
  type IndexFigures,
} from '../../domain/safety-index';

const figures = (over: Partial<IndexFigures> = {}): IndexFigures => ({
  population: 10_000,
  received: 10,
  closed: 8,
  resolved: 6,
  failed: 2,
  acceptBreaches: 1,
  handlingBreaches: 2,
  resolvedLow: 5,
  reopened: 1,
  satisfactionSum: 24,
  satisfactionCount: 6,
  staffSatisfactionSum: 9,
  staffSatisfactionCount: 2,
  highRisk: 1,
  ...over,
});

describe('the Safety Index', () => {
  it('turns case figures into rates', () => {
    expect(metricsOf(figures())).toEqual({
      received: 10,
      closed: 8,
      incidencePer10k: 10,
      onTimeAcceptance: 0.9,
      onTimeResolution: 0.75,
      successRate: 0.75,
      retention: 0.833,
      reopenRate: 0.167,
      satisfaction: 4,
      staffSatisfaction: 4.5,
      highRisk: 1,
    });
  });

  it('weights them into a 0–100 score, leaving out what cannot be measured', () => {
    const m = metricsOf(figures());
    // (0.9·20 + 0.75·20 + 0.75·20 + 0.833·15 + 0.75·15 + 0.833·5 + 0.5·5) / 100
    expect(scoreOf(m)).toBe(78.4);
    expect(
      scoreOf(
        metricsOf(
          figures({
            received: 0,
            closed: 0,
            resolved: 0,
            failed: 0,
            acceptBreaches: 0,
            handlingBreaches: 0,
            resolvedLow: 0,
            reopened: 0,
            satisfactionCount: 0,
            satisfactionSum: 0,
          }),
        ),
      ),
    ).toBeNull(); // no case: no data (暂无数据), not 100
    const perfect = metricsOf(
      figures({
        acceptBreaches: 0,
        handlingBreaches: 0,
        resolved: 8,
        failed: 0,
        resolvedLow: 8,
        reopened: 0,
        satisfactionSum: 40,
        satisfactionCount: 8,
        received: 0,
      }),
    );
    expect(scoreOf(perfect)).toBe(100);
  });

  it("uses the administrators' weights, keeping the default for a missing or malformed one", () => {
    const m = metricsOf(figures());
    const onlySuccess = weightsFrom({
      onTimeAcceptance: 0,
      onTimeResolution: 0,
      successRate: 100,
      retention: 0,
      satisfaction: 0,
      lowReopen: 0,
      lowIncidence: 0,
    });
    expect(scoreOf(m, onlySuccess)).toBe(75);
    // (0.9·50 + 0.75·50) / 100 with the others at 0
    expect(
      scoreOf(m, weightsFrom({ ...onlySuccess, successRate: 0, onTimeAcceptance: 50, onTimeResolution: 50 })),
    ).toBe(82.5);
    expect(weightsFrom({ successRate: -3, retention: 'x', lowReopen: 101 })).toEqual(DEFAULT_WEIGHTS);
    expect(weightsFrom(null)).toEqual(DEFAULT_WEIGHTS);
  });

  it('bands and ranks as published', () => {
    expect([95, 90, 89.9, 80, 75, 69.9].map((s) => bandOf(s).label)).toEqual(['优', '优', '良', '良', '中', '差']);
    const ranked = rankAmongSiblings([
      { code: 'a', parentCode: 'p', score: 80 },
      { code: 'b', parentCode: 'p', score: 95 },
      { code: 'c', parentCode: 'p', score: 80 },
      { code: 'd', parentCode: 'q', score: 50 },
    ]);
    expect(ranked.map((r) => [r.code, r.rank])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 2],
      ['d', 1],
    ]);
  });

  it('knows its periods', () => {
    expect(periodOf('day', '2026-12-31')).toEqual({ start: '2026-12-31', end: '2027-01-01' });
    expect(periodOf('month', '2026-12-15')).toEqual({ start: '2026-12-01', end: '2027-01-01' });
    expect(periodOf('month', '2026-02-03')).toEqual({ start: '2026-02-01', end: '2026-03-01' });
  });

  it('gives a region without cases no data (暂无数据), not 100, and never ranks it above one with data', () => {
    const none = metricsOf(
      figures({
        received: 0,
        closed: 0,
        resolved: 0,
        failed: 0,
        acceptBreaches: 0,
        handlingBreaches: 0,
        resolvedLow: 0,
        reopened: 0,
      }),
    );
    expect(scoreOf(none)).toBeNull();
    expect(bandOf(null)).toEqual({ band: 'none', label: '暂无数据' });
    const ranked = rankAmongSiblings([
      { code: 'empty', parentCode: 'p', score: null },
      { code: 'poor', parentCode: 'p', score: 40 },
      { code: 'good', parentCode: 'p', score: 92 },
    ]);
    expect(ranked.map((r) => [r.code, r.rank])).toEqual([
      ['empty', null],
      ['poor', 2],
      ['good', 1],
    ]);
  });

  it('scales the incidence scale to the period: 20 per 10,000 residents a month, a day its share', () => {
    expect(incidenceCeiling('2026-11-01', '2026-12-01')).toBe(20);
    expect(incidenceCeiling('2026-02-01', '2026-03-01')).toBe(20);
    expect(incidenceCeiling('2026-11-03', '2026-11-04')).toBe(0.667);
    // One dispute in a day among 10,000 residents: the worst a day can score on incidence, not 95 % of the best.
    const oneADay = metricsOf(figures({ population: 10_000, received: 1 }));
    const incidenceOnly = weightsFrom({
      onTimeAcceptance: 0,
      onTimeResolution: 0,
      successRate: 0,
      retention: 0,
      satisfaction: 0,
      lowReopen: 0,
      lowIncidence: 100,
    });
    expect(scoreOf(oneADay, incidenceOnly, incidenceCeiling('2026-11-03', '2026-11-04'))).toBe(0);
    expect(scoreOf(oneADay, incidenceOnly, incidenceCeiling('2026-11-01', '2026-12-01'))).toBe(95);
  });

  it('counts success among resolved and failed only: withdrawals and refusals are not failures', () => {
    // 8 closed: 6 resolved, 1 failed, 1 withdrawn (or not accepted)
    expect(metricsOf(figures({ closed: 8, resolved: 6, failed: 1 })).successRate).toBe(0.857);
  });

  it('scores the parties’ own satisfaction only; a rating the mediator entered is shown, not scored', () => {
    const staffOnly = metricsOf(
      figures({ satisfactionSum: 0, satisfactionCount: 0, staffSatisfactionSum: 2, staffSatisfactionCount: 2 }),
    );
    expect(staffOnly.satisfaction).toBeNull();
    expect(staffOnly.staffSatisfaction).toBe(1);
    const withoutAny = metricsOf(
      figures({ satisfactionSum: 0, satisfactionCount: 0, staffSatisfactionSum: 0, staffSatisfactionCount: 0 }),
    );
    expect(scoreOf(staffOnly)).toBe(scoreOf(withoutAny));
  });
});
