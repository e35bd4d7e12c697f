import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * The SDK's Runtime is per process, and jest reuses a process for several test files (each with a
 * fresh module registry): install it once, with warnings only, and no signal handlers of its own.
 */
export function installQuietRuntime(): void {
  const key = Symbol.for('fengqiao.test.runtime');
  const holder = process as unknown as Record<symbol, boolean>;
  if (holder[key]) return;
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  holder[key] = true;
}
