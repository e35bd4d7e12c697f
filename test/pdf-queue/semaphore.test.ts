/** The PDF queue's semaphore alone (templates/pdf-queue.ts): the cap, the queue bound, the wait timeout, release on error. */
import { BoundedSemaphore, BusyError } from '../../templates/pdf-queue';

/** A task the test finishes by hand. */
function gate<T = string>() {
  let open!: (value: T) => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}
const tick = () => new Promise((r) => setImmediate(r));

it('runs at most `limit` at once and the waiting ones in order, as places free', async () => {
  const sem = new BoundedSemaphore({ limit: 2, queueMax: 10, timeoutMs: 10_000 });
  const gates = Array.from({ length: 5 }, () => gate());
  const started: number[] = [];
  let running = 0;
  let most = 0;
  const results = gates.map((g, i) =>
    sem.run(async () => {
      started.push(i);
      running += 1;
      most = Math.max(most, running);
      try {
        return await g.promise;
      } finally {
        running -= 1;
      }
    }),
  );
  await tick();
  expect([started, sem.inFlight, sem.waiting]).toEqual([[0, 1], 2, 3]);
  gates[1]!.open('b');
  await tick();
  expect(started).toEqual([0, 1, 2]);
  for (const [i, g] of gates.entries()) g.open(String.fromCharCode(97 + i));
  expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e']);
  expect(most).toBe(2);
  expect([sem.inFlight, sem.waiting]).toEqual([0, 0]);
});

it('refuses at once beyond the queue, with a Retry-After of at least a second', async () => {
  const sem = new BoundedSemaphore({ limit: 1, queueMax: 1, timeoutMs: 10_000 });
  const g = gate();
  const first = sem.run(() => g.promise);
  const second = sem.run(async () => 'second');
  const third = sem.run(async () => 'third');
  const refusal = await third.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(refusal).toBeInstanceOf(BusyError);
  expect((refusal as BusyError).reason).toBe('queue_full');
  expect((refusal as BusyError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
  expect(sem.refused).toEqual({ queue_full: 1, queue_timeout: 0 });
  g.open('first');
  expect([await first, await second]).toEqual(['first', 'second']);
});

it('refuses a caller that waited longer than the timeout, and forgets it', async () => {
  const sem = new BoundedSemaphore({ limit: 1, queueMax: 5, timeoutMs: 50 });
  const g = gate();
  const first = sem.run(() => g.promise);
  const t0 = Date.now();
  const waited = sem.run(async () => 'never');
  await expect(waited).rejects.toMatchObject({ name: 'BusyError', reason: 'queue_timeout' });
  expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
  expect(sem.waiting).toBe(0);
  g.open('first');
  await first;
  // The timed-out caller did not take the place: the next one runs at once.
  expect(await sem.run(async () => 'next')).toBe('next');
  expect(sem.inFlight).toBe(0);
});

it('releases the place when the task fails, so a failing render never wedges the queue', async () => {
  const sem = new BoundedSemaphore({ limit: 1, queueMax: 1, timeoutMs: 1000 });
  await expect(sem.run(async () => Promise.reject(new Error('chromium crashed')))).rejects.toThrow('chromium crashed');
  await expect(
    sem.run(() => {
      throw new Error('sync throw');
    }),
  ).rejects.toThrow('sync throw');
  expect(sem.inFlight).toBe(0);
  expect(await sem.run(async () => 'ok')).toBe('ok');
});
