import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * The SDK's Runtime is per process, and jest reuses a process for several test files (each with a
 * fresh module registry): install it once, with errors only, and no signal handlers of its own.
 */
export function installQuietRuntime(): void {
  const key = Symbol.for('fengqiao.test.runtime');
  const holder = process as unknown as Record<symbol, boolean>;
  // A test file that installed a runtime of its own (the worker's pino log, test/security/worker-logs.test.ts) keeps it.
  if (holder[key] || Runtime._instance) return;
  // ERROR: the tests provoke activity failures on purpose (refused targets, endpoints down), which the SDK logs as warnings.
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  holder[key] = true;
}
