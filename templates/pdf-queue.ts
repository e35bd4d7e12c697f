/**
 * A counting semaphore with a bounded, timed queue: at most `limit` holders at once, at most
 * `queueMax` callers waiting, each for at most `timeoutMs`; a caller beyond that is refused at once
 * with a `BusyError` (the API answers 503 with Retry-After). Hand-written (about 80 lines): the
 * kept libraries that limit concurrency (p-limit, ESM-only since v4; fastq) have neither a queue
 * bound nor a wait timeout, and neither is a direct dependency.
 */

export type BusyReason = 'queue_full' | 'queue_timeout';

export class BusyError extends Error {
  constructor(
    public readonly reason: BusyReason,
    /** A fair guess of when to try again, in whole seconds (≥ 1): the Retry-After header. */
    public readonly retryAfterSeconds: number,
  ) {
    super(reason === 'queue_full' ? 'busy, and the queue is full' : 'waited too long in the queue');
    this.name = 'BusyError';
  }
}

export interface SemaphoreLimits {
  /** Holders at once (≥ 1). */
  limit: number;
  /** Callers waiting (≥ 0); one more is refused at once. */
  queueMax: number;
  /** How long a caller may wait, in ms; then it is refused. */
  timeoutMs: number;
}

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
}

export class BoundedSemaphore {
  private held = 0;
  private readonly waiters: Waiter[] = [];
  /** Refusals since start, by reason (counters for metrics). */
  readonly refused: Record<BusyReason, number> = { queue_full: 0, queue_timeout: 0 };
  /** Mean time a holder holds, in ms (exponential average), for Retry-After. */
  private meanHoldMs = 1000;

  constructor(private readonly limits: SemaphoreLimits) {
    if (!(limits.limit >= 1)) throw new Error('a semaphore needs a limit of at least 1');
  }

  get inFlight(): number {
    return this.held;
  }
  get waiting(): number {
    return this.waiters.length;
  }

  /** Runs `fn` once a place is free; the place is released however `fn` ends. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    const started = Date.now();
    try {
      return await fn();
    } finally {
      this.meanHoldMs = 0.8 * this.meanHoldMs + 0.2 * (Date.now() - started);
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.held < this.limits.limit && this.waiters.length === 0) {
      this.held += 1;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.limits.queueMax) return Promise.reject(this.busy('queue_full'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        // The place passes straight from the releasing holder: `held` does not change.
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          reject(this.busy('queue_timeout'));
        }, this.limits.timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.held -= 1;
  }

  private busy(reason: BusyReason): BusyError {
    this.refused[reason] += 1;
    // The queue ahead, served `limit` at a time at the mean hold time; within [1, 60] seconds.
    const ahead = (this.waiters.length + this.held) / this.limits.limit;
    const seconds = Math.ceil((ahead * this.meanHoldMs) / 1000);
    return new BusyError(reason, Math.min(60, Math.max(1, seconds)));
  }
}
