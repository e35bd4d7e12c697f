/**
 * The fail-over measurement's parts (failover.test.ts): a steady stream of cheap actions over HTTP,
 * each timed from its first request to its success, and extra live workers to kill beside the
 * chaos harness's own (harness.ts `WorkerSupervisor`, which replaces a killed worker with a spare).
 */
import type { ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { spawnWorkerChild, type WorkerEnv } from './harness';
import { report, sleep, transient, type Headers } from './lifecycles';

/** One action as its caller saw it: from the first request to the answer that ended it. */
export interface ActionSample {
  stream: number;
  action: string;
  /** The case's id (for a report, once it is answered). */
  caseId?: string;
  startedAt: number;
  endedAt: number;
  ms: number;
  /** Requests it took (1 = answered at once); the others were 503 or 409 "busy, try again". */
  requests: number;
  /** The final answer's status (2xx, or the refusal that was not worth retrying). */
  status: number;
}

/**
 * Each of `streams` callers works one case at a time: reports it (integrator), accepts it, adds
 * notes and suspends and resumes it, and ends it with `fail` (mediator); then reports the next.
 * A "not now" answer (5xx, 409 in flight or busy) is retried with the same Idempotency-Key after
 * 100 ms, and the action's time runs on until it succeeds.
 */
export class ActionLoad {
  readonly samples: ActionSample[] = [];
  readonly statuses: Record<string, number> = {};
  /** The 5xx answers on the way, by status, code and detail. */
  readonly serverErrors: Record<string, number> = {};
  /** Actions that ended in a refusal not worth retrying, or never succeeded (each ends its stream). */
  readonly errors: string[] = [];
  private stopping = false;
  private running?: Promise<void>;

  constructor(
    private readonly baseUrl: string,
    private readonly who: { integrator: Headers; mediator: Headers },
    private readonly tag: string,
  ) {}

  start(streams: number): void {
    this.running = Promise.all(
      Array.from({ length: streams }, (_, i) =>
        this.stream(i).catch((err: Error) => void this.errors.push(err.message)),
      ),
    ).then(() => undefined);
  }

  /** Lets each stream finish the action it is in, then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Resolves once every stream has had `n` actions answered (the system is warm), or after `ms`. */
  async warm(streams: number, n: number, ms: number): Promise<void> {
    for (const until = Date.now() + ms; Date.now() < until; await sleep(200)) {
      const done = new Map<number, number>();
      for (const s of this.samples) done.set(s.stream, (done.get(s.stream) ?? 0) + 1);
      if (done.size === streams && [...done.values()].every((d) => d >= n)) return;
    }
  }

  /** The actions that were under way at `at` (started before, not yet answered). */
  inFlightAt(at: number): ActionSample[] {
    return this.samples.filter((s) => s.startedAt <= at && s.endedAt > at);
  }

  private async stream(n: number): Promise<void> {
    await sleep(n * 37); // spread the streams' first requests
    for (let c = 0; !this.stopping; c++) {
      const key = `${this.tag}-${n}-${c}`;
      const created = await this.act(n, 'report', '/api/v1/disputes', this.who.integrator, key, {
        ...report('noise', `切换测试 ${n}-${c}`),
      });
      const url = (action: string) => `/api/v1/disputes/${created.id as string}/signals/${action}`;
      // The streams out of step: stream n adds (n + c) % 4 notes first, so a kill finds every kind of action under way.
      const plan = [
        'accept',
        ...Array.from({ length: (n + c) % 4 }, () => 'add-note'),
        ...Array.from({ length: 4 }, () => ['add-note', 'suspend', 'resume']).flat(),
      ];
      for (const [i, action] of plan.entries()) {
        if (this.stopping) return; // the case stays open
        await this.act(n, action, url(action), this.who.mediator, `${key}-${i}`, PAYLOADS[action]!);
      }
      // Closed, so that the open cases stay about one per stream.
      await this.act(n, 'fail', url('fail'), this.who.mediator, `${key}-fail`, PAYLOADS.fail!);
    }
  }

  /** One action, retried while the answer says "not now"; resolves to the JSON of its 2xx, else throws. */
  private async act(
    stream: number,
    action: string,
    url: string,
    headers: Headers,
    key: string,
    body: object,
  ): Promise<Record<string, unknown>> {
    await sleep(20 + Math.random() * 80); // think time
    const startedAt = Date.now();
    for (let requests = 1; ; requests++) {
      let status: number;
      let text: string;
      try {
        const res = await fetch(`${this.baseUrl}${url}`, {
          method: 'POST',
          headers: { ...headers, 'idempotency-key': key, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        status = 599; // the connection failed: as retryable as a 503
        text = String(err);
      }
      this.statuses[status] = (this.statuses[status] ?? 0) + 1;
      if (status >= 500) {
        const why = `${status} ${text.replace(/[0-9a-f-]{36}/g, '…').slice(0, 200)}`;
        this.serverErrors[why] = (this.serverErrors[why] ?? 0) + 1;
      }
      const done = status < 300 || !(status === 599 || transient(status, text));
      if (done) {
        const endedAt = Date.now();
        const json = status < 300 ? (JSON.parse(text) as Record<string, unknown>) : undefined;
        const caseId = /\/disputes\/([^/]+)\//.exec(url)?.[1] ?? (json?.id as string | undefined);
        this.samples.push({ stream, action, caseId, startedAt, endedAt, ms: endedAt - startedAt, requests, status });
        if (!json) throw new Error(`${action} (stream ${stream}): ${status} ${text}`);
        return json;
      }
      if (Date.now() - startedAt > 120_000)
        throw new Error(`${action} (stream ${stream}): still ${status} after 2 min`);
      await sleep(100);
    }
  }
}

const PAYLOADS: Record<string, object> = {
  accept: {},
  'add-note': { text: '电话联系双方，约定下周面谈' },
  suspend: { reason: '等待当事人提供维修票据' },
  resume: { note: '票据已提供' },
  fail: { reason: '双方分歧过大', referral: '告知当事人可向人民法院提起诉讼' },
};

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summary(ms: number[]): { count: number; p50: number; p90: number; p99: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/**
 * A worker process of its own (worker-child.ts), outside the harness's supervisor: started in
 * advance, it polls from `go()` on, beside the supervisor's worker, and is killed with SIGKILL
 * without a replacement: the other live worker has to carry on alone.
 */
export class LiveWorker {
  private child?: ChildProcess;
  private ready?: Promise<void>;

  constructor(
    private readonly env: WorkerEnv,
    private readonly logFile: string,
  ) {}

  /** Starts the process; resolves once it is built and connected (not yet polling). */
  start(): Promise<void> {
    const child = spawnWorkerChild(this.env, this.logFile);
    child.stdin!.on('error', () => undefined);
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/^ready \d+/m.test(out)) resolve();
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`live worker exited before it was ready (${code ?? signal})`)),
      );
    });
    return this.ready;
  }

  go(): void {
    this.child!.stdin!.write('go\n');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** kill -9; resolves once the process is gone. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    child.stdin!.destroy();
    child.stdout!.destroy();
  }
}

/**
 * What a case's workflow went through between `from` and `to` (ms since epoch), one line an event:
 * its time from `t0`, its kind and what says where it ran (task queue kind, attempt, timeout type,
 * worker identity): where an action's seconds went.
 */
export async function timelineOf(
  client: Client,
  caseId: string,
  from: number,
  to: number,
  t0: number,
): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowIdFor(caseId)).fetchHistory();
  const lines: string[] = [];
  for (const e of history.events ?? []) {
    const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
    if (at < from || at > to) continue;
    const [kind, attrs] = (Object.entries(e as Record<string, unknown>).find(
      ([k, v]) => k.endsWith('EventAttributes') && v,
    ) ?? ['?', {}]) as [string, Record<string, any>];
    const where = [
      attrs.taskQueue?.kind === 2 ? 'sticky' : attrs.taskQueue ? 'normal' : '',
      attrs.attempt > 1 ? `attempt ${attrs.attempt}` : '',
      attrs.timeoutType ? `timeout ${attrs.timeoutType}` : '',
      attrs.activityType?.name ?? '',
      attrs.identity ? String(attrs.identity).split('@')[0] : '',
    ].filter(Boolean);
    lines.push(`+${at - t0} ${kind.replace('EventAttributes', '')} ${where.join(' ')}`);
  }
  return lines;
}
