/**
 * The reconciler (`npm run reconcile`): compares the read model in PostgreSQL with the dispute
 * workflows in Temporal, the source of truth for a case, and reports (or with `repair` fixes) what
 * differs. Run after any restore (docs/backup-restore.md), and whenever the two may have drifted.
 *
 * (a) an open case in the read model whose workflow `dispute-<id>` is missing or ended abnormally;
 * (b) a running workflow with no read-model row; (c) the row's stage, outcome, level, unit, next
 * deadline, case number or seq differs from the workflow's state (its `state` query; the final
 * state, the workflow's result, for a completed one), or its audit events end early; (d) numbering
 * counters below numbers the workflows hold (ops/reconcile-numbers.ts). Read-only unless `repair`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionStatusName } from '@temporalio/client';
import { nextDeadline } from '../domain/sla';
import type { DisputeView } from '../domain/types';
import { stateQuery, workflowIdFor } from '../workflows/dispute.messages';
import { checkNumbering, numbersHeld, type HeldNumber } from './reconcile-numbers';
import { missingAgreements, missingEvidence } from './reconcile-records';
import { reprojectCase, restoreEvents } from './reconcile-repair';
import type { Finding, ReconcileReport } from './reconcile-types';

export type { Finding, FindingKind, ReconcileReport } from './reconcile-types';
export { formatReport } from './reconcile-table';

export interface ReconcileOptions {
  /** Fix what can be fixed from Temporal: (c) rows re-projected and events restored, (d) counters moved on. */
  repair?: boolean;
  /** Re-project these cases' rows from their workflows whatever is found: the fix of a (b) missing row. */
  reproject?: string[];
  /** Only these cases (and the counters of their committees); default all. */
  disputeIds?: string[];
  /** A case that differs is read again after this long, to leave out steps being recorded at that moment (default 2000). */
  confirmDelayMs?: number;
  /** Workflows read at once (default 8). */
  concurrency?: number;
  /** How long one workflow's state may take (default 15 s; a running case needs a worker to answer). */
  queryTimeoutMs?: number;
}

interface Row {
  id: string;
  case_number: string | null;
  stage: string;
  outcome: string | null;
  level: string | null;
  unit_code: string | null;
  next_deadline_at: Date | null;
  seq: number;
  /** The closed case's file was reduced after its archival period (ops/retention.ts): not compared, never re-projected. */
  reduced: boolean;
}

interface Workflow {
  disputeId: string;
  status: WorkflowExecutionStatusName;
  startTime: Date;
  state?: DisputeView;
}

const WORKFLOW_TYPE = 'disputeWorkflow';
const ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
const ENDED_ABNORMALLY: WorkflowExecutionStatusName[] = ['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT'];

export async function reconcile(
  deps: { em: EntityManager; client: Client },
  opts: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const { em, client } = deps;
  const errors: string[] = [];
  // Re-projecting some cases checks those cases (with any others asked for), not the whole namespace.
  const scope =
    opts.disputeIds || opts.reproject?.length
      ? [...new Set([...(opts.disputeIds ?? []), ...(opts.reproject ?? [])])]
      : undefined;
  for (const id of [...(scope ?? []), ...(opts.reproject ?? [])])
    if (!ID_PATTERN.test(id)) throw new Error(`案件编号格式不对 / not a case id (got "${id}")`);

  const workflows = await listWorkflows(client, scope);
  const rows = await loadRows(em, scope ?? [...workflows.keys()], !scope);
  // An open row whose workflow the (eventually consistent) list did not show: ask for it by id.
  for (const row of rows.values())
    if (row.stage !== 'closed' && !workflows.has(row.id)) {
      const wf = await describe(client, row.id);
      if (wf) workflows.set(row.id, wf);
    }
  // A run listed as ended may have been reset since (visibility lags): its current run decides.
  for (const wf of [...workflows.values()])
    if (ENDED_ABNORMALLY.includes(wf.status)) {
      const now = await describe(client, wf.disputeId);
      if (now) workflows.set(wf.disputeId, now);
    }
  await loadStates(client, [...workflows.values()], opts, errors);
  const events = await maxEventSeqs(em, [...workflows.keys()]);

  let findings: Finding[] = [];
  for (const row of rows.values())
    if (row.stage !== 'closed' && !workflows.has(row.id)) findings.push(missingWorkflow(row));
  for (const wf of workflows.values())
    findings.push(...checkCase(wf, rows.get(wf.disputeId), events.get(wf.disputeId)));

  // A step being recorded right now differs for a moment: keep what still differs a little later.
  const unsure = [...new Set(findings.filter((f) => f.check === 'b' || f.check === 'c').map((f) => f.disputeId!))];
  if (unsure.length > 0 && (opts.confirmDelayMs ?? 2000) > 0) {
    await new Promise((r) => setTimeout(r, opts.confirmDelayMs ?? 2000));
    const again = await loadRows(em, unsure, false);
    const againWf = unsure.map((id) => workflows.get(id)!).map((wf) => ({ ...wf, state: undefined }));
    await loadStates(client, againWf, opts, errors);
    const againEvents = await maxEventSeqs(em, unsure);
    findings = findings.filter((f) => !unsure.includes(f.disputeId!) || f.kind === 'workflow_missing');
    for (const wf of againWf) {
      workflows.set(wf.disputeId, wf);
      findings.push(...checkCase(wf, again.get(wf.disputeId), againEvents.get(wf.disputeId)));
    }
  }

  const held: HeldNumber[] = [...workflows.values()].flatMap((wf) => (wf.state ? numbersHeld(wf.state) : []));
  const numbering = await checkNumbering(em, held, { repair: !!opts.repair, scoped: !!scope });
  findings.push(...numbering.findings, ...(await missingAgreements(em, held)));
  errors.push(...numbering.errors);
  const whole = [...workflows.values()].filter((wf) => wf.state && !rows.get(wf.disputeId)?.reduced);
  findings.push(
    ...(await missingEvidence(
      em,
      whole.map((wf) => wf.state!),
    )),
  );

  if (opts.repair || opts.reproject?.length) await repair(deps, findings, workflows, opts, errors);
  findings.sort(
    (a, b) =>
      a.check.localeCompare(b.check) ||
      (a.check === 'd' ? 0 : (a.disputeId ?? '').localeCompare(b.disputeId ?? '')) ||
      (a.field ?? '').localeCompare(b.field ?? ''),
  );
  return {
    findings,
    errors,
    checked: { rows: rows.size, workflows: workflows.size, numbers: held.length },
    repaired: findings.filter((f) => f.repaired).length,
  };
}

/** 0: nothing found (or everything repaired); 1: findings left; 2: something could not be checked. */
export function exitCodeOf(report: ReconcileReport): 0 | 1 | 2 {
  if (report.errors.length > 0) return 2;
  return report.findings.some((f) => !f.repaired) ? 1 : 0;
}

/** What differs between one workflow and its row. */
function checkCase(wf: Workflow, row: Row | undefined, maxEventSeq: number | undefined): Finding[] {
  const id = wf.disputeId;
  const view = wf.state;
  if (ENDED_ABNORMALLY.includes(wf.status) && (!row || row.stage !== 'closed')) {
    return [
      {
        check: 'a',
        kind: 'workflow_closed',
        disputeId: id,
        caseNumber: row?.case_number ?? view?.caseNumber,
        field: 'workflow',
        readModel: row?.stage ?? null,
        workflow: wf.status,
        message: '案件未结，但其工作流已异常结束 / the case is open but its workflow ended abnormally',
        fix: `temporal workflow reset --workflow-id ${workflowIdFor(id)} --type LastWorkflowTask --reason reconcile; npm run reconcile`,
      },
    ];
  }
  if (!view) return [];
  if (!row) {
    if (wf.status !== 'RUNNING' || view.seq === 0) return []; // intake not yet recorded, or a row dropped after the case closed
    return [
      {
        check: 'b',
        kind: 'row_missing',
        disputeId: id,
        caseNumber: view.caseNumber,
        field: 'row',
        readModel: null,
        workflow: view.stage,
        message: '工作流在运行，但读模型中没有该案件 / the workflow runs but the read model has no row for it',
        fix: `npm run reconcile -- --reproject ${id}`,
      },
    ];
  }
  if (row.reduced) return [];
  const base = { disputeId: id, caseNumber: view.caseNumber ?? row.case_number ?? undefined };
  if (row.seq > view.seq) {
    return [
      {
        ...base,
        check: 'c',
        kind: 'workflow_behind',
        field: 'seq',
        readModel: row.seq,
        workflow: view.seq,
        message:
          '读模型比工作流新：Temporal 恢复自比 PostgreSQL 更早的备份，案件丢失了后来的步骤 / the read model is ahead of the workflow: Temporal was restored from an older backup than PostgreSQL',
        fix: '从更新的备份恢复 Temporal，或按读模型重做这些步骤（docs/backup-restore.md）/ restore Temporal from a later backup, or redo the steps (docs/backup-restore.md)',
      },
    ];
  }
  const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
  const pairs: Array<[string, string | number | null, string | number | null]> = [
    ['stage', row.stage, view.stage],
    ['outcome', row.outcome, view.outcome ?? null],
    ['level', row.level, view.level ?? null],
    ['unit', row.unit_code, view.unit?.code ?? null],
    ['deadline', iso(row.next_deadline_at), iso(nextDeadline(view))],
    ['caseNumber', row.case_number, view.caseNumber ?? null],
    ['seq', row.seq, view.seq],
  ];
  const findings: Finding[] = pairs
    .filter(([, a, b]) => a !== b)
    .map(([field, readModel, workflow]) => ({
      ...base,
      check: 'c',
      kind: 'mismatch',
      field,
      readModel,
      workflow,
      message: `读模型的 ${field} 与工作流不一致 / the read model's ${field} differs from the workflow's`,
      fix: 'npm run reconcile -- --repair',
    }));
  if ((maxEventSeq ?? 0) < view.seq)
    findings.push({
      ...base,
      check: 'c',
      kind: 'events_missing',
      field: 'events',
      readModel: maxEventSeq ?? 0,
      workflow: view.seq,
      message: '审计事件缺失（将从工作流历史中恢复）/ audit events are missing (restored from the workflow history)',
      fix: 'npm run reconcile -- --repair',
    });
  return findings;
}

function missingWorkflow(row: Row): Finding {
  return {
    check: 'a',
    kind: 'workflow_missing',
    disputeId: row.id,
    caseNumber: row.case_number ?? undefined,
    field: 'workflow',
    readModel: row.stage,
    workflow: null,
    message: '案件未结，但 Temporal 中没有其工作流 / the case is open but Temporal has no workflow for it',
    fix: `恢复 Temporal 的存储（docs/backup-restore.md），再运行 npm run reconcile / restore Temporal's store, then npm run reconcile (${workflowIdFor(row.id)})`,
  };
}

async function repair(
  deps: { em: EntityManager; client: Client },
  findings: Finding[],
  workflows: Map<string, Workflow>,
  opts: ReconcileOptions,
  errors: string[],
): Promise<void> {
  const reproject = new Set(opts.reproject ?? []);
  if (opts.repair) for (const f of findings) if (f.kind === 'mismatch') reproject.add(f.disputeId!);
  for (const id of reproject) {
    const view = workflows.get(id)?.state;
    if (!view) {
      errors.push(`案件 ${id} 没有可读的工作流状态，无法重新投影 / case ${id}: no workflow state to re-project from`);
      continue;
    }
    await reprojectCase(deps.em, view);
    for (const f of findings)
      if (f.disputeId === id && (f.kind === 'mismatch' || f.kind === 'row_missing')) f.repaired = true;
  }
  const reprojected = (id: string) => reproject.has(id) && workflows.get(id)?.state;
  for (const f of findings)
    if (f.kind === 'events_missing' && (opts.repair || reprojected(f.disputeId!))) {
      await restoreEvents(deps.client, deps.em, f.disputeId!, Number(f.readModel ?? 0));
      f.repaired = true;
    }
}

async function listWorkflows(client: Client, ids: string[] | undefined): Promise<Map<string, Workflow>> {
  const found = new Map<string, Workflow>();
  // Visibility queries have a length limit: ids are asked for 50 at a time.
  const chunks = ids
    ? Array.from({ length: Math.ceil(ids.length / 50) }, (_, i) => ids.slice(i * 50, i * 50 + 50))
    : [];
  const queries = ids
    ? chunks.map(
        (c) =>
          `WorkflowType = '${WORKFLOW_TYPE}' AND (${c.map((id) => `WorkflowId = '${workflowIdFor(id)}'`).join(' OR ')})`,
      )
    : [`WorkflowType = '${WORKFLOW_TYPE}'`];
  for (const query of queries)
    for await (const info of client.workflow.list({ query })) {
      const disputeId = info.workflowId.replace(/^dispute-/, '');
      const wf: Workflow = { disputeId, status: info.status.name, startTime: info.startTime };
      const had = found.get(disputeId);
      // A reset leaves the old run: the running one, else the latest, is the case.
      if (!had || (had.status !== 'RUNNING' && (wf.status === 'RUNNING' || wf.startTime > had.startTime)))
        found.set(disputeId, wf);
    }
  return found;
}

async function describe(client: Client, disputeId: string): Promise<Workflow | undefined> {
  try {
    const d = await client.workflow.getHandle(workflowIdFor(disputeId)).describe();
    return { disputeId, status: d.status.name, startTime: d.startTime };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** Each workflow's state: a completed one's result, else its `state` query (a worker replays a closed one). */
async function loadStates(client: Client, wfs: Workflow[], opts: ReconcileOptions, errors: string[]): Promise<void> {
  const timeout = opts.queryTimeoutMs ?? 15_000;
  await eachLimited(wfs, opts.concurrency ?? 8, async (wf) => {
    const handle = client.workflow.getHandle(workflowIdFor(wf.disputeId));
    try {
      wf.state = await client.withDeadline(Date.now() + timeout, () =>
        wf.status === 'COMPLETED' ? (handle.result() as Promise<DisputeView>) : handle.query(stateQuery),
      );
    } catch (err) {
      errors.push(
        `无法读取工作流 ${workflowIdFor(wf.disputeId)} 的状态（有 worker 在运行吗？）/ could not read the state of ${workflowIdFor(wf.disputeId)} (is a worker running?): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  });
}

async function loadRows(em: EntityManager, ids: string[], withOpen: boolean): Promise<Map<string, Row>> {
  const rows = await em.execute<Row[]>(
    // Ids as one JSON array parameter: a list of placeholders would hit PostgreSQL's 65,535 per statement.
    // reduced_at read through to_jsonb: the column comes with the retention migration, which may be later than this code.
    `select id, case_number, stage, outcome, level, unit_code, next_deadline_at, seq,
            (to_jsonb(disputes) ->> 'reduced_at') is not null as reduced from disputes
     where id in (select jsonb_array_elements_text(?::jsonb)) ${withOpen ? "or stage <> 'closed'" : ''}`,
    [JSON.stringify(ids)],
  );
  return new Map(
    rows.map((r) => [r.id, { ...r, next_deadline_at: r.next_deadline_at && new Date(r.next_deadline_at) }]),
  );
}

async function maxEventSeqs(em: EntityManager, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await em.execute<{ dispute_id: string; max: number }[]>(
    'select dispute_id, max(seq) as max from dispute_events where dispute_id in (select jsonb_array_elements_text(?::jsonb)) group by dispute_id',
    [JSON.stringify(ids)],
  );
  return new Map(rows.map((r) => [r.dispute_id, Number(r.max)]));
}

/** At most `n` at once (a few lines rather than a dependency). */
async function eachLimited<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
}
