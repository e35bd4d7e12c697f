/**
 * The configuration schema (config/schema*.ts): each variable declared with what an operator needs,
 * validated by env-schema with one bilingual problem per bad variable, secrets never echoed.
 */
import { ConfigError, loadConfig } from '../../config/env';
import { GROUPS } from '../../config/schema';
import { CONFIG_JSON_SCHEMA, VARIABLES } from '../../config/schema-all';

const problemsOf = (env: NodeJS.ProcessEnv, opts = {}): string[] => {
  try {
    loadConfig(env, opts);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
};
const CJK = /[\u4e00-\u9fff]/;

it('declares each variable with a group, its readers and a description in Chinese, then English', () => {
  expect(Object.keys(VARIABLES).length).toBeGreaterThan(80);
  for (const [name, { schema, meta }] of Object.entries(VARIABLES)) {
    expect([name, name]).toEqual([name, name.match(/^[A-Z][A-Z0-9_]*$/)?.[0]]);
    expect([name, meta.group in GROUPS, meta.reads.length > 0]).toEqual([name, true, true]);
    expect([name, CJK.test(meta.zh), /[a-z]/.test(meta.en)]).toEqual([name, true, true]);
    // A pattern says in words what it asks for (its error message and the table).
    if ((schema as { pattern?: string }).pattern) expect([name, !!meta.expect]).toEqual([name, true]);
  }
  // The JSON Schema env-schema validates with: plain JSON, each property with its bilingual description.
  const port = (CONFIG_JSON_SCHEMA.properties as Record<string, Record<string, unknown>>).PORT;
  expect(port).toEqual({
    type: 'integer',
    minimum: 1,
    maximum: 65535,
    default: 3000,
    description: 'API 监听端口 / the API listener’s port',
  });
});

it('validates DATABASE_POOL_MAX and WORKER_LOG_LEVEL, which were read unchecked', () => {
  expect(problemsOf({ DATABASE_POOL_MAX: '20' })).toEqual([]);
  for (const bad of ['lots', '0', '201', '2.5'])
    expect(problemsOf({ DATABASE_POOL_MAX: bad })).toEqual([
      `DATABASE_POOL_MAX 须为 1 到 200 的整数 / DATABASE_POOL_MAX must be an integer from 1 to 200 (got "${bad}")`,
    ]);
  expect(loadConfig({ WORKER_LOG_LEVEL: 'WARN' }).workerLogLevel).toBe('warn');
  expect(loadConfig({ WORKER_LOG_LEVEL: 'debug' }).workerLogLevel).toBe('debug');
  expect(loadConfig({}).workerLogLevel).toBe('warn');
  expect(problemsOf({ WORKER_LOG_LEVEL: 'loud' })).toEqual([
    'WORKER_LOG_LEVEL 须为 trace、debug、info、warn、error 之一（大小写均可） / WORKER_LOG_LEVEL must be one of trace, debug, info, warn, error (upper case too) (got "loud")',
  ]);
});

it('reads the PDF queue limits, with their defaults and ranges', () => {
  expect(loadConfig({}).pdf).toEqual({ concurrency: 2, queueMax: 20, queueTimeoutMs: 30_000 });
  expect(loadConfig({ PDF_CONCURRENCY: '4', PDF_QUEUE_MAX: '0', PDF_QUEUE_TIMEOUT_MS: '5000' }).pdf).toEqual({
    concurrency: 4,
    queueMax: 0,
    queueTimeoutMs: 5000,
  });
  expect(problemsOf({ PDF_CONCURRENCY: '0', PDF_QUEUE_MAX: '-1', PDF_QUEUE_TIMEOUT_MS: 'soon' })).toHaveLength(3);
});

it('names every bad variable once, in Chinese then English, and never echoes a secret', () => {
  const problems = problemsOf({
    NODE_ENV: 'prod',
    DATABASE_URL: 'mysql://fengqiao:hunter2@db/fengqiao',
    METRICS_TOKEN: 'open sesame',
    SMS_PROVIDER: 'http',
    SMS_GATEWAY_URL: 'ftp://sms.example.org',
    SMS_GATEWAY_SECRET: 'sesame',
    ATTACHMENT_MAX_BYTES: '12',
    QUIET_HOURS: '22:00',
    TEMPORAL_TLS: 'yes',
  });
  expect(problems.map((p) => p.split(' ')[0])).toEqual([
    'NODE_ENV',
    'DATABASE_URL',
    'TEMPORAL_TLS',
    'METRICS_TOKEN',
    'SMS_GATEWAY_URL',
    'SMS_GATEWAY_SECRET',
    'QUIET_HOURS',
    'ATTACHMENT_MAX_BYTES',
  ]);
  for (const p of problems) {
    const [zh, en] = [p.slice(0, p.indexOf(' / ')), p.slice(p.indexOf(' / ') + 3)];
    expect([p, CJK.test(zh), en.startsWith(p.split(' ')[0]!), CJK.test(en)]).toEqual([p, true, true, false]);
  }
  const text = problems.join('\n');
  expect(text).not.toMatch(/hunter2|sesame/);
  expect(text).toContain('METRICS_TOKEN must be at least 16 characters, without spaces (got 11 characters, not shown)');
  expect(text).toContain('NODE_ENV must be one of production, development, test (got "prod")');
  expect(text).toContain('ATTACHMENT_MAX_BYTES must be an integer from 1024 to 1073741824 (got "12")');
});

it('takes an empty value as unset, and falls back to the default of a refused variable', () => {
  expect(loadConfig({ PORT: '', LOG_LEVEL: '', NOTICE_WEBHOOK_URL: '' })).toMatchObject({
    port: 3000,
    logLevel: 'info',
    noticeWebhook: undefined,
  });
  expect(problemsOf({ PORT: '0', OFFICE_HOURS: '9-5' })).toHaveLength(2);
});

it('keeps the rules between variables after the schema pass', () => {
  expect(problemsOf({ NOTICE_WEBHOOK_URL: 'https://example.org/hook' })).toEqual([
    'NOTICE_WEBHOOK_URL 需要 NOTICE_WEBHOOK_SECRET（至少 16 个字符）/ NOTICE_WEBHOOK_SECRET (at least 16 characters) is required with NOTICE_WEBHOOK_URL',
  ]);
  expect(problemsOf({ ATTACHMENT_STORE: 's3' }).join()).toMatch(/S3_BUCKET is required with ATTACHMENT_STORE=s3/);
  expect(problemsOf({ ATTACHMENT_STORE: 's3', S3_BUCKET: 'ev', S3_ACCESS_KEY_ID: 'AKIA' }).join()).toMatch(
    /S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together/,
  );
  expect(problemsOf({ DATABASE_URL: 'postgres://db/x' }, { requireDatabaseUrl: true })).toEqual([]);
  expect(problemsOf({}, { requireDatabaseUrl: true })).toEqual([
    'DATABASE_URL 未设置 / DATABASE_URL is required (e.g. postgres://user:pass@host:5432/fengqiao)',
  ]);
  // A malformed DATABASE_URL is named once, not also as missing.
  expect(problemsOf({ DATABASE_URL: 'mysql://x' }, { requireDatabaseUrl: true })).toHaveLength(1);
});

it('uses the defaults the schema declares', () => {
  const config = loadConfig({});
  const d = (name: keyof typeof VARIABLES) => VARIABLES[name].schema.default as unknown;
  expect(config.attachments.maxBytes).toBe(d('ATTACHMENT_MAX_BYTES'));
  expect(config.attachments.maxPerCase).toBe(d('ATTACHMENT_MAX_PER_CASE'));
  expect(config.attachments.s3).toBeUndefined();
  expect(config.port).toBe(d('PORT'));
  expect(config.tokenTtlSeconds).toBe(d('TOKEN_TTL_SECONDS'));
  expect(config.rateLimits.loginPerIp).toBe(d('RATE_LIMIT_LOGIN_PER_IP'));
  expect(config.notifications.quietHours).toEqual({ start: 21 * 60, end: 8 * 60 });
  expect(d('QUIET_HOURS')).toBe('21:00-08:00');
});

it('validates and reads the production settings of config/database.ts, telemetry.ts, health.ts and retention.ts', () => {
  const config = loadConfig({});
  expect(config.database).toMatchObject({ poolMax: 10, tls: { mode: 'disable' } });
  expect(config.telemetry).toMatchObject({ tracing: false, protocol: 'http/protobuf' });
  expect(config.health).toEqual({ workerAddress: undefined, readyzWorkerMaxAgeSeconds: 90 });
  expect(config.retention).toEqual({ noticeDays: 180, sessionDays: 30, webhookDays: 90, caseArchiveYears: 10 });
  expect(
    loadConfig({
      DATABASE_POOL_MAX: '25',
      WORKER_HEALTH_ADDRESS: '0.0.0.0:9464',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      CASE_ARCHIVE_YEARS: '0',
    }),
  ).toMatchObject({
    database: { poolMax: 25 },
    health: { workerAddress: { host: '0.0.0.0', port: 9464 } },
    telemetry: { tracing: true, tracesEndpoint: 'http://collector:4318/v1/traces' },
    retention: { caseArchiveYears: 0 },
  });
  // Each bad one named once, though the schema and the module's own parser both check it.
  const problems = problemsOf({
    DATABASE_LISTEN_URL: 'mysql://db/x',
    DATABASE_POOL_MAX: '500',
    FENGQIAO_TRACING: 'maybe',
    OTEL_TRACES_SAMPLER_ARG: '2',
    WORKER_HEALTH_ADDRESS: '9464',
    READYZ_WORKER_MAX_AGE_SECONDS: '0',
    RETENTION_NOTICE_DAYS: 'forever',
  });
  expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(
    [
      'DATABASE_LISTEN_URL',
      'DATABASE_POOL_MAX',
      'FENGQIAO_TRACING',
      'OTEL_TRACES_SAMPLER_ARG',
      'READYZ_WORKER_MAX_AGE_SECONDS',
      'RETENTION_NOTICE_DAYS',
      'WORKER_HEALTH_ADDRESS',
    ].sort(),
  );
});
