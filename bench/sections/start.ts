/**
 * Start throughput: `POST /api/v1/disputes` over HTTP to the API process vs the same
 * disputeWorkflow started straight from a Temporal client with the same input, at concurrency 1, 8
 * and 32 (cases per second). Two raw baselines:
 * - `client.workflow.start`: returns once Temporal has recorded the start (the worker's intake runs
 *   afterwards; the bench waits for it between runs, untimed);
 * - `executeUpdateWithStart(intake-done)`: the call the API itself makes, which answers once intake
 *   has routed and numbered the case (what the API's 201 carries).
 * A second subject, `Prefer: respond-async`, answers 202 once the start is recorded: the same point
 * as the `client.workflow.start` baseline.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { disputeWorkflow } from '../../workflows/dispute.workflow';
import { TASK_QUEUE, intakeDoneUpdate, workflowIdFor } from '../../workflows/dispute.messages';
import { integratorActor, startInput, taoliReport } from '../lib/scenario';
import { cpuBound, cpuTimedBatch, medianCpu, type CpuSnapshot } from '../lib/cpu';
import { interleaved, median, perRoundRatios, round, sleepMs } from '../lib/stats';
import type { BenchSystem } from '../lib/system';
import type { BenchConfig, Row, SectionResult } from '../lib/types';

const casesPerSec = (samples: Array<{ casesPerSec: number }>): number[] => samples.map((s) => s.casesPerSec);

/**
 * Waits until the read model holds `n` of the cases picked by `where` (polled every 50 ms), then
 * until the worker is idle; returns when the read model had them all.
 */
async function drained(
  sys: BenchSystem,
  where: { sql: string; params: unknown[] },
  n: number,
  timeoutMs = 900_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let at: number;
  for (;;) {
    const [row] = await sys.orm.em
      .getConnection()
      .execute<{ n: string }[]>(`select count(*) as n from disputes where ${where.sql}`, where.params);
    if (Number(row?.n) >= n) {
      at = performance.now();
      break;
    }
    if (Date.now() > deadline) throw new Error(`only ${row?.n} of ${n} cases (${where.sql}) reached the read model`);
    await sleepMs(50);
  }
  await sys.worker.idle(300);
  return at;
}

export async function startSection(
  sys: BenchSystem,
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<SectionResult> {
  const reportedBy = await integratorActor(sys.orm);
  const report = taoliReport;
  const rows: Row[] = [];
  const runs: Record<string, unknown> = {};
  let tag = 0;

  for (const [concurrencyText, n] of Object.entries(cfg.startCases)) {
    const concurrency = Number(concurrencyText);
    log(`  concurrency ${concurrency}, ${n} cases a run`);
    /** `n` calls of `fn`, `concurrency` at a time, from an idle worker (see cpuTimedBatch). */
    const timedFrom = (fn: (i: number) => Promise<void>) => cpuTimedBatch(sys, n, concurrency, fn);
    const timed = async (fn: (i: number) => Promise<void>): Promise<number> => (await timedFrom(fn)).perSec;
    const result = await interleaved<{ casesPerSec: number; throughIntake?: number; cpuMsPerCase?: CpuSnapshot }>(
      cfg.rounds,
      [
        {
          name: 'rawStart',
          run: async () => {
            const prefix = `rs${++tag}-`;
            const {
              perSec: casesPerSec,
              t0,
              cpuMsPerCall: cpuMsPerCase,
            } = await timedFrom(async () => {
              const id = `${prefix}${randomUUID()}`;
              await sys.client.workflow.start('disputeWorkflow', {
                workflowId: workflowIdFor(id),
                taskQueue: TASK_QUEUE,
                args: [startInput(report(), id, reportedBy)],
              });
            });
            const allIn = await drained(sys, { sql: 'id like ?', params: [`${prefix}%`] }, n);
            // Also: until every one of them has been through intake (the work the API's answer waits for).
            return { casesPerSec, throughIntake: round(n / ((allIn - t0) / 1000), 2), cpuMsPerCase };
          },
        },
        {
          name: 'rawUpdateWithStart',
          run: async () => {
            const prefix = `ru${++tag}-`;
            const casesPerSec = await timed(async () => {
              const id = `${prefix}${randomUUID()}`;
              const view = await sys.client.workflow.executeUpdateWithStart(intakeDoneUpdate, {
                startWorkflowOperation: new WithStartWorkflowOperation<typeof disputeWorkflow>('disputeWorkflow', {
                  workflowId: workflowIdFor(id),
                  taskQueue: TASK_QUEUE,
                  args: [startInput(report(), id, reportedBy)],
                  workflowIdConflictPolicy: 'USE_EXISTING',
                  workflowIdReusePolicy: 'REJECT_DUPLICATE',
                }),
              });
              if (!view.caseNumber) throw new Error('intake answered without a case number');
            });
            return { casesPerSec };
          },
        },
        {
          name: 'apiAsync',
          run: async () => {
            const ids: string[] = [];
            const {
              perSec: casesPerSec,
              t0,
              cpuMsPerCall: cpuMsPerCase,
            } = await timedFrom(async () => {
              const headers: Record<string, string> = {
                authorization: `Bearer ${sys.apiKey}`,
                prefer: 'respond-async',
              };
              if (cfg.idempotencyKeys) headers['idempotency-key'] = randomUUID();
              const body = await sys.api.expect<{ id: string; status: string }>(
                202,
                'POST',
                '/api/v1/disputes',
                report(),
                headers,
              );
              if (body.status !== 'registering') throw new Error(`unexpected answer ${JSON.stringify(body)}`);
              ids.push(body.id);
            });
            const allIn = await drained(sys, { sql: 'id in (?)', params: [ids] }, ids.length);
            return { casesPerSec, throughIntake: round(n / ((allIn - t0) / 1000), 2), cpuMsPerCase };
          },
        },
        {
          name: 'api',
          run: async () => ({
            casesPerSec: await timed(async () => {
              const headers: Record<string, string> = { authorization: `Bearer ${sys.apiKey}` };
              if (cfg.idempotencyKeys) headers['idempotency-key'] = randomUUID();
              const body = await sys.api.expect<{ stage: string; caseNumber?: string }>(
                201,
                'POST',
                '/api/v1/disputes',
                report(),
                headers,
              );
              if (body.stage !== 'awaiting_acceptance' || !body.caseNumber)
                throw new Error(`unexpected case ${JSON.stringify(body)}`);
            }),
          }),
        },
      ],
      log,
    );
    runs[`c${concurrency}`] = result;
    const api = median(result.api!.map((r) => r.casesPerSec));
    const raw = median(result.rawStart!.map((r) => r.casesPerSec));
    const rawThroughIntake = median(result.rawStart!.map((r) => r.throughIntake ?? NaN));
    const uws = median(result.rawUpdateWithStart!.map((r) => r.casesPerSec));
    const apiAsync = median(result.apiAsync!.map((r) => r.casesPerSec));
    const apiAsyncThroughIntake = median(result.apiAsync!.map((r) => r.throughIntake ?? NaN));
    const ratio = round(api / raw, 2);
    const cpuOf = (name: string) =>
      medianCpu(
        result[name]!.map((r) => r.cpuMsPerCase ?? {}),
        1,
      );
    const cpu = (name: string) => JSON.stringify(cpuOf(name));
    const asyncRatio = round(apiAsync / raw, 2);
    rows.push({
      figure: `Start throughput, concurrency ${concurrency}`,
      unit: 'cases/s',
      subject: { label: 'POST /api/v1/disputes (HTTP)', value: round(api, 1) },
      baseline: { label: 'client.workflow.start', value: round(raw, 1) },
      ratio,
      ...(concurrency === 32 ? { target: '≥ 0.85', met: ratio >= 0.85 } : {}),
      note:
        `client.workflow.start counted until intake is done for all: ${round(rawThroughIntake, 1)} cases/s (API/that = ${round(api / rawThroughIntake, 2)}); ` +
        `the API's own call (executeUpdateWithStart, answered once intake is done): ${round(uws, 1)} cases/s (API/that = ${round(api / uws, 2)}); ` +
        `per-round ratios ${perRoundRatios(casesPerSec(result.api!), casesPerSec(result.rawStart!))}`,
    });
    rows.push({
      figure: `Start throughput, concurrency ${concurrency}, Prefer: respond-async`,
      unit: 'cases/s',
      subject: { label: 'POST /api/v1/disputes → 202 (HTTP)', value: round(apiAsync, 1) },
      baseline: { label: 'client.workflow.start', value: round(raw, 1) },
      ratio: asyncRatio,
      ...(concurrency === 32 ? { target: '≥ 0.85', met: asyncRatio >= 0.85 } : {}),
      note:
        `202 as soon as the start is recorded, like the baseline; counted until intake is done for all: ${round(apiAsyncThroughIntake, 1)} cases/s ` +
        `(vs the baseline's ${round(rawThroughIntake, 1)}: ${round(apiAsyncThroughIntake / rawThroughIntake, 2)}); ` +
        `per-round ratios ${perRoundRatios(casesPerSec(result.apiAsync!), casesPerSec(result.rawStart!))}; ` +
        `CPU ms a case while the calls ran (median): API ${cpu('apiAsync')}, client.workflow.start ${cpu('rawStart')}; ` +
        cpuBound(cpuOf('apiAsync'), cpuOf('rawStart')),
    });
  }
  return { name: 'start', rows, runs };
}
