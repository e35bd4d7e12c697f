/**
 * The reconciler (ops/reconcile.ts, `npm run reconcile`) on a real worker, Temporal dev server and
 * PostgreSQL: cases in a committee of the test's own are made, then the read model is broken as a
 * hand edit or a database-only restore from an older backup would break it; the reconciler must name
 * each difference, repair what it can from Temporal, and afterwards the committee's next numbers
 * must not repeat one already issued.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { exitCodeOf, formatReport, reconcile, type Finding, type ReconcileReport } from '../../ops/reconcile';
import { temporalCliPath } from '../../temporal/tools';
import { apiOf } from '../helpers/api';
import { agreedTerms, taoliLiftNoise } from '../helpers/fixtures';
import { TEST_PAYLOAD_KEYS_ENV } from '../helpers/payload-keys';
import { TEST_PASSWORD } from '../helpers/run-state';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');
const SUFFIX = Date.now().toString(36).slice(-5);
const COMMUNITY = `recon-c${SUFFIX}`;
const GRID = `recon-g${SUFFIX}`;
const SHORT = `账${SUFFIX}`;
const YEAR = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
const caseNo = (n: number) => `（${YEAR}）${SHORT}人调受字第${n}号`;
const agreementNo = (n: number) => `（${YEAR}）${SHORT}人调字第${n}号`;

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Record<string, string>;
/** a: accepted; b: awaiting acceptance; e: to be terminated; c: agreement effective; d: agreement signed, not sealed. */
const ids = { a: '', b: '', e: '', c: '', d: '' };
/** An open row whose workflow never existed (a row restored for a case Temporal lost). */
const ghost = `ghost-${SUFFIX}`;
const scope = () => [...Object.values(ids), ghost];
const sql = (q: string, params: unknown[] = []) => sys.orm.em.fork().execute<any[]>(q, params);
const check = (opts: Parameters<typeof reconcile>[1] = {}) =>
  reconcile({ em: sys.orm.em.fork(), client: sys.client }, { disputeIds: scope(), confirmDelayMs: 300, ...opts });
/** What an operator reads in the table, without the prose. */
const rows = (r: ReconcileReport) =>
  r.findings.map((f: Finding) => [f.check, f.kind, f.disputeId, f.field, f.readModel, f.workflow, !!f.repaired]);

async function signed(id: string): Promise<void> {
  await api.act(id, 'accept', {}, mediator);
  await api.consentAll(id, mediator);
  await api.act(id, 'resolve', agreedTerms(), mediator);
  await api.act(id, 'sign', { signer: 'party:0', method: 'fingerprint', witness: '网格员李某' }, mediator);
  await api.act(id, 'sign', { signer: 'party:1', method: 'seal' }, mediator);
  await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
}

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  const admin = await api.as('admin');
  const post = async (url: string, payload: object) =>
    expectStatus(await sys.app.inject({ method: 'POST', url, headers: admin, payload }), 201);
  // A committee of its own: other test files number their cases in the seed's committees meanwhile.
  await post('/api/v1/admin/units', {
    code: COMMUNITY,
    level: 'community',
    parentCode: 'chuanzihe-street',
    name: `对账社区${SUFFIX}`,
    population: 1000,
    committeeShort: SHORT,
  });
  await post('/api/v1/admin/units', {
    code: GRID,
    level: 'grid',
    parentCode: COMMUNITY,
    name: '对账网格',
    population: 500,
    committeeShort: SHORT,
  });
  await post('/api/v1/admin/users', {
    username: `mediator@${COMMUNITY}`,
    password: TEST_PASSWORD,
    displayName: '对账社区调解员',
    role: 'mediator',
    unitCode: COMMUNITY,
    sealAuthorised: true,
  });
  mediator = await api.as(`mediator@${COMMUNITY}`);
  const report = async () => (await api.create({ ...taoliLiftNoise(), gridCode: GRID })).id as string;
  for (const key of ['a', 'b', 'e', 'c', 'd'] as const) ids[key] = await report(); // case numbers 1 … 5, in this order
  await sys.app.inject({
    method: 'POST',
    url: `/api/v1/disputes/${ids.a}/attachments/links`,
    headers: mediator,
    payload: { url: 'https://example.org/cctv-0612', description: '监控录像' },
  });
  await api.act(ids.a, 'accept', {}, mediator);
  await signed(ids.c);
  expect((await api.act(ids.c, 'seal', {}, mediator)).agreement.number).toBe(agreementNo(1));
  await signed(ids.d);
}, 120_000);
afterAll(() => sys?.close());

it('finds nothing on a consistent system', async () => {
  const report = await check();
  expect(rows(report)).toEqual([]);
  expect(report.errors).toEqual([]);
  expect(exitCodeOf(report)).toBe(0);
  expect(report.checked).toMatchObject({ workflows: 5, numbers: 6 }); // five case numbers, one agreement
});

it('reports each break, repairs what Temporal can restore, and the next numbers do not repeat', async () => {
  const aSeq = Number((await sql('select seq from disputes where id = ?', [ids.a]))[0].seq);
  // A hand edit; a row lost; a terminated workflow; a row whose workflow Temporal never had.
  await sql(`update disputes set stage = 'closed' where id = ?`, [ids.a]);
  await sql('delete from disputes where id = ?', [ids.b]);
  await sys.client.workflow.getHandle(`dispute-${ids.e}`).terminate('reconcile test');
  await sql(
    `insert into disputes (id, stage, level, unit_code, origin_path, category, priority, title, created_by_type, created_by_id, seq, state)
     select ?, stage, level, unit_code, origin_path, category, priority, title, created_by_type, created_by_id, seq, state
     from disputes where id = ?`,
    [ghost, ids.d],
  );
  // A database-only restore from a backup taken after case 3 was reported: the counters, their
  // allocations and the audit events since then are gone; the workflows keep what they issued.
  await sql(`update number_counters set last_seq = 3 where unit_code = ? and kind = 'case'`, [COMMUNITY]);
  await sql(`delete from number_allocations where unit_code = ? and kind = 'case' and seq > 3`, [COMMUNITY]);
  await sql(`update number_counters set last_seq = 0 where unit_code = ? and kind = 'agreement'`, [COMMUNITY]);
  await sql(`delete from number_allocations where unit_code = ? and kind = 'agreement'`, [COMMUNITY]);
  await sql('delete from dispute_events where dispute_id = ? and seq > 1', [ids.a]);

  const found = await check();
  const counter = (kind: string) => `number_counters ${COMMUNITY} ${YEAR} ${kind}`;
  const expected = [
    ['a', 'workflow_closed', ids.e, 'workflow', 'awaiting_acceptance', 'TERMINATED', false],
    ['a', 'workflow_missing', ghost, 'workflow', 'awaiting_signatures', null, false],
    ['b', 'row_missing', ids.b, 'row', null, 'awaiting_acceptance', false],
    ['c', 'events_missing', ids.a, 'events', 1, aSeq, false],
    ['c', 'mismatch', ids.a, 'stage', 'closed', 'in_mediation', false],
    ['d', 'counter_behind', ids.c, counter('agreement'), 0, 1, false],
    ['d', 'counter_behind', ids.d, counter('case'), 3, 5, false],
  ];
  expect(rows(found)).toEqual(expected);
  expect(found.findings.find((f) => f.kind === 'workflow_closed')!.fix).toContain(
    `temporal workflow reset --workflow-id dispute-${ids.e} --type LastWorkflowTask`,
  );
  expect(found.findings.find((f) => f.kind === 'row_missing')!.fix).toBe(`npm run reconcile -- --reproject ${ids.b}`);
  expect(exitCodeOf(found)).toBe(1);
  expect(formatReport(found)).toContain('(d) 编号 / numbering');
  // Read-only: nothing changed.
  expect((await sql(`select stage from disputes where id = ?`, [ids.a]))[0].stage).toBe('closed');

  // The same from the command line, as an operator runs it after a restore.
  const cli = await run(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      'scripts/reconcile.ts',
      '--json',
      ...scope().flatMap((id) => ['--case', id]),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, PAYLOAD_KEYS: TEST_PAYLOAD_KEYS_ENV, NODE_ENV: 'test' },
    },
  ).then(
    () => ({ code: 0, stdout: '' }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
  expect(cli.code).toBe(1);
  expect(rows(JSON.parse(cli.stdout) as ReconcileReport)).toEqual(expected);

  // --repair: the row re-projected, the events put back from the history, the counters moved on.
  const repaired = await check({ repair: true });
  expect(
    rows(repaired)
      .filter((r) => r[6])
      .map((r) => [r[1], r[2], r[3]]),
  ).toEqual([
    ['events_missing', ids.a, 'events'],
    ['mismatch', ids.a, 'stage'],
    ['counter_behind', ids.c, counter('agreement')],
    ['counter_behind', ids.d, counter('case')],
  ]);
  expect((await api.get(ids.a, mediator)).stage).toBe('in_mediation');
  expect((await api.events(ids.a, mediator)).map((e) => e.seq)).toEqual(Array.from({ length: aSeq }, (_, i) => i + 1));
  // What is left is what the findings say to run: the missing row re-projected, the workflow reset.
  expect(rows(await check()).map((r) => [r[1], r[2]])).toEqual([
    ['workflow_closed', ids.e],
    ['workflow_missing', ghost],
    ['row_missing', ids.b],
  ]);
  await check({ reproject: [ids.b] });
  expect((await api.get(ids.b, mediator)).stage).toBe('awaiting_acceptance');
  await run(temporalCliPath(), [
    'workflow',
    'reset',
    '--address',
    sys.temporalAddress,
    '--workflow-id',
    `dispute-${ids.e}`,
    '--type',
    'LastWorkflowTask',
    '--reason',
    'reconcile',
  ]);
  await sql('delete from disputes where id = ?', [ghost]);
  const clean = await check();
  expect(rows(clean)).toEqual([]);
  expect(exitCodeOf(clean)).toBe(0);

  // The next agreement and case numbers of the committee follow the highest issued, never repeat one.
  expect((await api.act(ids.d, 'seal', {}, mediator)).agreement.number).toBe(agreementNo(2));
  expect((await api.create({ ...taoliLiftNoise(), gridCode: GRID })).caseNumber).toBe(caseNo(6));
  const numbers = await sql(
    `select number from agreements a join disputes d on d.id = a.dispute_id where d.unit_code = ? order by number`,
    [COMMUNITY],
  );
  expect(numbers.map((n: { number: string }) => n.number)).toEqual([agreementNo(1), agreementNo(2)]);
}, 180_000);

it('names what only a later backup brings back: a sealed agreement, an evidence row', async () => {
  const [agreement] = await sql('select * from agreements where dispute_id = ?', [ids.c]);
  const [evidence] = await sql('select * from attachments where dispute_id = ?', [ids.a]);
  expect(evidence).toBeDefined();
  // As a restore from a backup older than the seal and the upload: the rows are not there (the sealed
  // agreement's trigger refuses a delete, which a restore never runs).
  await sys.orm.em.fork().transactional(async (tx) => {
    await tx.execute('set local session_replication_role = replica');
    await tx.execute('delete from agreements where dispute_id = ?', [ids.c]);
  });
  await sql('delete from attachments where id = ?', [evidence.id]);

  const found = await check({ repair: true });
  expect(rows(found)).toEqual([
    ['c', 'evidence_missing', ids.a, `evidence ${evidence.id}`, null, evidence.name, false],
    ['d', 'agreement_missing', ids.c, 'agreements', null, agreementNo(1), false],
  ]);
  expect(exitCodeOf(found)).toBe(1);
  expect(found.findings[1]!.fix).toContain('docs/backup-restore.md');

  // Put back as the later backup would; then nothing is left.
  for (const [table, row] of [
    ['agreements', agreement],
    ['attachments', evidence],
  ] as const)
    await sql(`insert into ${table} select * from jsonb_populate_record(null::${table}, ?::jsonb)`, [
      JSON.stringify(row),
    ]);
  expect(rows(await check())).toEqual([]);
});
