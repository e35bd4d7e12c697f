/**
 * The production variables other modules parse themselves, declared as in config/schema-vars.ts so
 * that they are validated at boot and listed in the tables: PostgreSQL's TLS and LISTEN connection
 * (config/database.ts), tracing (config/telemetry.ts), health (config/health.ts), retention
 * (config/retention.ts), the prebuilt workflow bundle (worker/bundle.ts). Their rules between
 * variables (sslmode and the CA, the sampler and its argument, …) stay in those modules.
 */
import { Type } from '@sinclair/typebox';
import { DEFAULT_READYZ_WORKER_MAX_AGE_SECONDS } from './health';
import { DEFAULT_RETENTION } from './retention';
import { optional, oneOf, withDefault } from './schema';

const TRACED = ['api', 'worker', 'start'] as const;
const httpUrl = { zh: '须为 http(s) 地址', en: 'must be an http(s) URL' };
const days = (value: number) => Type.Integer({ minimum: 1, maximum: 36_500, default: value });
const pemFile = (zh: string, en: string) =>
  optional(Type.String(), {
    group: 'database',
    reads: ['api', 'worker', 'start', 'migrate'],
    defaultText: 'none',
    see: 'postgresql.md',
    zh,
    en,
  });

export const OPS_VARS = {
  // --- database -----------------------------------------------------------------------------
  DATABASE_LISTEN_URL: optional(Type.String({ pattern: '^postgres(ql)?://' }), {
    group: 'database',
    reads: ['api', 'start', 'migrate'],
    secret: true,
    url: ['postgres:', 'postgresql:'],
    expect: { zh: '须以 postgres:// 或 postgresql:// 开头', en: 'must use postgres: or postgresql:' },
    defaultText: '`DATABASE_URL`',
    see: 'postgresql.md',
    zh: '会话模式的连接（不经 PgBouncer 事务池），用于告警的 LISTEN 和迁移锁',
    en: 'a session-mode connection (not through PgBouncer’s transaction pooling) for the alerts’ LISTEN and the migration lock',
  }),
  DATABASE_SSL_CA: pemFile(
    '信任的 CA 证书（PEM 文件），用于未自带 sslrootcert 的连接串；有 CA 而无 sslmode 时为 verify-full',
    'the CA certificate(s) to trust (a PEM file) for every URL without its own `sslrootcert`; with a CA and no `sslmode`, `verify-full`',
  ),
  DATABASE_SSL_CERT: pemFile(
    '客户端证书（PEM 文件），与 DATABASE_SSL_KEY 同设',
    'the client certificate (a PEM file), with `DATABASE_SSL_KEY`',
  ),
  DATABASE_SSL_KEY: pemFile('客户端私钥（PEM 文件）', 'the client key (a PEM file)'),
  // libpq's own variables, honoured as libpq does when the URL and DATABASE_SSL_* say nothing.
  PGSSLMODE: optional(oneOf(['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const), {
    group: 'database',
    reads: ['api', 'worker', 'start', 'migrate'],
    defaultText: 'none',
    see: 'postgresql.md',
    zh: 'libpq 的 TLS 模式变量：连接串未写 sslmode 时采用',
    en: "libpq's TLS mode variable: used when the URL has no `sslmode`",
  }),
  PGSSLROOTCERT: pemFile(
    'libpq 的 CA 变量：无 sslrootcert 和 DATABASE_SSL_CA 时采用',
    "libpq's CA variable: used without `sslrootcert` and `DATABASE_SSL_CA`",
  ),
  PGSSLCERT: pemFile(
    'libpq 的客户端证书变量',
    "libpq's client certificate variable (after `sslcert` and `DATABASE_SSL_CERT`)",
  ),
  PGSSLKEY: pemFile('libpq 的客户端私钥变量', "libpq's client key variable (after `sslkey` and `DATABASE_SSL_KEY`)"),

  // --- worker and health --------------------------------------------------------------------
  WORKER_HEALTH_ADDRESS: optional(Type.String({ pattern: '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):\\d{1,5}$' }), {
    group: 'worker',
    reads: ['worker'],
    operator: 'usual',
    expect: {
      zh: '须为 主机:端口，如 0.0.0.0:9464 或 [::]:9464',
      en: 'must be host:port, e.g. 0.0.0.0:9464 or [::]:9464',
    },
    defaultText: 'none (no listener)',
    see: 'temporal-cluster.md',
    zh: 'worker 提供 /healthz（存活）和 /readyz（就绪）的地址',
    en: '`host:port` where a worker serves `/healthz` (liveness) and `/readyz` (readiness)',
  }),
  READYZ_WORKER_MAX_AGE_SECONDS: withDefault(
    Type.Integer({ minimum: 1, maximum: 3600, default: DEFAULT_READYZ_WORKER_MAX_AGE_SECONDS }),
    {
      group: 'worker',
      reads: ['api', 'start'],
      zh: 'API 的 /readyz 认为有 worker 在线的最长轮询间隔（秒）；须大于服务器的长轮询时限（60 秒）',
      en: 'the API’s `/readyz` counts a worker as present when one of its pollers was seen within this many seconds; keep it above the server’s long-poll expiry (60 s)',
    },
  ),
  WORKFLOW_BUNDLE_PATH: optional(Type.String(), {
    group: 'worker',
    reads: ['worker', 'start'],
    defaultText: '`dist/workflow-bundle.js` when present and current',
    zh: '预先构建的工作流包；与代码不符时 worker 拒绝启动；空值或 none 为启动时打包',
    en: 'the prebuilt workflow bundle; a bundle that no longer matches the code makes the worker refuse to start; empty or `none`: bundled at start',
  }),

  // --- tracing ------------------------------------------------------------------------------
  FENGQIAO_TRACING: optional(Type.String({ pattern: '^\\s*([oO][nN]|[oO][fF][fF])\\s*$' }), {
    group: 'telemetry',
    reads: TRACED.slice(),
    operator: 'usual',
    expect: { zh: '须为 on 或 off', en: 'must be on or off' },
    defaultText: 'on when an OTLP endpoint is set, else off',
    see: 'tracing.md',
    zh: 'OpenTelemetry 追踪开关（API → Temporal → 活动 → PostgreSQL）',
    en: 'OpenTelemetry tracing (API → Temporal → activities → PostgreSQL): `on` or `off`',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(Type.String({ pattern: '^https?://' }), {
    group: 'telemetry',
    reads: TRACED.slice(),
    url: ['http:', 'https:'],
    expect: httpUrl,
    defaultText: 'none',
    zh: 'OTLP 收集器的基地址（追加 /v1/traces），如 http://collector:4318',
    en: 'the OTLP collector’s base URL (`/v1/traces` appended), e.g. `http://collector:4318`',
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(Type.String({ pattern: '^https?://' }), {
    group: 'telemetry',
    reads: TRACED.slice(),
    url: ['http:', 'https:'],
    expect: httpUrl,
    defaultText: 'from `OTEL_EXPORTER_OTLP_ENDPOINT`, else `http://localhost:4318/v1/traces`',
    zh: '追踪的完整 OTLP 地址（优先于上一项）',
    en: 'the whole OTLP URL for traces (before the previous one)',
  }),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol(
    'OTLP 协议（不支持 grpc：请用收集器的 HTTP 端口 4318）',
    'the OTLP protocol (grpc is not shipped: use the collector’s HTTP port, 4318)',
  ),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol(
    '追踪的 OTLP 协议（优先于上一项）',
    'the OTLP protocol of traces (before the previous one)',
  ),
  OTEL_EXPORTER_OTLP_HEADERS: optional(Type.String(), {
    group: 'telemetry',
    reads: TRACED.slice(),
    secret: true,
    readBy: 'the OpenTelemetry SDK',
    defaultText: 'none',
    zh: '发往收集器的请求头，如 authorization=Bearer …',
    en: 'headers sent to the collector, e.g. `authorization=Bearer …`',
  }),
  OTEL_SERVICE_NAME: optional(Type.String({ minLength: 1 }), {
    group: 'telemetry',
    reads: TRACED.slice(),
    defaultText: '`fengqiao-api`, `fengqiao-worker`, `fengqiao` (`npm start`)',
    zh: '追踪中的服务名',
    en: 'the service name in traces',
  }),
  OTEL_RESOURCE_ATTRIBUTES: optional(Type.String(), {
    group: 'telemetry',
    reads: TRACED.slice(),
    readBy: 'the OpenTelemetry SDK',
    defaultText: 'none',
    zh: '追踪的资源属性，如 deployment.environment=production',
    en: 'resource attributes of the traces, e.g. `deployment.environment=production`',
  }),
  OTEL_TRACES_SAMPLER: optional(
    oneOf([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ] as const),
    {
      group: 'telemetry',
      reads: TRACED.slice(),
      defaultText: '`parentbased_always_on`',
      zh: '采样器',
      en: 'the sampler',
    },
  ),
  OTEL_TRACES_SAMPLER_ARG: optional(Type.Number({ minimum: 0, maximum: 1 }), {
    group: 'telemetry',
    reads: TRACED.slice(),
    expect: { zh: '须为 0 到 1 之间的比例', en: 'must be a ratio from 0 to 1' },
    defaultText: '`1`',
    zh: 'traceidratio 采样器的比例',
    en: 'the ratio of the `traceidratio` samplers',
  }),
  OTEL_SDK_DISABLED: optional(oneOf(['true', 'false'] as const), {
    group: 'telemetry',
    reads: TRACED.slice(),
    defaultText: '`false`',
    zh: 'true：关闭追踪（OpenTelemetry 的标准开关）',
    en: '`true` turns tracing off (OpenTelemetry’s standard switch)',
  }),
  OTEL_TRACES_EXPORTER: optional(oneOf(['otlp', 'none'] as const), {
    group: 'telemetry',
    reads: TRACED.slice(),
    defaultText: '`otlp`',
    zh: 'none：关闭追踪',
    en: '`none` turns tracing off',
  }),

  // --- retention ----------------------------------------------------------------------------
  RETENTION_NOTICE_DAYS: withDefault(days(DEFAULT_RETENTION.noticeDays), {
    group: 'retention',
    reads: ['api', 'tools'],
    see: 'retention.md',
    zh: '给人的通知（号码或地址与正文）在发出多少天后删除',
    en: 'days after which notices to people (the phone or address and the text) are deleted',
  }),
  RETENTION_SESSION_DAYS: withDefault(days(DEFAULT_RETENTION.sessionDays), {
    group: 'retention',
    reads: ['api', 'tools'],
    zh: '当事人一次性验证码在签发多少天后删除（确认电子签名的除外）',
    en: 'days after which the parties’ one-time codes are deleted (except one that confirmed an electronic signature)',
  }),
  RETENTION_WEBHOOK_DAYS: withDefault(days(DEFAULT_RETENTION.webhookDays), {
    group: 'retention',
    reads: ['api', 'tools'],
    zh: '已投递或已放弃的 Webhook 投递在多少天后删除',
    en: 'days after which webhook deliveries delivered or given up are deleted',
  }),
  CASE_ARCHIVE_YEARS: withDefault(
    Type.Integer({ minimum: 0, maximum: 100, default: DEFAULT_RETENTION.caseArchiveYears }),
    {
      group: 'retention',
      reads: ['api', 'tools'],
      zh: '结案卷宗完整保存的年数，此后精简为统计所需（0：永不精简；按当地档案规定设置）',
      en: 'years a closed case’s file is kept whole, then reduced to what the statistics need (`0`: never; set it to the local archives’ rule)',
    },
  ),
};

function protocol(zh: string, en: string) {
  return optional(oneOf(['http/protobuf', 'http/json'] as const), {
    group: 'telemetry',
    reads: TRACED.slice(),
    defaultText: '`http/protobuf`',
    zh,
    en,
  });
}
