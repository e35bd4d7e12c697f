import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { AppConfig } from '../config/env';

/**
 * The SDK runtime of a worker process: its log level, and its Temporal metrics (task latencies,
 * slots, sticky cache, …) on a Prometheus endpoint when WORKER_METRICS_ADDRESS is set.
 */
export function installWorkerRuntime(
  config: Pick<AppConfig, 'workerMetricsAddress'>,
  opts: { sdkHandlesSignals: boolean },
): void {
  Runtime.install({
    logger: new DefaultLogger((process.env.WORKER_LOG_LEVEL as LogLevel | undefined) ?? 'WARN'),
    // `npm start` stops the worker itself, in order; `npm run worker` lets the SDK handle signals.
    ...(opts.sdkHandlesSignals ? {} : { shutdownSignals: [] }),
    ...(config.workerMetricsAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.workerMetricsAddress } } } }
      : {}),
  });
}
