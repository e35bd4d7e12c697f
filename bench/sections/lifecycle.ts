/**
 * A whole lifecycle: the seed's street case (report + 14 actions, test/api/seed-scenarios.test.ts)
 * through the API over HTTP, vs a bare workflow (bench/workflows/bare.workflow.ts) driven straight
 * from a Temporal client with the same number of Updates (update-with-start + 14), each running one
 * no-op activity, with the same payloads. `cases` lifecycles per run, `concurrency` at a time.
 * A third variant splits the gap: the real dispute workflow driven straight from the client (the
 * API's own calls, without the API). Each run also records the CPU each process spent per case.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { disputeWorkflow } from '../../workflows/dispute.workflow';
import {
  ACTION_UPDATES,
  TASK_QUEUE,
  intakeDoneUpdate,
  workflowIdFor,
  type CaseReceipt,
} from '../../workflows/dispute.messages';
import { cpuBound, cpuPerCase, cpuSnapshot, medianCpu, type CpuSnapshot } from '../lib/cpu';
import {
  bareReadyUpdate,
  bareStepUpdate,
  type BareExtras,
  type bareLifecycleWorkflow,
} from '../workflows/bare.workflow';
import { staffHeaders } from '../lib/login';
import {
  STAFF,
  integratorActor,
  staffActor,
  startInput,
  streetCaseReport,
  streetCaseSteps,
  untilDue,
} from '../lib/scenario';
import { interleaved, median, perRoundRatios, pool, round } from '../lib/stats';
import { BARE_TASK_QUEUE, type BenchSystem } from '../lib/system';
import type { BenchConfig, SectionResult } from '../lib/types';

/** One of the dispute workflow's extras a step, each priced against the bare workflow (--lifecycle-costs). */
const COSTS: Record<string, BareExtras> = {
  'bare + search-attribute upsert': { searchAttribute: true },
  'bare + re-planned timer': { timer: true },
  'bare + 9 KB activity argument': { argumentKb: 9 },
  'bare + local activity': { localActivity: true },
  "bare + the product's record of each step (PostgreSQL)": { projection: true },
};

export async function lifecycleSection(
  sys: BenchSystem,
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<SectionResult> {
  const { cases, concurrency } = cfg.lifecycle;
  const headers = await staffHeaders(sys, STAFF);
  const integrator = { authorization: `Bearer ${sys.apiKey}` };
  const actors = Object.fromEntries(
    await Promise.all(STAFF.map(async (u) => [u, await staffActor(sys.orm, u)] as const)),
  );
  const reportedBy = await integratorActor(sys.orm);
  const stepsPerCase = streetCaseSteps().length;

  const viaApi = async () => {
    const created = await sys.api.expect<{ id: string }>(201, 'POST', '/api/v1/disputes', streetCaseReport(), {
      ...integrator,
      ...(cfg.idempotencyKeys ? { 'idempotency-key': randomUUID() } : {}),
    });
    let last: { stage?: string; outcome?: string; agreement?: { number?: string } } = {};
    for (const step of streetCaseSteps()) {
      await untilDue(step);
      last = await sys.api.expect(
        200,
        'POST',
        `/api/v1/disputes/${created.id}/signals/${step.action}`,
        step.payload,
        headers[step.user],
      );
    }
    if (last.stage !== 'closed' || last.outcome !== 'resolved' || !last.agreement?.number)
      throw new Error(`lifecycle ended as ${JSON.stringify(last).slice(0, 300)}`);
  };

  const bareWith = (extras?: BareExtras) => async () => {
    const id = `bare-${randomUUID()}`;
    await sys.client.workflow.executeUpdateWithStart(bareReadyUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof bareLifecycleWorkflow>('bareLifecycleWorkflow', {
        workflowId: id,
        taskQueue: BARE_TASK_QUEUE,
        args: [{ steps: stepsPerCase, intake: startInput(streetCaseReport(), id, reportedBy), extras }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    });
    const handle = sys.client.workflow.getHandle(id);
    let state = { steps: 0 };
    for (const step of streetCaseSteps()) {
      await untilDue(step);
      state = await handle.executeUpdate(bareStepUpdate, {
        args: [{ actor: actors[step.user], payload: step.payload }],
      });
    }
    if (state.steps !== stepsPerCase) throw new Error(`bare lifecycle took ${state.steps} steps`);
  };

  /** The same workflow and calls as the API makes, straight from the client. */
  const rawDispute = async () => {
    const id = `rl-${randomUUID()}`;
    await sys.client.workflow.executeUpdateWithStart(intakeDoneUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof disputeWorkflow>('disputeWorkflow', {
        workflowId: workflowIdFor(id),
        taskQueue: TASK_QUEUE,
        args: [startInput(streetCaseReport(), id, reportedBy)],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    });
    const handle = sys.client.workflow.getHandle(workflowIdFor(id));
    let view: CaseReceipt | undefined;
    for (const step of streetCaseSteps()) {
      await untilDue(step);
      const update = ACTION_UPDATES[step.action as keyof typeof ACTION_UPDATES] as typeof ACTION_UPDATES.accept;
      view = await handle.executeUpdate(update, {
        args: [{ actor: actors[step.user]!, payload: step.payload as never }],
      });
    }
    if (view?.stage !== 'closed' || view.outcome !== 'resolved')
      throw new Error(`raw lifecycle ended as ${view?.stage}`);
  };

  const run = (one: () => Promise<void>) => async () => {
    await sys.worker.idle(300);
    const cpu0: CpuSnapshot = await cpuSnapshot(sys);
    const t0 = performance.now();
    await pool(
      Array.from({ length: cases }, (_, i) => i),
      concurrency,
      one,
    );
    const seconds = (performance.now() - t0) / 1000;
    await sys.worker.idle(300);
    const cpuMsPerCase = cpuPerCase(cpu0, await cpuSnapshot(sys), cases);
    return {
      casesPerSec: round(cases / seconds, 2),
      callsPerSec: round((cases * (stepsPerCase + 1)) / seconds, 1),
      cpuMsPerCase,
    };
  };
  const runs = await interleaved(
    cfg.rounds,
    [
      { name: 'bare', run: run(bareWith()) },
      { name: 'rawDispute', run: run(rawDispute) },
      { name: 'api', run: run(viaApi) },
      ...(cfg.lifecycle.costs
        ? Object.entries(COSTS).map(([name, extras]) => ({ name, run: run(bareWith(extras)) }))
        : []),
    ],
    log,
  );
  const cpu = (name: string) => medianCpu(runs[name]!.map((r) => r.cpuMsPerCase));
  const api = median(runs.api!.map((r) => r.casesPerSec));
  const baseline = median(runs.bare!.map((r) => r.casesPerSec));
  const ratio = round(api / baseline, 2);
  const direct = median(runs.rawDispute!.map((r) => r.casesPerSec));
  const costs = cfg.lifecycle.costs
    ? Object.keys(COSTS).map((name) => {
        const rate = median(runs[name]!.map((r) => r.casesPerSec));
        return `${name}: ${round(rate, 2)} cases/s (${round(rate / baseline, 2)} of bare), CPU ms ${JSON.stringify(cpu(name))}`;
      })
    : [];
  return {
    name: 'lifecycle',
    rows: [
      {
        figure: `Whole lifecycle, street case (report + ${stepsPerCase} actions), ${concurrency} at a time`,
        unit: 'cases/s',
        subject: { label: 'through the API (HTTP)', value: round(api, 2) },
        baseline: { label: `bare workflow, ${stepsPerCase + 1} updates, no-op activities`, value: round(baseline, 2) },
        ratio,
        target: '≥ 0.7',
        met: ratio >= 0.7,
        note:
          `per-round ratios ${perRoundRatios(
            runs.api!.map((r) => r.casesPerSec),
            runs.bare!.map((r) => r.casesPerSec),
          )}; ` +
          `the dispute workflow driven straight from a client (no API): ${round(direct, 2)} cases/s (API/that = ${round(api / direct, 2)}, that/bare = ${round(direct / baseline, 2)}); ` +
          `CPU ms per case (median) api ${JSON.stringify(cpu('api'))}, direct ${JSON.stringify(cpu('rawDispute'))}, bare ${JSON.stringify(cpu('bare'))}; ` +
          cpuBound(cpu('api'), cpu('bare')) +
          (costs.length ? `; the bare workflow with one extra a step: ${costs.join('; ')}` : ''),
      },
    ],
    runs,
  };
}
