/**
 * The business figures on /metrics as an operator's Prometheus reads them, from real cases on the
 * run's Temporal dev server and a PostgreSQL database of this file's own (the figures cover every
 * unit, so other files' cases must not count): open cases in two units and stages, a case overdue
 * on a two-second SLA, another whose deadline passed with no timer fired yet, alerts by unit, kind
 * and age, a webhook receiver answering 500 and one that hangs, an SMS gateway that always fails, a
 * stuck case, a withdrawn case. Then a slow database (a lock held) must not stall the scrape, and
 * every metric and label the Grafana dashboard queries must exist.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client as PgClient } from 'pg';
import { WorkflowUpdateStage } from '@temporalio/client';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { SlaPolicy } from '../../db/entities';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { seedDemo } from '../../demo/seed';
import { HttpSmsGateway } from '../../notifications/channels';
import { setContactPreference } from '../../notifications/preferences';
import { NotificationService } from '../../notifications/service';
import { addNoteUpdate, workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { hallwayClutter, taoliLiftNoise, testPolicy } from '../helpers/fixtures';
import { TEST_API_KEY, TEST_PASSWORD } from '../helpers/run-state';
import { startSmsReceiver, type SmsReceiver } from '../helpers/sms-receiver';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';
import {
  checkQueries,
  dashboardQueries,
  documentedRuleQueries,
  documentedSdkMetrics,
  panelsOf,
  readDashboard,
} from './dashboard-check';
import { parseExposition, seriesOf, valueOf, type Exposition } from './prom-text';

const runDatabaseUrl = process.env.DATABASE_URL!;
const adminUrl = new URL(runDatabaseUrl);
const dbName = `${adminUrl.pathname.slice(1)}_bm_${process.pid}`;
const ownUrl = Object.assign(new URL(runDatabaseUrl), { pathname: `/${dbName}` }).toString();

let sys: TestSystem;
let sms: SmsReceiver;
let receiver: http.Server;
let receiverUrl: string;
/** Requests to /hang wait here until released; then every request is answered 200. */
const held: http.ServerResponse[] = [];
let hanging = true;

beforeAll(async () => {
  await ensureDatabase(adminUrl.toString(), dbName);
  const orm = await initORM(ownUrl, {
    pool: { min: 0, max: 2 },
    migrations: { ...ormOptions('').migrations, silent: true },
  });
  await migrate(orm);
  await seedDemo(orm.em.fork(), { demoPassword: TEST_PASSWORD, demoApiKey: TEST_API_KEY });
  // Traffic cases at community level: 2 s to accept, warned at 1 s, no automatic escalation (it stays overdue).
  const em = orm.em.fork();
  em.persist(
    em.create(
      SlaPolicy,
      testPolicy('traffic', { level: 'community', acceptSeconds: 2, warningShare: 0.5, autoEscalate: false }),
    ),
  );
  await em.flush();
  await orm.close();

  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/hang' && hanging) held.push(res);
      else res.writeHead(req.url === '/down' ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  sms = await startSmsReceiver();
  sms.failNext(Infinity);
  const notifications = new NotificationService({
    sms: new HttpSmsGateway(sms.url, sms.secret),
    linkFor: ({ disputeId, partyIndex, purpose }) => `https://t.example.cn/p/${purpose}-${disputeId}-${partyIndex}`,
    retry: { initialRetryMs: 100, maxAttempts: 3 },
  });
  process.env.DATABASE_URL = ownUrl;
  sys = await startSystem({ notifications });
}, 90_000);

afterAll(async () => {
  process.env.DATABASE_URL = runDatabaseUrl;
  for (const res of held.splice(0)) res.end();
  await sys?.close();
  await sms?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  await dropDatabase(adminUrl.toString(), dbName);
});

async function scrape(): Promise<Exposition> {
  const res = await sys.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
  expect(res.statusCode).toBe(200);
  return parseExposition(res.body);
}

/** Scrapes until `ready` holds (the figures are cached for a few seconds), then returns that scrape. */
function scrapeUntil(ready: (e: Exposition) => boolean, what: string, ms = 40_000): Promise<Exposition> {
  return eventually(
    async () => {
      const e = await scrape();
      return ready(e) ? e : undefined;
    },
    ms,
    what,
  );
}

/** The alerts this file raises (the API's own holiday-year check may add `holiday_data_missing`). */
const caseAlerts = (s: { labels: Record<string, string> }) => s.labels.kind !== 'holiday_data_missing';

it('reports open, overdue, closed and stuck cases, alerts, and failed or waiting deliveries, per label', async () => {
  const api = apiOf(sys);
  const mediator = await api.as('mediator@yufuci-community');
  const admin = await api.as('admin');
  const before = await scrape();
  expect(valueOf(before, 'fengqiao_business_metrics_up')).toBe(1);
  expect(seriesOf(before, 'fengqiao_cases_open')).toEqual([]);
  expect(valueOf(before, 'fengqiao_webhook_deliveries', { status: 'failed' })).toBe(0);

  // An integrator of this file's own, subscribed twice: a receiver that answers 500, one that hangs.
  const key = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers: admin,
      payload: { name: 'metrics test platform' },
    }),
    201,
  );
  const platform = { authorization: `Bearer ${key.key}` };
  for (const url of [`${receiverUrl}/down`, `${receiverUrl}/hang`])
    expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: platform,
        payload: { url, events: ['received'] },
      }),
      201,
    );

  // 渔父祠社区: one case accepted whose party consented to SMS (the gateway always fails), one waiting, one stuck.
  const noisy = await api.create(taoliLiftNoise());
  await setContactPreference(sys.orm.em.fork(), noisy.id, 0, {
    consent: true,
    channels: ['sms'],
    source: 'staff:mediator@yufuci-community',
  });
  await api.act(noisy.id, 'accept', {}, mediator);
  const waiting = await api.create(hallwayClutter());
  const stuck = await api.create(hallwayClutter());
  await api.act(stuck.id, 'accept', {}, mediator);
  expect([noisy.unit.code, waiting.unit.code, stuck.unit.code]).toEqual(Array(3).fill('yufuci-community'));
  // A write the database refuses (a lone surrogate in jsonb): the case is stuck (test/security/stuck-case.test.ts).
  const [unit] = await sys.orm.em
    .fork()
    .execute<{ code: string; path: string }[]>(`select code, path from units where code = 'yufuci-community'`);
  await sys.client.workflow.getHandle(workflowIdFor(stuck.id)).startUpdate(addNoteUpdate, {
    args: [
      {
        actor: {
          type: 'staff',
          id: 'u-test',
          name: '测试',
          role: 'mediator',
          unitCode: unit!.code,
          unitPath: unit!.path,
        },
        payload: { text: '毒\ud800' },
      },
    ],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
  });

  // 汪家桥社区: a traffic case left unaccepted past its 2 s deadline; a case the integrator reports.
  const overdue = await api.create({
    gridCode: 'wangjiaqiao-g1',
    category: 'traffic',
    title: '小区车辆剐蹭纠纷',
    description: '两位业主因小区内车辆剐蹭发生争执。',
    parties: [
      { name: '张某', role: 'applicant' },
      { name: '李某', role: 'respondent' },
    ],
    channel: '12345',
  });
  const reported = await api.create({ ...hallwayClutter(), gridCode: 'wangjiaqiao-g1' }, platform);
  expect([overdue.unit.code, reported.unit.code]).toEqual(['wangjiaqiao-community', 'wangjiaqiao-community']);
  // And one withdrawn: closed.
  const withdrawn = await api.create(hallwayClutter());
  await api.act(withdrawn.id, 'withdraw', { reason: '申请人撤回申请', party: 0 }, api.integrator);

  // While the hanging receiver holds its request, that delivery is pending; the other gives up.
  const duringDelivery = await scrapeUntil(
    (e) =>
      valueOf(e, 'fengqiao_webhook_deliveries', { status: 'failed' }) === 1 &&
      valueOf(e, 'fengqiao_webhook_deliveries', { status: 'pending' }) === 1 &&
      valueOf(e, 'fengqiao_cases_stuck') === 1 &&
      valueOf(e, 'fengqiao_notice_deliveries', { channel: 'sms', status: 'failed' }) === 1 &&
      valueOf(e, 'fengqiao_cases_overdue', { unit: 'wangjiaqiao-community', level: 'community' }) === 1 &&
      seriesOf(e, 'fengqiao_alerts_unacknowledged', caseAlerts).length === 3,
    'the webhook, notice, stuck and overdue figures',
  );
  expect(valueOf(duringDelivery, 'fengqiao_webhook_delivery_oldest_pending_seconds')).toBeGreaterThan(0);
  expect(valueOf(duringDelivery, 'fengqiao_webhook_delivery_oldest_pending_seconds')).toBeLessThan(120);

  // Supervisors acknowledge the breach; the warning was raised two days ago; the waiting case's
  // deadline passed ten minutes ago and no timer has recorded it (as when no worker runs).
  const supervisor = await api.as('supervisor@wangjiaqiao-community');
  const alerts = await api.alerts(overdue.id, supervisor);
  expect(alerts.map((a) => a.kind).sort()).toEqual(['accept_breach', 'accept_warning']);
  const breach = (alerts as unknown as Array<{ id: string; kind: string }>).find((a) => a.kind === 'accept_breach')!;
  expectStatus(
    await sys.app.inject({ method: 'POST', url: `/api/v1/alerts/${breach.id}/ack`, headers: supervisor, payload: {} }),
    200,
  );
  const em = sys.orm.em.fork();
  await em.execute(
    `update alerts set raised_at = now() - interval '2 days' where dispute_id = ? and kind = 'accept_warning'`,
    [overdue.id],
  );
  await em.execute(`update disputes set next_deadline_at = now() - interval '10 minutes' where id = ?`, [waiting.id]);
  for (const res of held.splice(0)) res.writeHead(200).end();
  hanging = false;

  const e = await scrapeUntil(
    (x) =>
      valueOf(x, 'fengqiao_webhook_deliveries', { status: 'pending' }) === 0 &&
      valueOf(x, 'fengqiao_cases_overdue', { unit: 'yufuci-community', level: 'community' }) === 1 &&
      seriesOf(x, 'fengqiao_alerts_unacknowledged', caseAlerts).length === 2,
    'the delivery, the acknowledgement and the passed deadline',
  );
  expect(seriesOf(e, 'fengqiao_cases_open')).toEqual([
    { labels: { unit: 'wangjiaqiao-community', level: 'community', stage: 'awaiting_acceptance' }, value: 2 },
    { labels: { unit: 'yufuci-community', level: 'community', stage: 'awaiting_acceptance' }, value: 1 },
    { labels: { unit: 'yufuci-community', level: 'community', stage: 'in_mediation' }, value: 2 },
  ]);
  expect(seriesOf(e, 'fengqiao_cases_overdue')).toEqual([
    { labels: { unit: 'wangjiaqiao-community', level: 'community' }, value: 1 },
    { labels: { unit: 'yufuci-community', level: 'community' }, value: 1 },
  ]);
  const lag = valueOf(e, 'fengqiao_case_deadline_lag_seconds')!;
  expect(lag).toBeGreaterThanOrEqual(600);
  expect(lag).toBeLessThan(700);
  expect(seriesOf(e, 'fengqiao_cases_closed')).toEqual([{ labels: { outcome: 'withdrawn' }, value: 1 }]);
  expect(seriesOf(e, 'fengqiao_alerts_unacknowledged', caseAlerts)).toEqual([
    { labels: { unit: 'wangjiaqiao-community', kind: 'accept_warning', age: '1d_to_7d' }, value: 1 },
    { labels: { unit: 'yufuci-community', kind: 'case_stuck', age: 'under_1h' }, value: 1 },
  ]);
  expect(seriesOf(e, 'fengqiao_alerts_open', caseAlerts)).toEqual([
    { labels: { kind: 'accept_warning' }, value: 1 },
    { labels: { kind: 'case_stuck' }, value: 1 },
  ]);
  const warningAge = valueOf(e, 'fengqiao_alert_oldest_unacknowledged_seconds', { kind: 'accept_warning' })!;
  expect(warningAge).toBeGreaterThanOrEqual(2 * 86_400);
  expect(warningAge).toBeLessThan(2 * 86_400 + 300);
  expect(valueOf(e, 'fengqiao_alert_oldest_unacknowledged_seconds', { kind: 'case_stuck' })).toBeLessThan(300);
  expect(valueOf(e, 'fengqiao_alert_oldest_unacknowledged_seconds', { kind: 'accept_breach' })).toBeUndefined();
  expect(valueOf(e, 'fengqiao_cases_stuck')).toBe(1);
  expect(seriesOf(e, 'fengqiao_webhook_deliveries')).toEqual([
    { labels: { status: 'failed' }, value: 1 },
    { labels: { status: 'pending' }, value: 0 },
  ]);
  expect(valueOf(e, 'fengqiao_webhook_delivery_oldest_pending_seconds')).toBe(0);
  expect(seriesOf(e, 'fengqiao_notice_deliveries')).toEqual([
    { labels: { channel: 'email', status: 'failed' }, value: 0 },
    { labels: { channel: 'email', status: 'queued' }, value: 0 },
    { labels: { channel: 'sms', status: 'failed' }, value: 1 },
    { labels: { channel: 'sms', status: 'queued' }, value: 0 },
  ]);
  expect(valueOf(e, 'fengqiao_business_metrics_up')).toBe(1);
  // Labels name units, stages, kinds and statuses: never a case or a person.
  const text = (await sys.app.inject({ url: '/metrics' })).body;
  for (const c of [noisy, waiting, stuck, overdue, reported, withdrawn]) expect(text).not.toContain(c.id);
  expect(text).not.toMatch(/陈某|13800001111|张某/);
}, 120_000);

it('answers at once with the business figures left out, and says so, while the database is slow', async () => {
  const stuckBefore = valueOf(await scrape(), 'fengqiao_cases_stuck');
  expect(stuckBefore).toBeGreaterThanOrEqual(0);
  const locker = new PgClient({ connectionString: ownUrl });
  const observer = new PgClient({ connectionString: ownUrl });
  await Promise.all([locker.connect(), observer.connect()]);
  try {
    await locker.query('begin');
    await locker.query('lock table stuck_cases in access exclusive mode');
    await new Promise((r) => setTimeout(r, 5_500)); // past the cache of the last snapshot
    // The snapshot statements in PostgreSQL now, waiting for the lock (asked outside the locker's
    // transaction, which would keep seeing its first look at pg_stat_activity).
    const waiting = async () =>
      Number(
        (
          await observer.query(
            `select count(*) as n from pg_stat_activity
              where datname = $1 and state = 'active' and query like '%deadline_lag%' and pid <> pg_backend_pid()`,
            [dbName],
          )
        ).rows[0].n,
      );
    const started = Date.now();
    const scrapes = Promise.all([sys.app.inject({ url: '/metrics' }), sys.app.inject({ url: '/metrics' })]);
    await new Promise((r) => setTimeout(r, 1_000));
    // Two scrapes, fourteen gauges: one statement.
    expect(await waiting()).toBe(1);
    const [res, again] = await scrapes;
    const took = Date.now() - started;
    expect(took).toBeLessThan(4_000); // the 2 s statement limit
    // Cancelled by its statement_timeout, not left waiting with a pooled connection.
    await eventually(async () => (await waiting()) === 0, 1_000, 'the statement cancelled');
    expect(res.statusCode).toBe(200);
    expect(valueOf(parseExposition(again.body), 'fengqiao_business_metrics_up')).toBe(0);
    const e = parseExposition(res.body);
    expect(valueOf(e, 'fengqiao_business_metrics_up')).toBe(0);
    expect(seriesOf(e, 'fengqiao_cases_open')).toEqual([]);
    expect(seriesOf(e, 'fengqiao_cases_stuck')).toEqual([]);
    expect(seriesOf(e, 'fengqiao_webhook_deliveries')).toEqual([]);
    expect(e.types.get('fengqiao_cases_open')).toBe('gauge');
    // The rest of /metrics is there.
    expect(e.types.get('fengqiao_http_request_duration_seconds')).toBe('histogram');
    expect(valueOf(e, 'fengqiao_api_process_cpu_user_seconds_total')).toBeGreaterThan(0);
  } finally {
    await locker.query('rollback').catch(() => undefined);
    await Promise.all([locker.end(), observer.end()]);
  }
  const back = await scrapeUntil((e) => valueOf(e, 'fengqiao_business_metrics_up') === 1, 'the figures back', 15_000);
  expect(valueOf(back, 'fengqiao_cases_stuck')).toBe(stuckBefore);
}, 60_000);

it('queries in the Grafana dashboard and the suggested alert rules only metrics and labels that exist', async () => {
  // After the first test: its cases give every business gauge its labelled series. A year without
  // a holiday arrangement gives the holiday gauge its series (and its label) too.
  await sys.orm.em
    .fork()
    .execute(`delete from holiday_arrangements where region_code is null and year = extract(year from now())`);
  const e = await scrapeUntil(
    (x) =>
      x.series.some((s) => s.name === 'fengqiao_holiday_arrangement_missing') &&
      valueOf(x, 'fengqiao_business_metrics_up') === 1,
    'the holiday gauge',
    15_000,
  );
  expect(documentedSdkMetrics().size).toBeGreaterThan(20);
  const dashboard = readDashboard();
  const queries = dashboardQueries(dashboard);
  expect(queries.length).toBeGreaterThan(20);
  const rules = documentedRuleQueries();
  expect(rules.length).toBeGreaterThan(8);
  const { problems, used } = checkQueries([...queries, ...rules], e);
  expect(problems).toEqual([]);
  // Every business figure has a panel.
  for (const name of [
    'fengqiao_cases_open',
    'fengqiao_cases_overdue',
    'fengqiao_alerts_unacknowledged',
    'fengqiao_alert_oldest_unacknowledged_seconds',
    'fengqiao_webhook_deliveries',
    'fengqiao_notice_deliveries',
    'fengqiao_cases_stuck',
    'fengqiao_http_request_duration_seconds',
    'fengqiao_case_actions_total',
    'fengqiao_holiday_arrangement_missing',
    'temporal_workflow_task_schedule_to_start_latency',
    'temporal_activity_execution_failed',
  ])
    expect([name, used.has(name)]).toEqual([name, true]);
  // Titles people read: Chinese first, then English.
  for (const { title } of panelsOf(dashboard)) {
    const [zh, en, ...rest] = String(title).split(' / ');
    expect([title, /\p{Script=Han}/u.test(zh ?? ''), !!en && !/\p{Script=Han}/u.test(en), rest]).toEqual([
      title,
      true,
      true,
      [],
    ]);
  }
});
