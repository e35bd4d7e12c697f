/**
 * A measurement only, never done in the product (BENCH_NO_VM_TIMEOUT=1 preloads it into the bench's
 * worker and API processes, and so into every thread they start; `bench/replay-cost.ts
 * --no-vm-timeout` loads it in its own process): calls into a `vm` context without
 * their `timeout`. The Temporal SDK runs every call into a workflow's context with a 5 s timeout,
 * which Node enforces by starting a watchdog thread for that call; this prices that. Without the
 * timeout a workflow stuck in a loop would hold its thread (and every workflow on it) for ever
 * instead of failing its task.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload (node -r)
const vm = require('node:vm');

const runInContext = vm.Script.prototype.runInContext;
vm.Script.prototype.runInContext = function runInContextWithoutTimeout(context, options) {
  if (options && options.timeout !== undefined) {
    const rest = { ...options };
    delete rest.timeout;
    return runInContext.call(this, context, rest);
  }
  return runInContext.call(this, context, options);
};
