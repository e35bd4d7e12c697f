/**
 * The demo history of a first `npm start` (issue 6), made by the same function start.ts calls, on
 * this file's system (real workflows on its own task queue, the run's PostgreSQL) and the seeded
 * directory. The database is shared with other files: everything asserted is about what THIS run made
 * (its result's ids, its references), never global totals.
 */
import { DEMO_UNITS } from '../../demo/seed';
import { DEMO_HISTORY_ID_PREFIX } from '../../demo/past-history';
import { chinaDate } from '../../domain/safety-index';
import { demoHistoryMissing, demoHistoryWanted, ensureDemoHistory, type DemoHistoryResult } from '../../demo/history';
import { createRenderer } from '../../templates/render';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { TEST_PASSWORD } from '../helpers/run-state';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let result: DemoHistoryResult;
const now = new Date();
const today = chinaDate(now);
const todayStarts = Date.parse(`${today}T00:00:00+08:00`);
// The seed's communities only: other files add units of their own to the shared directory.
const communities = DEMO_UNITS.filter((u) => u.level === 'community').map((u) => u.code);

type Case = { id: string; stage: string; externalRef?: string; originCode: string; [k: string]: any };

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  result = await ensureDemoHistory({
    app: sys.app,
    orm: sys.orm,
    renderer: createRenderer(),
    password: TEST_PASSWORD,
    now,
    communities,
  });
}, 120_000);
afterAll(() => sys?.close());

const liveId = (ref: string): string => result.live.find((c) => c.ref === ref)!.id;

describe('the live cases', () => {
  it('are real workflows in varied stages across both communities and their grids, as the inbox shows them', async () => {
    expect(result.live.length).toBeGreaterThanOrEqual(12);
    const admin = await api.as('admin');
    const cases: Case[] = await Promise.all(result.live.map((c) => api.get(c.id, admin)));
    const stages = cases.map((c) => c.stage);
    const count = (stage: string) => stages.filter((s) => s === stage).length;
    expect(count('awaiting_acceptance')).toBeGreaterThanOrEqual(3);
    expect(count('in_mediation')).toBeGreaterThanOrEqual(3);
    expect(count('meeting_scheduled')).toBeGreaterThanOrEqual(1);
    expect(count('awaiting_signatures')).toBeGreaterThanOrEqual(1);
    expect(count('follow_up')).toBeGreaterThanOrEqual(1);
    expect(new Set(cases.map((c) => c.originCode))).toEqual(
      new Set(['yufuci-taoli', 'yufuci-community', 'wangjiaqiao-g1', 'wangjiaqiao-community']),
    );
    expect(cases.every((c) => /^（\d{4}）.+人调受字第\d+号$/.test(c.caseNumber))).toBe(true);
    // Escalated to the street: a new ticket there, and joint mediations convened by it.
    expect(cases.filter((c) => c.level === 'street').length).toBeGreaterThanOrEqual(2);

    const described = await sys.client.workflow.getHandle(workflowIdFor(cases[0]!.id)).describe();
    expect(described.status.name).toBe('RUNNING');

    // The mediator's inbox: their unit's open cases, newest first, before any case of the past.
    const inbox: Case[] = expectStatus(
      await sys.app.inject({ url: '/api/v1/disputes?limit=100', headers: await api.as('mediator@yufuci-community') }),
      200,
    ).items;
    const ids = inbox.map((c) => c.id);
    const mine = cases.filter((c) => c.originCode.startsWith('yufuci')).map((c) => c.id);
    expect(mine.length).toBeGreaterThanOrEqual(6);
    for (const id of mine) expect(ids).toContain(id);
    const firstPast = ids.findIndex((id) => id.startsWith(DEMO_HISTORY_ID_PREFIX));
    if (firstPast >= 0) expect(firstPast).toBeGreaterThan(Math.max(...mine.map((id) => ids.indexOf(id))));
    const waiting: Case[] = expectStatus(
      await sys.app.inject({
        url: '/api/v1/disputes?stage=awaiting_acceptance&limit=100',
        headers: await api.as('mediator@wangjiaqiao-street'),
      }),
      200,
    ).items;
    expect(waiting.some((c) => result.live.some((l) => l.id === c.id) && c.unit.code === 'wangjiaqiao-street')).toBe(
      true,
    );
  });

  it('include a high-risk case with its alert, summonses for the agency representatives and an agreement awaiting the visit', async () => {
    const risky: Case = await api.get(liveId('FQ-DEMO-05'), await api.as('mediator@yufuci-community'));
    expect(risky).toMatchObject({ priority: 'urgent', risk: { high: true }, stage: 'in_mediation' });
    expect((await api.alerts(risky.id, await api.as('supervisor@yufuci-community'))).map((a) => a.kind)).toContain(
      'high_risk',
    );

    const housing: Case[] = expectStatus(
      await sys.app.inject({
        url: '/api/v1/disputes?stage=meeting_scheduled&limit=100',
        headers: await api.as('rep@housing-center'),
      }),
      200,
    ).items;
    const summons = housing.find((c) => c.id === liveId('FQ-DEMO-08'))!;
    expect(summons.meeting.agencies.find((a: { code: string }) => a.code === 'housing-center').answer).toBeUndefined();
    expect(summons.allowedActions).toContain('confirm-attendance');
    expect(Date.parse(summons.meeting.at)).toBeGreaterThan(Date.now());
    const safety: Case[] = expectStatus(
      await sys.app.inject({
        url: '/api/v1/disputes?stage=meeting_scheduled&limit=100',
        headers: await api.as('rep@safety-station'),
      }),
      200,
    ).items;
    const answered = safety.find((c) => c.id === liveId('FQ-DEMO-09'))!;
    expect(answered.meeting.agencies.find((a: { code: string }) => a.code === 'safety-station').answer).toBe(
      'confirmed',
    );

    const mediator = await api.as('mediator@yufuci-community');
    const visit: Case = await api.get(liveId('FQ-DEMO-06'), mediator);
    expect(visit.stage).toBe('follow_up');
    expect(visit.agreement.number).toMatch(/^（\d{4}）渔人调字第\d+号$/);
    expect(Date.parse(visit.deadlines.follow_up.dueAt)).toBeGreaterThan(Date.now());
    const doc = await sys.app.inject({ url: `/api/v1/disputes/${visit.id}/documents/agreement`, headers: mediator });
    expect(doc.statusCode).toBe(200);
    expect(doc.body).toContain('人民币壹仟捌佰陆拾元整');
  });
});

describe('the past', () => {
  const pastRows = () =>
    sys.orm.em.fork().execute<
      Array<{
        id: string;
        stage: string;
        outcome: string;
        created_by_id: string;
        created_at: Date;
        origin_path: string;
        unit_code: string;
      }>
    >(`select id, stage, outcome, created_by_id, created_at, origin_path, unit_code from disputes where id in (${result.past!.ids.map(() => '?').join(', ')})`, result.past!.ids);

  it('is months of closed cases before today, marked as the demo history, in every community of the seed', async () => {
    expect(result.past).toBeDefined();
    expect(result.past!.cases).toBeGreaterThan(60);
    const rows = await pastRows();
    expect(rows).toHaveLength(result.past!.cases);
    expect(
      rows.every(
        (r) => r.id.startsWith(DEMO_HISTORY_ID_PREFIX) && r.created_by_id === 'demo-history' && r.stage === 'closed',
      ),
    ).toBe(true);
    expect(rows.every((r) => new Date(r.created_at).getTime() < todayStarts)).toBe(true);
    // The six months ending with this one. A case must be closed before today, so in a month's first
    // days (none of its cases closed yet; seen on a 4 December) only the five before it have cases.
    const months = [...new Set(rows.map((r) => chinaDate(new Date(r.created_at)).slice(0, 7)))].sort();
    const [year, month] = today.split('-').map(Number) as [number, number];
    const window = [5, 4, 3, 2, 1, 0].map((k) => {
      const index = year * 12 + (month - 1) - k;
      return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
    });
    const allowed = Number(today.slice(8, 10)) > 7 ? [window] : [window, window.slice(0, 5)];
    expect(allowed).toContainEqual(months);
    expect(new Set(rows.map((r) => r.outcome))).toEqual(new Set(['resolved', 'failed', 'withdrawn']));
    for (const c of communities) expect(rows.some((r) => r.origin_path.includes(`/${c}/`))).toBe(true);
    expect(rows.some((r) => r.unit_code.endsWith('-street'))).toBe(true);
  });

  it('reads like any closed case: its page, history, documents and verified agreement; actions are refused', async () => {
    const rows = await pastRows();
    const resolved = rows.find((r) => r.outcome === 'resolved' && r.origin_path.includes('/yufuci-community/'))!;
    const mediator = await api.as('mediator@yufuci-community');
    const page: Case = await api.get(resolved.id, mediator);
    expect(page).toMatchObject({
      stage: 'closed',
      outcome: 'resolved',
      reportedBy: { name: '演示历史数据' },
      allowedActions: [],
    });
    expect(page.followUp).toMatchObject({ performed: true });
    expect(page.agreement.number).toMatch(/^（\d{4}）.+人调字第\d+号$/);

    const events = await api.events(resolved.id, mediator);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]!.type).toBe('received');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'accepted',
        'agreement_drafted',
        'sealed',
        'agreement_effective',
        'follow_up_recorded',
        'closed',
      ]),
    );

    for (const kind of [
      'intake',
      'record',
      'agreement',
      'follow-up',
      'certificate',
      'judicial-confirmation',
      'summons',
      'referral',
    ]) {
      const res = await sys.app.inject({ url: `/api/v1/disputes/${resolved.id}/documents/${kind}`, headers: mediator });
      expect([kind, [200, 404].includes(res.statusCode)]).toEqual([kind, true]);
    }
    const agreement = await sys.app.inject({
      url: `/api/v1/disputes/${resolved.id}/documents/agreement`,
      headers: mediator,
    });
    expect(agreement.statusCode).toBe(200);
    expect(agreement.body).toContain(page.agreement.number);
    const code = /核验码 ([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})/.exec(agreement.body)?.[1];
    const verified = expectStatus(
      await sys.app.inject({
        url: `/api/v1/agreements/${encodeURIComponent(page.agreement.number)}/verify?code=${code}&sha256=${page.agreement.sha256}`,
      }),
      200,
    );
    expect(verified.valid).toBe(true);

    const refused = await api.tryAct(resolved.id, 'add-note', { text: '补充材料' }, mediator);
    expect(refused.statusCode).toBe(409);

    const failed = rows.find((r) => r.outcome === 'failed')!;
    const referral = await sys.app.inject({
      url: `/api/v1/disputes/${failed.id}/documents/referral`,
      headers: await api.as('admin'),
    });
    expect(referral.statusCode).toBe(200);
  });

  it("raised alerts long acknowledged: none is open on a supervisor's board", async () => {
    const withAlerts = await sys.orm.em
      .fork()
      .execute<Array<{ dispute_id: string; acked_at: Date | null }>>(
        `select dispute_id, acked_at from alerts where dispute_id in (${result.past!.ids.map(() => '?').join(', ')})`,
        result.past!.ids,
      );
    expect(withAlerts.length).toBe(result.past!.alerts);
    expect(withAlerts.length).toBeGreaterThan(0);
    expect(withAlerts.every((a) => a.acked_at !== null)).toBe(true);
    const open: Array<{ disputeId: string }> = expectStatus(
      await sys.app.inject({
        url: '/api/v1/alerts?unacked=true&limit=100',
        headers: await api.as('supervisor@yufuci-community'),
      }),
      200,
    ).items;
    expect(open.filter((a) => a.disputeId.startsWith(DEMO_HISTORY_ID_PREFIX))).toEqual([]);
  });
});

describe('the Safety Index', () => {
  it('is computed for each of the six months from the past cases, with ranks, bands and a trend on the board', async () => {
    expect(result.computed!.months).toHaveLength(6);
    expect(result.computed!.months[5]).toBe(`${today.slice(0, 7)}-01`);
    const rows = await sys.orm.em
      .fork()
      .execute<Array<{ created_at: Date; origin_path: string }>>(
        `select created_at, origin_path from disputes where id in (${result.past!.ids.map(() => '?').join(', ')})`,
        result.past!.ids,
      );
    const scores: Record<string, number[]> = { jinshi: [], wuling: [] };
    const bands = new Set<string>();
    // The five months before this one hold only this run's past cases (other files make cases today).
    for (const month of result.computed!.months.slice(0, 5)) {
      const index = expectStatus(
        await sys.app.inject({ url: `/api/v1/safety-index?period=month&date=${month}&level=county` }),
        200,
      );
      for (const county of ['jinshi', 'wuling']) {
        const item = index.items.find((i: { unitCode: string }) => i.unitCode === county);
        const received = rows.filter(
          (r) =>
            r.origin_path.includes(`/${county}/`) &&
            chinaDate(new Date(r.created_at)).slice(0, 7) === month.slice(0, 7),
        ).length;
        expect([month, county, item.metrics.received]).toEqual([month, county, received]);
        expect(item.metrics.closed).toBeGreaterThan(0);
        expect(item.rank).toBeGreaterThanOrEqual(1);
        scores[county]!.push(item.score);
        bands.add(item.band);
      }
    }
    // Regions differ and move: not one flat line.
    expect(new Set(scores.jinshi).size).toBeGreaterThan(1);
    expect(scores.jinshi!.some((s, i) => s !== scores.wuling![i])).toBe(true);
    expect(bands.size).toBeGreaterThan(1);

    const board = await sys.app.inject({ url: `/board?date=${today}` });
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('津市市');
    expect(board.body).toContain('武陵区');
    const lines = [...board.body.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1]!.split(' ').length);
    expect(lines).toEqual([6, 6]);
    expect(board.body).not.toMatch(/演示历史数据|陈某|王某/);
  });
});

describe('running it again', () => {
  it('does nothing on a second start', async () => {
    expect(await demoHistoryMissing(sys.orm)).toBe(false);
    const again = await ensureDemoHistory({
      app: sys.app,
      orm: sys.orm,
      renderer: createRenderer(),
      password: TEST_PASSWORD,
      communities,
    });
    expect(again).toMatchObject({ live: [] });
    expect(again.past).toBeUndefined();
    expect(again.computed).toBeUndefined();
    const [row] = await sys.orm.em
      .fork()
      .execute<Array<{ n: string }>>(`select count(*) as n from disputes where created_by_id = 'demo-history'`);
    expect(Number(row!.n)).toBe(result.past!.cases);
  });

  it('is skipped with DEMO_HISTORY=0 and in production unless asked', () => {
    expect(demoHistoryWanted({}).wanted).toBe(true);
    expect(demoHistoryWanted({ DEMO_HISTORY: '0' }).wanted).toBe(false);
    expect(demoHistoryWanted({ NODE_ENV: 'production' }).wanted).toBe(false);
    expect(demoHistoryWanted({ NODE_ENV: 'production', DEMO_HISTORY: '1' }).wanted).toBe(true);
    expect(() => demoHistoryWanted({ DEMO_HISTORY: 'maybe' })).toThrow(/DEMO_HISTORY must be 0 or 1/);
  });
});
