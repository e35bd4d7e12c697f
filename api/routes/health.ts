import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { temporal as proto } from '@temporalio/proto';
import { DEFAULT_READYZ_WORKER_MAX_AGE_SECONDS } from '../../config/health';

const Check = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });
const Checks = Type.Object({ database: Check, temporal: Check, workers: Check, alertListener: Check });
const Readiness = Type.Object({ status: Type.String(), checks: Checks });

export interface HealthRouteOptions {
  /** A worker counts when one of its pollers was seen within this many seconds (READYZ_WORKER_MAX_AGE_SECONDS). */
  workerMaxAgeSeconds?: number;
  /** How long (ms) the workers' answer is reused, so that probes do not each ask Temporal (default 5000). */
  workersCacheMs?: number;
}

type CheckResult = { ok: boolean; error?: string };

const TYPES = [
  ['workflow', proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
  ['activity', proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
] as const;

const within = <T>(p: Promise<T>) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref()),
  ]);

/** Only the kind of failure: no addresses or credentials on a public route. */
const failure = (err: unknown): CheckResult => ({
  ok: false,
  error: err instanceof Error && err.message.includes('timed out') ? 'timeout' : 'unreachable',
});

const check = async (fn: () => Promise<unknown>): Promise<CheckResult> => {
  try {
    await within(fn());
    return { ok: true };
  } catch (err) {
    return failure(err);
  }
};

const health: FastifyPluginAsyncTypebox<HealthRouteOptions> = async (app, opts) => {
  const maxAgeMs = (opts.workerMaxAgeSeconds ?? DEFAULT_READYZ_WORKER_MAX_AGE_SECONDS) * 1000;
  const cacheMs = opts.workersCacheMs ?? 5000;

  /** Both task queue types of the dispute queue have a poller Temporal saw within `maxAgeMs`. */
  async function workers(): Promise<CheckResult> {
    const { namespace } = app.temporal.options;
    const missing: string[] = [];
    for (const [name, taskQueueType] of TYPES) {
      const res = await app.temporal.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: app.taskQueue, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType,
      });
      const now = Date.now();
      const recent = (res.pollers ?? []).some((p) => {
        const at = p.lastAccessTime;
        if (!at) return false;
        return now - (Number(at.seconds ?? 0) * 1000 + Math.floor((at.nanos ?? 0) / 1e6)) <= maxAgeMs;
      });
      if (!recent) missing.push(name);
    }
    return missing.length ? { ok: false, error: `no ${missing.join(' or ')} poller` } : { ok: true };
  }

  // One question to Temporal per `cacheMs`, whatever the number of probes (and probes in flight share it).
  let cached: { at: number; result: Promise<CheckResult> } | undefined;
  function workersCached(): Promise<CheckResult> {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheMs) {
      cached = { at: now, result: within(workers()).catch(failure) };
    }
    return cached.result;
  }

  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary:
          'Readiness: the database and Temporal answer, a worker polls the dispute task queue, the alert listener listens',
        security: [],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      // Read first: the listener's state now, not after the other checks' round trips.
      const alertListener: CheckResult = app.alertStream.status().listening
        ? { ok: true }
        : { ok: false, error: 'not listening' };
      const [database, temporal, workersCheck] = await Promise.all([
        check(() => app.orm.em.execute('select 1')),
        check(() => app.temporal.workflowService.getSystemInfo({})),
        workersCached(),
      ]);
      const checks = { database, temporal, workers: workersCheck, alertListener };
      const ok = Object.values(checks).every((c) => c.ok);
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
    },
  );
};

export default health;
