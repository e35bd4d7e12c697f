/** Idempotency-Key on every POST that creates or acts: retries are safe, races have one winner. */
import { DisputeEvent } from '../../db/entities';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

it('turns 100 concurrent duplicates of a report into one case and one workflow', async () => {
  const headers = { ...api.integrator, 'idempotency-key': `race-${Date.now()}` };
  const answers = await Promise.all(
    Array.from({ length: 100 }, () =>
      sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers, payload: taoliLiftNoise() }),
    ),
  );
  const statuses = answers.map((r) => r.statusCode);
  expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
  const created = answers.filter((r) => r.statusCode === 201).map((r) => r.json().id);
  expect(created.length).toBeGreaterThanOrEqual(1);
  expect(new Set(created).size).toBe(1);
  for (const r of answers.filter((a) => a.statusCode === 409)) expect(r.json().code).toBe('request_in_flight');
  const id = created[0];
  expect(await sys.orm.em.fork().count(DisputeEvent, { disputeId: id })).toBe(1);
  const runs = [];
  for await (const wf of sys.client.workflow.list({ query: `WorkflowId = '${workflowIdFor(id)}'` })) runs.push(wf);
  expect(runs).toHaveLength(1);
  // Once the first has answered, a retry gets the same answer.
  const again = await sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers, payload: taoliLiftNoise() });
  expect(again.statusCode).toBe(201);
  expect(again.json().id).toBe(id);
});

it('applies an action once per key, replays its answer, and refuses the key for another request', async () => {
  const created = await api.create(taoliLiftNoise());
  const mediator = await api.as('mediator@yufuci-community');
  const headers = { ...mediator, 'idempotency-key': `note-${created.id}` };
  const note = { text: '电话联系申请人' };
  const results = await Promise.all(
    Array.from({ length: 10 }, () =>
      sys.app.inject({
        method: 'POST',
        url: `/api/v1/disputes/${created.id}/signals/add-note`,
        headers,
        payload: note,
      }),
    ),
  );
  expect(results.filter((r) => r.statusCode === 200).length).toBeGreaterThanOrEqual(1);
  const after = await api.get(created.id, mediator);
  expect(after.notes.filter((n: { text: string }) => n.text === note.text)).toHaveLength(1);
  const replay = await sys.app.inject({
    method: 'POST',
    url: `/api/v1/disputes/${created.id}/signals/add-note`,
    headers,
    payload: note,
  });
  expect(replay.statusCode).toBe(200);
  expect(replay.json().seq).toBe(2);
  const other = await sys.app.inject({
    method: 'POST',
    url: `/api/v1/disputes/${created.id}/signals/add-note`,
    headers,
    payload: { text: '另一条' },
  });
  expect(other.statusCode).toBe(422);
  const otherAction = await sys.app.inject({
    method: 'POST',
    url: `/api/v1/disputes/${created.id}/signals/accept`,
    headers,
    payload: note,
  });
  expect(otherAction.statusCode).toBe(400); // the body does not fit accept: validated before the key is looked at
});

it('replays a refusal for the same key, while a new key tries again', async () => {
  const created = await api.create(taoliLiftNoise());
  const mediator = await api.as('mediator@yufuci-community');
  const headers = { ...mediator, 'idempotency-key': `early-resolve-${created.id}` };
  const body = {
    facts: '事实',
    matters: '事项',
    responsibilities: '责任',
    terms: [{ text: '条款', method: '当面履行', immediate: true }],
  };
  const first = await api.tryAct(created.id, 'resolve', body, headers);
  expect(first.statusCode).toBe(409);
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator); // 人民调解法 Art. 17, 20, 23–24
  const again = await api.tryAct(created.id, 'resolve', body, headers);
  expect(again.statusCode).toBe(409);
  expect(again.json()).toMatchObject({ code: 'action_refused', stage: 'awaiting_acceptance' });
  const fresh = await api.tryAct(created.id, 'resolve', body, {
    ...mediator,
    'idempotency-key': `resolve-${created.id}`,
  });
  expect(fresh.statusCode).toBe(200);
});

it('reads the case with the key: a case the caller may not see is 404 and leaves the key free', async () => {
  const created = await api.create(taoliLiftNoise());
  const outsider = await api.as('mediator@wangjiaqiao-community');
  const key = `outside-${created.id}`;
  const hidden = await api.tryAct(
    created.id,
    'add-note',
    { text: '不该看到' },
    { ...outsider, 'idempotency-key': key },
  );
  expect(hidden.statusCode).toBe(404);
  expect(hidden.json().code).toBe('not_found');
  const keys = await sys.orm.em
    .fork()
    .getConnection()
    .execute('select count(*)::int as n from idempotency_keys where key = ?', [key]);
  expect(keys).toEqual([{ n: 0 }]);
  // The case's own mediator acts under a key: the answer carries the case read with the claim.
  const mediator = await api.as('mediator@yufuci-community');
  const noted = await api.tryAct(created.id, 'add-note', { text: '已联系' }, { ...mediator, 'idempotency-key': key });
  expect(noted.statusCode).toBe(200);
  expect(noted.json()).toMatchObject({ id: created.id, seq: 2 });
});

it('scopes keys to the caller', async () => {
  const key = `shared-${Date.now()}`;
  const mine = await api.create(taoliLiftNoise(), { ...api.integrator, 'idempotency-key': key });
  const grid = await api.as('grid@yufuci-taoli');
  const theirs = await api.create(taoliLiftNoise(), { ...grid, 'idempotency-key': key });
  expect(theirs.id).not.toBe(mine.id);
});

it('treats a key past its 24 hours as new: another request under it creates another case', async () => {
  const key = `expired-${Date.now()}`;
  const headers = { ...api.integrator, 'idempotency-key': key };
  const first = await api.create(taoliLiftNoise(), headers);
  // Still live: the same key with another body is refused.
  const other = { ...taoliLiftNoise(), title: '另一件事' };
  expect((await sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers, payload: other })).statusCode).toBe(
    422,
  );
  // A day and a minute later (not yet purged), the key is free again.
  await sys.orm.em
    .getConnection()
    .execute(`update idempotency_keys set created_at = now() - interval '24 hours 1 minute' where key = ?`, [key]);
  const later = await sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers, payload: other });
  expect(later.statusCode).toBe(201);
  expect(later.json().id).not.toBe(first.id);
  expect(later.json().title).toBe('另一件事');
  // And it now stands for the new request: a repeat gets the new case.
  const repeat = await sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers, payload: other });
  expect(repeat.json().id).toBe(later.json().id);
});

it('caps the actions on one case far below Temporal’s limits, but a case can always be closed', async () => {
  const created = await api.create(taoliLiftNoise());
  const mediator = await api.as('mediator@yufuci-community');
  let last = 0;
  for (let i = 0; i < 40; i++) {
    const res = await api.tryAct(created.id, 'add-note', { text: `第${i}次电话回访` }, mediator);
    if (res.statusCode !== 200) {
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toMatch(/limit/);
      break;
    }
    last = res.json().seq;
  }
  expect(last).toBe(30);
  const history = await sys.client.workflow.getHandle(workflowIdFor(created.id)).fetchHistory();
  expect(history.events!.length).toBeLessThan(1000);
  expect((await api.tryAct(created.id, 'withdraw', { reason: '申请人撤回' }, mediator)).statusCode).toBe(200);
});
