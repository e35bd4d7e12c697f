import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { WithStartWorkflowOperation, isGrpcDeadlineError } from '@temporalio/client';
import type { DisputeIntake, StartDisputeInput } from '../domain/types';
import { intakePeopleProblems } from '../domain/people';
import type { disputeWorkflow } from '../workflows/dispute.workflow';
import { intakeDoneUpdate, workflowIdFor } from '../workflows/dispute.messages';
import { AppError } from './errors';
import { idempotently, replayed } from './idempotency';
import { actorOf, type Principal } from './plugins/auth';
import { mayCreateAt } from './disputes-repository';
import { caseAfter } from './case-answer';
import { caseAnswer } from './case-access';
import { caseResponse } from './views';

/** The 202 answer to `Prefer: respond-async`: the case is accepted and being registered. */
export interface RegisteringCase {
  id: string;
  status: 'registering';
  href: string;
}

/**
 * 400 for what the law refuses in the people of a report (domain/people.ts): a minor or a party
 * without full capacity without a 法定代理人, an organisation without its 法定代表人/负责人 or with an
 * invalid credit code. Before the Idempotency-Key's claim: the same body is refused the same way.
 */
function refuseUnlawfulPeople(intake: DisputeIntake): void {
  const problems = intakePeopleProblems(intake, new Date().toISOString());
  if (problems.length === 0) return;
  throw new AppError('validation_failed', problems.map((p) => p.message).join('\n'), {
    errors: problems.map((p) => ({ field: p.field, message: p.message })),
  });
}

export const principalKey = (p: Principal): string => `${p.kind}:${p.id}`;

const registering = (id: string): RegisteringCase => ({ id, status: 'registering', href: `/api/v1/disputes/${id}` });

/** How long a request waits for the workflow's answer before telling the caller to retry. */
const ANSWER_WITHIN_MS = 30_000;

/** Runs a Temporal call with a deadline; past it, 503 (the action may still apply: retry with the same key). */
export async function withinDeadline<T>(app: FastifyInstance, fn: () => Promise<T>): Promise<T> {
  try {
    return await app.temporal.withDeadline(Date.now() + ANSWER_WITHIN_MS, fn);
  } catch (err) {
    if (isGrpcDeadlineError(err)) {
      throw new AppError(
        'unavailable',
        `案件未在 ${ANSWER_WITHIN_MS / 1000} 秒内答复，请求仍可能被执行：请用同一 Idempotency-Key 重试 / the case did not answer within ${ANSWER_WITHIN_MS / 1000} s; it may still apply the request: retry with the same Idempotency-Key`,
      );
    }
    throw err;
  }
}

type ReportOptions = { idempotencyKey?: string; route: string };
type CaseBody = ReturnType<typeof caseResponse>;

/**
 * Reports a case (登记) for a caller: checks where it arose, starts its workflow with update-with-start
 * (the answer comes once intake has routed and numbered it) and, with an Idempotency-Key, answers a
 * repeat with the first answer. Shared by the v1 API and the Open311 adapter.
 * `respondAsync` (the caller sent `Prefer: respond-async`): answers 202 as soon as the start is
 * recorded, for integrators that feed cases in bulk and learn the number from GET or the webhook.
 */
export async function reportCase(
  app: FastifyInstance,
  principal: Principal,
  intake: DisputeIntake,
  opts: ReportOptions & { respondAsync?: false },
): Promise<{ status: number; body: CaseBody }>;
export async function reportCase(
  app: FastifyInstance,
  principal: Principal,
  intake: DisputeIntake,
  opts: ReportOptions & { respondAsync: boolean },
): Promise<{ status: number; body: CaseBody | RegisteringCase }>;
export async function reportCase(
  app: FastifyInstance,
  principal: Principal,
  intake: DisputeIntake,
  opts: ReportOptions & { respondAsync?: boolean },
): Promise<{ status: number; body: CaseBody | RegisteringCase }> {
  refuseUnlawfulPeople(intake);
  const em = app.orm.em.fork();
  // Where the case arose: read with the Idempotency-Key's claim when there is one (one round trip).
  const findOrigin = async (): Promise<Origin | undefined> =>
    (await em.execute<Origin[]>('select code, path from units where code = ?', [intake.gridCode]))[0];
  const unknownOrigin = () =>
    new AppError('validation_failed', `unknown gridCode ${intake.gridCode}`, {
      errors: [{ field: 'body/gridCode', message: 'is not a unit of the directory (GET /api/v1/units)' }],
    });
  type Origin = { code: string; path: string };

  const start = async (disputeId: string, origin: Origin) => {
    // Inside the claim: a refusal here is the key's answer, like any other 4xx.
    if (!mayCreateAt(principal, origin.path))
      throw new AppError('forbidden', `you cannot report cases in ${origin.code}`);
    const input: StartDisputeInput = {
      ...intake,
      disputeId,
      reportedBy: actorOf(principal),
      receivedAt: new Date().toISOString(),
    };
    if (app.stageSearchAttributes) input.stageSearchAttributes = true;
    const options = {
      workflowId: workflowIdFor(disputeId),
      taskQueue: app.taskQueue,
      args: [input] as [StartDisputeInput],
      // Fail-over: a task lost with a killed worker is retried after 3 s, not 10 (2 s cut replays on a busy worker).
      workflowTaskTimeout: '3 seconds' as const,
      // A retry of the same request reaches the same running workflow instead of a second one.
      workflowIdConflictPolicy: 'USE_EXISTING' as const,
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    };
    if (opts.respondAsync) {
      // Accepted once Temporal has recorded the start: intake routes, numbers and projects it next.
      await withinDeadline(app, () => app.temporal.workflow.start<typeof disputeWorkflow>('disputeWorkflow', options));
      return { status: 202, body: registering(disputeId) };
    }
    const answer = await withinDeadline(app, () =>
      app.temporal.workflow.executeUpdateWithStart(intakeDoneUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof disputeWorkflow>('disputeWorkflow', options),
      }),
    );
    return { status: 201, body: caseAnswer(principal, await caseAfter(app, answer)) };
  };
  const key = opts.idempotencyKey;
  const disputeId = randomUUID();
  let answer;
  if (key) {
    answer = await idempotently<Origin>(
      em,
      {
        principal: principalKey(principal),
        key,
        request: { route: opts.route, body: intake },
        disputeId,
        // An async create's answer is known before the start: stored with the claim (one write
        // instead of two); a repeat starts again (USE_EXISTING) before answering it.
        provisional: opts.respondAsync ? { status: 202, body: registering(disputeId) } : undefined,
        guard: { find: findOrigin, missing: unknownOrigin },
      },
      start,
    );
  } else {
    const origin = await findOrigin();
    if (!origin) throw unknownOrigin();
    answer = await start(disputeId, origin);
  }
  return { status: answer.status, body: replayed(answer) as CaseBody | RegisteringCase };
}
