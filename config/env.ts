import { DEFAULT_OFFICE_HOURS, parseOfficeHours, type OfficePeriod } from '../domain/calendar';

/**
 * Configuration from the environment, validated once at boot. Every problem is reported at once,
 * naming the variable, so an operator fixes them in one go.
 */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  logLevel: string;
  tokenTtlSeconds: number;
  demoPassword: string;
  demoApiKey?: string;
  /** Public base URL used in links (documents, verification). */
  publicUrl: string;
  /** Office hours of the cn-workdays calendar (Asia/Shanghai). */
  officeHours: OfficePeriod[];
  rateLimits: { perKey: number; perIp: number; loginPerIp: number };
  webhooks: { allowPrivate: boolean; initialRetryMs: number; maxAttempts: number };
  /** Chromium for PDFs; default: Debian's /usr/bin/chromium when installed. */
  chromiumPath?: string;
  /** Bearer token for /metrics; without it only loopback clients are answered. */
  metricsToken?: string;
  /** host:port where the worker serves its Temporal runtime metrics (Prometheus). */
  workerMetricsAddress?: string;
  /**
   * Cases a worker keeps in its sticky cache (the SDK sizes it from the heap by default). About
   * 0.37 GB RSS per 1,000 cached cases (npm run bench); evicted cases replay when they next wake.
   */
  workerMaxCachedWorkflows?: number;
  /** New cases mirror their stage and deadlines into Temporal's search attributes (StartDisputeInput). */
  stageSearchAttributes: boolean;
  /** Where the notifier POSTs summonses and reminders; without it they go to the log. */
  noticeWebhook?: { url: string; secret: string };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  opts: { requireDatabaseUrl?: boolean } = {},
): AppConfig {
  const problems: string[] = [];

  /** `true` or `false` (unset: false); anything else is refused, not read as false. */
  const flag = (name: string): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '' || raw === 'false') return false;
    if (raw === 'true') return true;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return false;
  };

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const url = (name: string, protocols: string[], required: boolean): string | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (required) problems.push(`${name} is required (e.g. postgres://user:pass@host:5432/fengqiao)`);
      return undefined;
    }
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol))
        problems.push(`${name} must use ${protocols.join(' or ')} (got ${u.protocol})`);
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const port = int('PORT', 3000, 1, 65535);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const demoApiKey = env.DEMO_API_KEY || undefined;
  if (demoApiKey !== undefined && demoApiKey.length < 32) problems.push('DEMO_API_KEY must be at least 32 characters');
  let officeHours: OfficePeriod[] = DEFAULT_OFFICE_HOURS;
  if (env.OFFICE_HOURS) {
    officeHours = env.OFFICE_HOURS.split(',').map((p) => {
      const [start = '', end = ''] = p.trim().split('-');
      return { start, end };
    });
    try {
      parseOfficeHours(officeHours);
    } catch (err) {
      problems.push(`OFFICE_HOURS must look like 08:30-12:00,14:30-17:30 (${(err as Error).message})`);
    }
  }
  const webhookUrl = url('NOTICE_WEBHOOK_URL', ['http:', 'https:'], false);
  const webhookSecret = env.NOTICE_WEBHOOK_SECRET;
  if (webhookUrl && (!webhookSecret || webhookSecret.length < 16)) {
    problems.push('NOTICE_WEBHOOK_SECRET (at least 16 characters) is required with NOTICE_WEBHOOK_URL');
  }
  const config: AppConfig = {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:'], opts.requireDatabaseUrl ?? false),
    logLevel,
    tokenTtlSeconds: int('TOKEN_TTL_SECONDS', 8 * 3600, 60, 30 * 24 * 3600),
    demoPassword: env.DEMO_PASSWORD || 'fengqiao-demo',
    demoApiKey,
    publicUrl: url('PUBLIC_URL', ['http:', 'https:'], false) ?? `http://127.0.0.1:${port}`,
    officeHours,
    rateLimits: {
      perKey: int('RATE_LIMIT_PER_KEY', 600, 1, 1_000_000),
      perIp: int('RATE_LIMIT_PER_IP', 1200, 1, 1_000_000),
      loginPerIp: int('RATE_LIMIT_LOGIN_PER_IP', 20, 1, 10_000),
    },
    webhooks: {
      allowPrivate: flag('WEBHOOK_ALLOW_PRIVATE'),
      initialRetryMs: int('WEBHOOK_RETRY_INITIAL_MS', 5000, 10, 3_600_000),
      maxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 10, 1, 100),
    },
    metricsToken: env.METRICS_TOKEN || undefined,
    chromiumPath: env.CHROMIUM_PATH || undefined,
    workerMetricsAddress: env.WORKER_METRICS_ADDRESS || undefined,
    stageSearchAttributes: flag('STAGE_SEARCH_ATTRIBUTES'),
    workerMaxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS
      ? int('WORKER_MAX_CACHED_WORKFLOWS', 0, 0, 1_000_000)
      : undefined,
    noticeWebhook: webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret } : undefined,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
