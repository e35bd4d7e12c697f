/**
 * `Prefer: respond-async` on POST /api/v1/disputes: 202 as soon as the start is recorded, then the
 * case registered (routed, numbered, projected) by its workflow; the same checks before the start.
 */
import { randomUUID } from 'node:crypto';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

const post = (payload: unknown, headers: Record<string, string>) =>
  sys.app.inject({ method: 'POST', url: '/api/v1/disputes', payload: payload as object, headers });

it('answers 202 with where the case will be, and the case is then registered with its number', async () => {
  const integrator = api.integrator;
  const key = randomUUID();
  const res = await post(taoliLiftNoise(), { ...integrator, prefer: 'respond-async', 'idempotency-key': key });
  const accepted = expectStatus<{ id: string; status: string; href: string }>(res, 202);
  expect(accepted.status).toBe('registering');
  expect(res.headers['preference-applied']).toBe('respond-async');
  expect(res.headers.location).toBe(`/api/v1/disputes/${accepted.id}`);
  expect(accepted.href).toBe(res.headers.location);

  const registered = await eventually(
    async () => {
      const got = await sys.app.inject({ method: 'GET', url: accepted.href, headers: integrator });
      return got.statusCode === 200
        ? (got.json() as { caseNumber?: string; stage: string; unit?: { code: string } })
        : undefined;
    },
    20_000,
    'the case registered',
  );
  expect(registered.stage).toBe('awaiting_acceptance');
  expect(registered.caseNumber).toMatch(/^（\d{4}）.+字第\d+号$/);
  expect(registered.unit?.code).toBe('yufuci-community');

  // A retry with the same key and Prefer: the same answer, one case.
  const again = expectStatus<{ id: string }>(
    await post(taoliLiftNoise(), { ...integrator, prefer: 'respond-async', 'idempotency-key': key }),
    202,
  );
  expect(again.id).toBe(accepted.id);
  // The same key without Prefer is another request: refused, not a second case.
  expectStatus(await post(taoliLiftNoise(), { ...integrator, 'idempotency-key': key }), 422);
});

it('checks the report before accepting it: bad body 400, unknown grid 400, another area 403', async () => {
  const integrator = api.integrator;
  const headers = { ...integrator, prefer: 'respond-async' };
  expectStatus(await post({ ...taoliLiftNoise(), parties: [] }, headers), 400);
  const unknown = expectStatus<{ errors: Array<{ field: string }> }>(
    await post({ ...taoliLiftNoise(), gridCode: 'no-such-grid' }, headers),
    400,
  );
  expect(unknown.errors[0]?.field).toBe('body/gridCode');
  const mediator = await api.as('mediator@wangjiaqiao-community');
  expectStatus(await post(taoliLiftNoise(), { ...mediator, prefer: 'respond-async' }), 403);
});

it("checks the report with its Idempotency-Key too: an unknown grid claims nothing (the corrected report goes through under the same key), another area is the key's answer", async () => {
  const key = randomUUID();
  const headers = { ...api.integrator, prefer: 'respond-async', 'idempotency-key': key };
  const unknown = expectStatus<{ errors: Array<{ field: string }> }>(
    await post({ ...taoliLiftNoise(), gridCode: 'no-such-grid' }, headers),
    400,
  );
  expect(unknown.errors[0]?.field).toBe('body/gridCode');
  expect(
    await sys.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from idempotency_keys where key = ?', [key]),
  ).toEqual([{ n: 0 }]);
  const accepted = expectStatus<{ id: string }>(await post(taoliLiftNoise(), headers), 202);
  expect(accepted.id).toBeTruthy();

  const mediator = await api.as('mediator@wangjiaqiao-community');
  const theirKey = randomUUID();
  const refused = await post(taoliLiftNoise(), { ...mediator, prefer: 'respond-async', 'idempotency-key': theirKey });
  expectStatus(refused, 403);
  // The same request under the same key gets the same refusal, and no case was started for it.
  const again = await post(taoliLiftNoise(), { ...mediator, prefer: 'respond-async', 'idempotency-key': theirKey });
  expect(again.statusCode).toBe(403);
  // The same refusal; each answer names its own request (X-Request-Id, issue 20).
  const { requestId: firstId, ...first } = refused.json();
  const { requestId: secondId, ...second } = again.json();
  expect(second).toEqual(first);
  expect(secondId).not.toBe(firstId);
  const [row] = await sys.orm.em
    .fork()
    .getConnection()
    .execute<{ dispute_id: string; response_status: number }[]>(
      'select dispute_id, response_status from idempotency_keys where key = ?',
      [theirKey],
    );
  expect(row?.response_status).toBe(403);
  await expect(sys.client.workflow.getHandle(workflowIdFor(row!.dispute_id)).describe()).rejects.toThrow(/not found/i);
});

it('answers 201 with the numbered case when Prefer asks for nothing it knows', async () => {
  const created = expectStatus<{ caseNumber?: string }>(
    await post(taoliLiftNoise(), { ...api.integrator, prefer: 'return=representation' }),
    201,
  );
  expect(created.caseNumber).toBeTruthy();
});

it('loses nothing when the start fails after the key is claimed: the answer was stored provisionally, the retry starts the case', async () => {
  const integrator = api.integrator;
  const key = randomUUID();
  const workflows = sys.app.temporal.workflow;
  const start = workflows.start.bind(workflows);
  // The workflow service refuses the start (as a process that died between the claim and the start
  // leaves it: the key claimed with its 202, no workflow).
  workflows.start = (async () => {
    throw Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
  }) as typeof workflows.start;
  try {
    const failed = await post(taoliLiftNoise(), { ...integrator, prefer: 'respond-async', 'idempotency-key': key });
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBe('1');
  } finally {
    workflows.start = start;
  }
  const [claim] = await sys.orm.em
    .fork()
    .getConnection()
    .execute<{ dispute_id: string; response_status: number; retryable: boolean }[]>(
      'select dispute_id, response_status, retryable from idempotency_keys where key = ?',
      [key],
    );
  expect(claim).toMatchObject({ response_status: 202, retryable: true });
  const notStarted = await sys.app.inject({
    method: 'GET',
    url: `/api/v1/disputes/${claim!.dispute_id}`,
    headers: integrator,
  });
  expect(notStarted.statusCode).toBe(404);

  // The retry with the same key starts it, under the id the claim holds, and is answered 202.
  const retried = expectStatus<{ id: string; href: string }>(
    await post(taoliLiftNoise(), { ...integrator, prefer: 'respond-async', 'idempotency-key': key }),
    202,
  );
  expect(retried.id).toBe(claim!.dispute_id);
  const registered = await eventually(
    async () => {
      const got = await sys.app.inject({ method: 'GET', url: retried.href, headers: integrator });
      return got.statusCode === 200 ? (got.json() as { caseNumber?: string }) : undefined;
    },
    20_000,
    'the case registered',
  );
  expect(registered.caseNumber).toBeTruthy();
  // And once more: the same case, still one.
  expect(
    expectStatus<{ id: string }>(
      await post(taoliLiftNoise(), { ...integrator, prefer: 'respond-async', 'idempotency-key': key }),
      202,
    ).id,
  ).toBe(retried.id);
});
