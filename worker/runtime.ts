import { Runtime } from '@temporalio/worker';
import type { DestinationStream, Logger as Pino } from 'pino';
import type { AppConfig } from '../config/env';
import { PinoTemporalLogger, workerPino } from './logger';

const CORE_LEVEL = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

/**
 * The SDK runtime of a worker process: its log through pino, masked as the API's (worker/logger.ts),
 * the native core's lines forwarded into it at the same level; and its Temporal metrics (task
 * latencies, slots, sticky cache, …) on a Prometheus endpoint when WORKER_METRICS_ADDRESS is set.
 * Returns the logger, for what else the worker logs (notices).
 */
export function installWorkerRuntime(
  config: Pick<AppConfig, 'workerMetricsAddress' | 'workerLogLevel'>,
  opts: { sdkHandlesSignals: boolean; destination?: DestinationStream },
): Pino {
  const log = workerPino(config.workerLogLevel, opts.destination);
  Runtime.install({
    logger: new PinoTemporalLogger(log),
    // `npm start` stops the worker itself, in order; `npm run worker` lets the SDK handle signals.
    ...(opts.sdkHandlesSignals ? {} : { shutdownSignals: [] }),
    telemetryOptions: {
      logging: { filter: { core: CORE_LEVEL[config.workerLogLevel], other: 'ERROR' }, forward: {} },
      ...(config.workerMetricsAddress ? { metrics: { prometheus: { bindAddress: config.workerMetricsAddress } } } : {}),
    },
  });
  return log;
}
