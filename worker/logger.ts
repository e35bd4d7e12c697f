/**
 * The worker's log: pino JSON lines, masked as the API's are (security/log-masking.ts), carrying
 * everything the Temporal SDK logs: the worker's own lines (an activity failed, a workflow task
 * failed), activities' and workflows' `log` calls, and the native core's lines, forwarded.
 */
import pino, { type DestinationStream, type Level, type Logger as Pino } from 'pino';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { databaseErrorForLog } from '../db/errors';
import { maskingLogOptions } from '../security/log-masking';
import { logCorrelation } from '../telemetry/correlation';

export type WorkerLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * A pino logger for the worker, on stdout unless `destination` says otherwise (tests capture it). Lines
 * written while an activity runs carry its request id, workflow, activity type and trace ids
 * (telemetry/correlation.ts); the SDK's own lines about an activity get them from its interceptors.
 */
export function workerPino(level: WorkerLogLevel, destination?: DestinationStream): Pino {
  return pino(
    { level, base: { component: 'worker' }, mixin: logCorrelation, ...maskingLogOptions(databaseErrorForLog) },
    destination,
  );
}

const LEVELS: Record<LogLevel, Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The SDK's Logger interface over pino (Runtime.install's `logger`). */
export class PinoTemporalLogger implements Logger {
  constructor(readonly pino: Pino) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    // Symbol keys (the SDK's LogTimestamp) are left out: pino stamps its own time.
    const fields = meta ? Object.fromEntries(Object.entries(meta)) : {};
    this.pino[LEVELS[level] ?? 'info'](fields, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
