import ipaddr from 'ipaddr.js';
import { DEFAULT_OFFICE_HOURS, parseOfficeHours, type OfficePeriod } from '../domain/calendar';
import { parseCodecOrigins, parsePayloadKeys, type PayloadKeys } from './payload-keys';
import { parseNotificationEnv, type NotificationConfig } from './notifications';
import { parseAttachmentConfig, type AttachmentConfig } from './attachments';
import { parseDatabaseConfig, type DatabaseConfig } from './database';
import { parseHealthConfig, type HealthConfig } from './health';
import { parseRetentionConfig, type RetentionConfig } from './retention';
import { parseTelemetryConfig, type TelemetryConfig } from './telemetry';
import { validateConfigEnv } from './schema-all';

/**
 * Configuration from the environment, validated once at boot. Every problem is reported at once,
 * naming the variable, so an operator fixes them in one go. Each variable is declared once, with its
 * type, default and range, in config/schema-vars*.ts (checked with env-schema: config/schema.ts);
 * what this module adds is the rules between variables and the parsing of structured values.
 */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  logLevel: string;
  tokenTtlSeconds: number;
  /** A staff session unused this long ends (besides its absolute expiry, tokenTtlSeconds). */
  sessionIdleSeconds: number;
  /** Per-account lockout: after `attempts` wrong passwords in a row, locked `seconds`, doubling up to `maxSeconds`. */
  loginLockout: { attempts: number; seconds: number; maxSeconds: number };
  /** Open alert streams one session may hold (per API process); one more is a 429. */
  streamsPerSession: number;
  demoPassword: string;
  demoApiKey?: string;
  /** Public base URL used in links (documents, verification); required with NODE_ENV=production. */
  publicUrl: string;
  /**
   * Which reverse proxies to believe about the client (X-Forwarded-For/-Proto/-Host), as Fastify's
   * trustProxy: false (none: the default), a hop count, or addresses/CIDRs/proxy-addr ranges.
   */
  trustProxy: false | number | string[];
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
  /** Keys of the Temporal payload codec (PAYLOAD_KEYS, PAYLOAD_KEY_ID); config/payload-keys.ts has the default. */
  payloadKeys?: PayloadKeys;
  /** Origins (the Temporal UI's) allowed to call the codec endpoint /codec from a browser (CODEC_CORS_ORIGINS). */
  codecCorsOrigins: string[];
  /** OPEN311_NEAREST_METRES: an Open311 report with only lat/long goes to the nearest grid (else community) within this radius (default 1500). */
  open311NearestMetres: number;
  /** The worker's log level (WORKER_LOG_LEVEL), pino's names. */
  workerLogLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Notices to people (notifications/config.ts): SMS_PROVIDER, ALIYUN_SMS_*, SMS_GATEWAY_*, SMTP_URL, SMTP_FROM, QUIET_HOURS. */
  notifications: NotificationConfig;
  /** Evidence files (issue 22): ATTACHMENT_STORE=pg|s3, S3_*, ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_PER_CASE (config/attachments.ts). */
  attachments: AttachmentConfig;
  /** PDF rendering (templates/pdf.ts): PDF_CONCURRENCY at once, PDF_QUEUE_MAX waiting, each at most PDF_QUEUE_TIMEOUT_MS. */
  pdf: { concurrency: number; queueMax: number; queueTimeoutMs: number };
  /** PostgreSQL (config/database.ts): DATABASE_URL's TLS (sslmode, DATABASE_SSL_*), DATABASE_LISTEN_URL, DATABASE_POOL_MAX. */
  database: DatabaseConfig;
  /** Tracing (config/telemetry.ts): FENGQIAO_TRACING, OTEL_*. */
  telemetry: TelemetryConfig;
  /** Health (config/health.ts): WORKER_HEALTH_ADDRESS, READYZ_WORKER_MAX_AGE_SECONDS. */
  health: HealthConfig;
  /** Retention (config/retention.ts): RETENTION_*, CASE_ARCHIVE_YEARS. */
  retention: RetentionConfig;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** proxy-addr's named ranges, accepted in TRUST_PROXY beside addresses and CIDRs. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** TRUST_PROXY: unset = trust nothing; a hop count; or a comma list of addresses, CIDRs or named ranges. */
function parseTrustProxy(raw: string | undefined, problems: string[]): AppConfig['trustProxy'] {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= 10) return hops || false;
    problems.push(`TRUST_PROXY 代理层数须为 0 到 10 / TRUST_PROXY as a hop count must be 0 to 10 (got "${raw}")`);
    return false;
  }
  if (value === 'true') {
    problems.push(
      "TRUST_PROXY=true 会让任何客户端伪造自己的地址：请写代理层数或代理地址 / TRUST_PROXY=true would let any client choose its own address: give a hop count or the proxies' addresses",
    );
    return false;
  }
  const items = value.split(',').map((item) => item.trim());
  const bad = items.filter((item) => !PROXY_RANGES.includes(item) && !isAddressOrCidr(item));
  if (bad.length === 0) return items;
  problems.push(
    `TRUST_PROXY 须为代理层数或以逗号分隔的地址/CIDR / TRUST_PROXY must be a hop count or a comma list of addresses or CIDRs (not ${bad.map((b) => `"${b}"`).join(', ')})`,
  );
  return false;
}

/** 192.0.2.1, 2001:db8::1, 10.0.0.0/8, fd00::/8 (IPv4 in dotted-quad only, not ipaddr.js's shorter forms). */
function isAddressOrCidr(item: string): boolean {
  const [address = '', bits, ...rest] = item.split('/');
  if (rest.length > 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return false;
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(address);
  if (!v4 && !(address.includes(':') && ipaddr.IPv6.isValid(address))) return false;
  return bits === undefined || Number(bits) <= (v4 ? 32 : 128);
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  /** servesApi: false for processes that print no links (the worker, migrations): PUBLIC_URL is then optional. */
  opts: { requireDatabaseUrl?: boolean; servesApi?: boolean } = {},
): AppConfig {
  // The schema pass: each declared variable's type, range and form (a refused one falls back to its default).
  const { values: v, problems, refused } = validateConfigEnv(env);
  // The rules between variables and the structured values, which see the environment as given; what
  // they say about a variable the schema already refused is left out (one problem per variable).
  const later: string[] = [];

  if (opts.requireDatabaseUrl && !v.DATABASE_URL && !refused.has('DATABASE_URL'))
    later.push('DATABASE_URL 未设置 / DATABASE_URL is required (e.g. postgres://user:pass@host:5432/fengqiao)');
  let officeHours: OfficePeriod[] = DEFAULT_OFFICE_HOURS;
  if (v.OFFICE_HOURS) {
    officeHours = v.OFFICE_HOURS.split(',').map((p) => {
      const [start = '', end = ''] = p.trim().split('-');
      return { start, end };
    });
    try {
      parseOfficeHours(officeHours);
    } catch (err) {
      later.push(
        `OFFICE_HOURS 须形如 08:30-12:00,14:30-17:30 / OFFICE_HOURS must look like 08:30-12:00,14:30-17:30 (${(err as Error).message})`,
      );
      officeHours = DEFAULT_OFFICE_HOURS;
    }
  }
  const publicUrl = publicUrlOf(env.PUBLIC_URL, v.NODE_ENV, opts.servesApi ?? true, later);
  if (v.NOTICE_WEBHOOK_URL && !v.NOTICE_WEBHOOK_SECRET)
    later.push(
      'NOTICE_WEBHOOK_URL 需要 NOTICE_WEBHOOK_SECRET（至少 16 个字符）/ NOTICE_WEBHOOK_SECRET (at least 16 characters) is required with NOTICE_WEBHOOK_URL',
    );
  const config: AppConfig = {
    port: v.PORT,
    host: v.HOST,
    databaseUrl: v.DATABASE_URL,
    logLevel: v.LOG_LEVEL,
    tokenTtlSeconds: v.TOKEN_TTL_SECONDS,
    sessionIdleSeconds: v.SESSION_IDLE_SECONDS,
    loginLockout: {
      attempts: v.LOGIN_LOCKOUT_ATTEMPTS,
      seconds: v.LOGIN_LOCKOUT_SECONDS,
      maxSeconds: v.LOGIN_LOCKOUT_MAX_SECONDS,
    },
    streamsPerSession: v.ALERT_STREAMS_PER_SESSION,
    demoPassword: v.DEMO_PASSWORD,
    demoApiKey: v.DEMO_API_KEY,
    publicUrl: publicUrl ?? `http://127.0.0.1:${v.PORT}`,
    trustProxy: parseTrustProxy(v.TRUST_PROXY, later),
    officeHours,
    rateLimits: {
      perKey: v.RATE_LIMIT_PER_KEY,
      perIp: v.RATE_LIMIT_PER_IP,
      loginPerIp: v.RATE_LIMIT_LOGIN_PER_IP,
    },
    webhooks: {
      allowPrivate: v.WEBHOOK_ALLOW_PRIVATE,
      initialRetryMs: v.WEBHOOK_RETRY_INITIAL_MS,
      maxAttempts: v.WEBHOOK_MAX_ATTEMPTS,
    },
    metricsToken: v.METRICS_TOKEN,
    chromiumPath: v.CHROMIUM_PATH,
    workerMetricsAddress: v.WORKER_METRICS_ADDRESS,
    stageSearchAttributes: v.STAGE_SEARCH_ATTRIBUTES,
    workerMaxCachedWorkflows: v.WORKER_MAX_CACHED_WORKFLOWS,
    noticeWebhook:
      v.NOTICE_WEBHOOK_URL && v.NOTICE_WEBHOOK_SECRET
        ? { url: v.NOTICE_WEBHOOK_URL, secret: v.NOTICE_WEBHOOK_SECRET }
        : undefined,
    payloadKeys: parsePayloadKeys(env.PAYLOAD_KEYS, env.PAYLOAD_KEY_ID, later),
    codecCorsOrigins: parseCodecOrigins(env.CODEC_CORS_ORIGINS, later),
    workerLogLevel: v.WORKER_LOG_LEVEL.toLowerCase() as AppConfig['workerLogLevel'],
    notifications: parseNotificationEnv(env, later),
    open311NearestMetres: v.OPEN311_NEAREST_METRES,
    attachments: parseAttachmentConfig(env, later),
    pdf: {
      concurrency: v.PDF_CONCURRENCY,
      queueMax: v.PDF_QUEUE_MAX,
      queueTimeoutMs: v.PDF_QUEUE_TIMEOUT_MS,
    },
    database: parseDatabaseConfig(env, later),
    telemetry: parseTelemetryConfig(env, later),
    health: parseHealthConfig(env, later),
    retention: parseRetentionConfig(env, later),
  };
  if (config.loginLockout.maxSeconds < config.loginLockout.seconds)
    later.push(
      'LOGIN_LOCKOUT_MAX_SECONDS 不得小于 LOGIN_LOCKOUT_SECONDS / LOGIN_LOCKOUT_MAX_SECONDS must be at least LOGIN_LOCKOUT_SECONDS',
    );
  problems.push(...later.filter((problem) => !namesAny(problem, refused)));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Whether `problem` names one of `names` (as a whole word: S3_REGION is not S3_REGION_X). */
function namesAny(problem: string, names: Set<string>): boolean {
  return (problem.match(/[A-Z][A-Z0-9_]*[A-Z0-9]/g) ?? []).some((word) => names.has(word));
}

/**
 * PUBLIC_URL, the address people reach the API at (printed in documents' verification links and QR
 * codes), without a trailing slash. Required with NODE_ENV=production: the default would print
 * 127.0.0.1 on every certificate.
 */
function publicUrlOf(
  given: string | undefined,
  nodeEnv: string | undefined,
  servesApi: boolean,
  problems: string[],
): string | undefined {
  const raw = given?.trim();
  if (!raw) {
    if (servesApi && nodeEnv === 'production')
      problems.push(
        'PUBLIC_URL 未设置：生产环境（NODE_ENV=production）须设置对外访问地址，如 https://tiaojie.example.gov.cn（打印在文书的核验链接和二维码中）/ PUBLIC_URL is required with NODE_ENV=production: the address people reach the API at, e.g. https://mediation.example.org (printed in the verification link and QR code of documents)',
      );
    return undefined;
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    problems.push(`PUBLIC_URL 不是有效的网址 / PUBLIC_URL is not a valid URL (got "${raw}")`);
    return undefined;
  }
  if (!['http:', 'https:'].includes(u.protocol) || u.username || u.password || u.search || u.hash) {
    problems.push(
      `PUBLIC_URL 须为不带账号、查询和片段的 http(s) 地址 / PUBLIC_URL must be an http(s) address without credentials, query or fragment (got "${raw}")`,
    );
    return undefined;
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}
