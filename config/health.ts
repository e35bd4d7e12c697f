/**
 * Health and readiness settings from the environment (config/env.ts calls it):
 * - WORKER_HEALTH_ADDRESS: `host:port` where a worker process serves `/healthz` and `/readyz`
 *   (worker/health.ts); unset (the default): no such listener. E.g. `0.0.0.0:9464`, `[::]:9464`.
 * - READYZ_WORKER_MAX_AGE_SECONDS: the API's `/readyz` counts a worker as present when one of its
 *   pollers on the dispute task queue was seen by Temporal within this many seconds (default 90).
 *   A worker's poll is a long poll of up to a minute, its time recorded when it starts and when it
 *   ends, so an idle healthy worker's last poll can be ~60 s old: keep this above the server's
 *   `matching.longPollExpirationInterval` (60 s by default).
 */
export interface HostPort {
  host: string;
  port: number;
}

export interface HealthConfig {
  /** WORKER_HEALTH_ADDRESS; undefined: off. */
  workerAddress?: HostPort;
  /** READYZ_WORKER_MAX_AGE_SECONDS. */
  readyzWorkerMaxAgeSeconds: number;
}

export const DEFAULT_READYZ_WORKER_MAX_AGE_SECONDS = 90;

/** `host:port` or `[v6]:port`, port 0 to 65535 (0: any free port, for tests). */
export function parseHostPort(raw: string): HostPort | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(raw.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? m[2]!, port };
}

export function parseHealthConfig(env: NodeJS.ProcessEnv, problems: string[]): HealthConfig {
  let workerAddress: HostPort | undefined;
  const rawAddress = env.WORKER_HEALTH_ADDRESS?.trim();
  if (rawAddress) {
    workerAddress = parseHostPort(rawAddress);
    if (!workerAddress)
      problems.push(
        `WORKER_HEALTH_ADDRESS 须为 主机:端口 / WORKER_HEALTH_ADDRESS must be host:port, e.g. 0.0.0.0:9464 (got "${rawAddress}")`,
      );
  }
  let readyzWorkerMaxAgeSeconds = DEFAULT_READYZ_WORKER_MAX_AGE_SECONDS;
  const rawAge = env.READYZ_WORKER_MAX_AGE_SECONDS;
  if (rawAge !== undefined && rawAge !== '') {
    const n = Number(rawAge);
    if (Number.isInteger(n) && n >= 1 && n <= 3600) readyzWorkerMaxAgeSeconds = n;
    else
      problems.push(
        `READYZ_WORKER_MAX_AGE_SECONDS 须为 1 到 3600 的整数 / READYZ_WORKER_MAX_AGE_SECONDS must be an integer from 1 to 3600 (got "${rawAge}")`,
      );
  }
  return { workerAddress, readyzWorkerMaxAgeSeconds };
}
