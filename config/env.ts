import ipaddr from 'ipaddr.js';
import { DEFAULT_OFFICE_HOURS, parseOfficeHours, type OfficePeriod } from '../domain/calendar';
import { parseCodecOrigins, parsePayloadKeys, type PayloadKeys } from './payload-keys';
import { parseNotificationEnv, type NotificationConfig } from './notifications';
import { parseAttachmentConfig, type AttachmentConfig } from './attachments';

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
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const WORKER_LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

/** WORKER_LOG_LEVEL: pino's names, or the SDK's upper-case ones (WARN) it took before; default warn. */
function workerLogLevel(raw: string | undefined, problems: string[]): AppConfig['workerLogLevel'] {
  const level = (raw || 'warn').toLowerCase() as AppConfig['workerLogLevel'];
  if (WORKER_LOG_LEVELS.includes(level)) return level;
  problems.push(`WORKER_LOG_LEVEL must be one of ${WORKER_LOG_LEVELS.join(', ')}`);
  return 'warn';
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
  const publicUrl = publicUrlOf(env, opts.servesApi ?? true, problems);
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && (metricsToken.length < 16 || /\s/.test(metricsToken)))
    problems.push(
      'METRICS_TOKEN 至少 16 个字符且不含空白 / METRICS_TOKEN must be at least 16 characters, without spaces',
    );
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
    sessionIdleSeconds: int('SESSION_IDLE_SECONDS', 1800, 60, 30 * 24 * 3600),
    loginLockout: {
      attempts: int('LOGIN_LOCKOUT_ATTEMPTS', 5, 1, 100),
      seconds: int('LOGIN_LOCKOUT_SECONDS', 60, 1, 24 * 3600),
      maxSeconds: int('LOGIN_LOCKOUT_MAX_SECONDS', 3600, 1, 7 * 24 * 3600),
    },
    streamsPerSession: int('ALERT_STREAMS_PER_SESSION', 3, 1, 100),
    demoPassword: env.DEMO_PASSWORD || 'fengqiao-demo',
    demoApiKey,
    publicUrl: publicUrl ?? `http://127.0.0.1:${port}`,
    trustProxy: parseTrustProxy(env.TRUST_PROXY, problems),
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
    metricsToken,
    chromiumPath: env.CHROMIUM_PATH || undefined,
    workerMetricsAddress: env.WORKER_METRICS_ADDRESS || undefined,
    stageSearchAttributes: flag('STAGE_SEARCH_ATTRIBUTES'),
    workerMaxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS
      ? int('WORKER_MAX_CACHED_WORKFLOWS', 0, 0, 1_000_000)
      : undefined,
    noticeWebhook: webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret } : undefined,
    payloadKeys: parsePayloadKeys(env.PAYLOAD_KEYS, env.PAYLOAD_KEY_ID, problems),
    codecCorsOrigins: parseCodecOrigins(env.CODEC_CORS_ORIGINS, problems),
    workerLogLevel: workerLogLevel(env.WORKER_LOG_LEVEL, problems),
    notifications: parseNotificationEnv(env, problems),
    open311NearestMetres: int('OPEN311_NEAREST_METRES', 1500, 10, 100_000),
    attachments: parseAttachmentConfig(env, problems),
  };
  if (config.loginLockout.maxSeconds < config.loginLockout.seconds)
    problems.push(
      'LOGIN_LOCKOUT_MAX_SECONDS 不得小于 LOGIN_LOCKOUT_SECONDS / LOGIN_LOCKOUT_MAX_SECONDS must be at least LOGIN_LOCKOUT_SECONDS',
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * PUBLIC_URL, the address people reach the API at (printed in documents' verification links and QR
 * codes), without a trailing slash. Required with NODE_ENV=production: the default would print
 * 127.0.0.1 on every certificate.
 */
function publicUrlOf(env: NodeJS.ProcessEnv, servesApi: boolean, problems: string[]): string | undefined {
  const raw = env.PUBLIC_URL?.trim();
  if (!raw) {
    if (servesApi && env.NODE_ENV === 'production')
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
