/**
 * Every environment variable Fengqiao reads, declared once (config/schema.ts explains the fields).
 * Add a variable here, read it through loadConfig (config/env.ts), and run `npm run config:docs`:
 * test/config/schema-docs.test.ts fails while the tables in README.md and docs/operations.md differ
 * from these declarations, and test/config/env-reads.test.ts while code reads a variable not declared.
 * The notices', webhooks' and evidence files' variables are in config/schema-vars-notices.ts, those
 * of one machine, the demo and development in config/schema-vars-local.ts, the production ones
 * (database TLS, telemetry, health, retention) in config/schema-vars-ops.ts.
 */
import { Type } from '@sinclair/typebox';
import { DEFAULT_POOL_MAX } from './database';
import { optional, oneOf, withDefault } from './schema';

const HOST_PORT = '^\\S+:\\d{1,5}$';
const hostPort = { zh: '须为 主机:端口，如 0.0.0.0:9464', en: 'must be host:port, e.g. 0.0.0.0:9464' };
const bool = (value: boolean) => Type.Boolean({ default: value });
const int = (minimum: number, maximum: number, value: number) => Type.Integer({ minimum, maximum, default: value });
const ALL = ['api', 'worker', 'start', 'migrate'] as const;

export const CORE_VARS = {
  // --- server -------------------------------------------------------------------------------
  NODE_ENV: optional(oneOf(['production', 'development', 'test'] as const), {
    group: 'server',
    reads: [...ALL, 'tools'],
    operator: 'required',
    defaultText: 'unset (development)',
    zh: '运行环境。production：API 须有 PUBLIC_URL，每个进程须有 PAYLOAD_KEYS，不写入演示数据，日志隐去验证码和当事人链接',
    en: '`production`: the API requires PUBLIC_URL, every process PAYLOAD_KEYS; no demo data is seeded; one-time codes and party links are starred out in the log',
  }),
  PORT: withDefault(int(1, 65535, 3000), {
    group: 'server',
    reads: ['api', 'start'],
    operator: 'usual',
    zh: 'API 监听端口',
    en: 'the API listener’s port',
  }),
  HOST: withDefault(Type.String({ minLength: 1, default: '127.0.0.1' }), {
    group: 'server',
    reads: ['api', 'start'],
    operator: 'usual',
    zh: 'API 监听地址（容器中为 0.0.0.0）',
    en: 'the API listener’s address (`0.0.0.0` in a container)',
  }),
  PUBLIC_URL: optional(Type.String(), {
    group: 'server',
    reads: ['api', 'worker', 'start'],
    operator: 'required',
    url: ['http:', 'https:'],
    defaultText: '`http://127.0.0.1:<PORT>`; **required** with `NODE_ENV=production` (API)',
    zh: '人们访问 API 的地址，如 https://tiaojie.example.gov.cn：打印在协议书核验链接和二维码、短信和邮件链接中；https 时控制台 Cookie 带 Secure',
    en: 'the address people reach the API at, e.g. `https://tiaojie.example.gov.cn` (a path prefix is kept, a trailing `/` dropped; no credentials, query or fragment): printed in the verification link and QR code of certificates and in the links of SMS and e-mail; `https` also makes the console’s cookie `Secure`',
  }),
  TRUST_PROXY: optional(Type.String(), {
    group: 'server',
    reads: ['api', 'start'],
    operator: 'usual',
    defaultText: 'none: no proxy is believed',
    see: 'security.md#behind-a-reverse-proxy',
    zh: '前置反向代理（其 X-Forwarded-For/-Proto/-Host 可信）：地址或 CIDR 逗号列表（也可 loopback、linklocal、uniquelocal），或代理层数；不接受 true',
    en: 'the reverse proxies in front of the API whose `X-Forwarded-For`, `-Proto` and `-Host` are believed: addresses or CIDRs, comma-separated (`127.0.0.1`, `10.0.0.0/8,fd00::/8`; also `loopback`, `linklocal`, `uniquelocal`), or a hop count (`1`: only when nothing but the proxy can reach the API). `true` is refused',
  }),
  LOG_LEVEL: withDefault(
    oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, { default: 'info' }),
    {
      group: 'server',
      reads: ['api', 'start'],
      zh: 'API 日志级别（pino JSON，输出到 stdout，已脱敏）',
      en: 'the API’s log level (pino JSON on stdout, masked)',
    },
  ),

  // --- database -----------------------------------------------------------------------------
  DATABASE_URL: optional(Type.String({ pattern: '^postgres(ql)?://' }), {
    group: 'database',
    reads: [...ALL, 'tools'],
    operator: 'required',
    secret: true,
    url: ['postgres:', 'postgresql:'],
    expect: {
      zh: '须以 postgres:// 或 postgresql:// 开头（postgres://user:pass@host:5432/fengqiao）',
      en: 'must use postgres: or postgresql: (postgres://user:pass@host:5432/fengqiao)',
    },
    defaultText: 'none (`npm start`: local or embedded); **required** by `api`, `worker`, `migrate`',
    zh: 'PostgreSQL 连接串',
    en: 'the PostgreSQL connection string, `postgres://user:pass@host:5432/db`',
  }),
  DATABASE_POOL_MAX: withDefault(int(1, 200, DEFAULT_POOL_MAX), {
    group: 'database',
    reads: ALL.slice(),
    zh: '每个进程的连接池上限（各进程之和须小于服务器的 max_connections）',
    en: 'connections in each process’s pool (the sum over all processes must stay under the server’s `max_connections`)',
  }),
  DATABASE_DEBUG: optional(oneOf(['0', '1'] as const), {
    group: 'database',
    reads: ALL.slice(),
    defaultText: 'off',
    zh: '1：记录 MikroORM 的查询',
    en: '`1` logs MikroORM’s queries',
  }),

  // --- temporal -----------------------------------------------------------------------------
  TEMPORAL_ADDRESS: optional(Type.String({ pattern: '^\\S+$' }), {
    group: 'temporal',
    reads: ['api', 'worker', 'start', 'tools'],
    operator: 'required',
    readBy: '@temporalio/envconfig',
    expect: { zh: '须为 主机:端口', en: 'must be host:port' },
    defaultText: 'the dev server (`npm start`); `localhost:7233`',
    see: 'operations.md#production',
    zh: 'Temporal 前端地址，如 temporal-frontend:7233 或 <ns>.<acct>.tmprl.cloud:7233',
    en: 'the Temporal frontend, e.g. `temporal-frontend:7233` or `<ns>.<acct>.tmprl.cloud:7233`',
  }),
  TEMPORAL_NAMESPACE: optional(Type.String({ pattern: '^\\S+$' }), {
    group: 'temporal',
    reads: ['api', 'worker', 'start'],
    operator: 'usual',
    readBy: '@temporalio/envconfig',
    expect: { zh: '须为不含空白的名称', en: 'must be a name without spaces' },
    defaultText: '`default`',
    zh: 'Temporal 命名空间',
    en: 'the Temporal namespace',
  }),
  TEMPORAL_API_KEY: optional(Type.String(), {
    group: 'temporal',
    reads: ['api', 'worker', 'start'],
    secret: true,
    readBy: '@temporalio/envconfig',
    defaultText: 'none',
    zh: 'Temporal Cloud 的 API 密钥（隐含 TLS）',
    en: 'a Temporal Cloud API key (implies TLS)',
  }),
  TEMPORAL_TLS: optional(oneOf(['true', 'false', '1', '0'] as const), {
    group: 'temporal',
    reads: ['api', 'worker', 'start'],
    readBy: '@temporalio/envconfig',
    defaultText: 'off (on with an API key or client certificate)',
    zh: '以 TLS 连接 Temporal',
    en: 'connect to Temporal over TLS',
  }),
  TEMPORAL_TLS_CLIENT_CERT_PATH: tls('mTLS 客户端证书文件', 'the mTLS client certificate file'),
  TEMPORAL_TLS_CLIENT_KEY_PATH: tls('mTLS 客户端私钥文件', 'the mTLS client key file'),
  TEMPORAL_TLS_CLIENT_CERT_DATA: tls('mTLS 客户端证书（PEM 文本）', 'the mTLS client certificate, as PEM text'),
  TEMPORAL_TLS_CLIENT_KEY_DATA: tls('mTLS 客户端私钥（PEM 文本）', 'the mTLS client key, as PEM text', true),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: tls('校验服务器的 CA 证书文件', 'the CA certificate file that verifies the server'),
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: tls('校验服务器的 CA 证书（PEM 文本）', 'the CA certificate, as PEM text'),
  TEMPORAL_TLS_SERVER_NAME: tls('TLS 服务器名（SNI）', 'the server name to verify (SNI)'),
  TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: optional(oneOf(['true', 'false', '1', '0'] as const), {
    group: 'temporal',
    reads: ['api', 'worker', 'start'],
    readBy: '@temporalio/envconfig',
    defaultText: 'off',
    zh: '不校验服务器主机名（仅限测试）',
    en: 'skip the server’s host name check (tests only)',
  }),
  TEMPORAL_PROFILE: optional(Type.String(), {
    group: 'temporal',
    reads: ['api', 'worker', 'start'],
    readBy: '@temporalio/envconfig',
    defaultText: '`default`',
    zh: 'temporal.toml 中的配置档',
    en: 'a profile of the `temporal.toml` file',
  }),
  TEMPORAL_CONFIG_FILE: optional(Type.String(), {
    group: 'temporal',
    reads: ['api', 'worker', 'start'],
    readBy: '@temporalio/envconfig',
    defaultText: 'the CLI’s (`~/.config/temporalio/temporal.toml`)',
    zh: 'Temporal 配置文件路径',
    en: 'the path of the Temporal configuration file',
  }),
  PAYLOAD_KEYS: optional(Type.String(), {
    group: 'temporal',
    reads: ['api', 'worker', 'start'],
    operator: 'required',
    secret: true,
    defaultText:
      'outside production: one key generated into `data/payload-keys.json`; **required** with `NODE_ENV=production`',
    see: 'operations.md#reading-case-histories-the-temporal-ui-and-cli',
    zh: '加密 Temporal 所存全部载荷的密钥（AES-256-GCM）：id:base64密钥,…，每个 32 随机字节（openssl rand -base64 32）；每个 API 和 worker 进程须相同',
    en: 'the keys that encrypt every payload Temporal stores (AES-256-GCM): `id:base64key,…`, each 32 random bytes (`openssl rand -base64 32`), ids of letters, digits, `.`, `_`, `-`. Every API and worker process needs the same list',
  }),
  PAYLOAD_KEY_ID: optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }), {
    group: 'temporal',
    reads: ['api', 'worker', 'start'],
    expect: {
      zh: '须由字母、数字、.、_、- 组成（至多 64 个）',
      en: "must be letters, digits, '.', '_' or '-' (up to 64)",
    },
    defaultText: 'the only key of `PAYLOAD_KEYS`',
    zh: '新载荷使用的密钥 id（仅一个密钥时可省略）',
    en: 'the id of the key new payloads use (optional with one key)',
  }),
  CODEC_CORS_ORIGINS: optional(Type.String(), {
    group: 'temporal',
    reads: ['api', 'start'],
    defaultText: 'none (`npm start`: its Temporal UI, `http://127.0.0.1:8233` and `http://localhost:8233`)',
    zh: '可携带管理员凭据调用 /codec 的页面来源（Temporal UI 的），逗号分隔',
    en: 'origins whose pages may call the codec endpoint `/codec` with the admin’s credentials: the Temporal UI’s, e.g. `https://temporal.example.org`, comma-separated',
  }),
  STAGE_SEARCH_ATTRIBUTES: withDefault(bool(false), {
    group: 'temporal',
    reads: ['api', 'start'],
    zh: 'true：新案件也把阶段和期限写入 Temporal 的搜索属性（每次变更写一次可见性存储）',
    en: '`true`: new cases mirror their stage and deadlines into Temporal’s search attributes too (each change a write to its visibility store; see bench/README.md)',
  }),

  // --- worker -------------------------------------------------------------------------------
  WORKER_LOG_LEVEL: withDefault(
    oneOf(['trace', 'debug', 'info', 'warn', 'error', 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const, {
      default: 'warn',
    }),
    {
      group: 'worker',
      reads: ['worker', 'start'],
      expect: {
        zh: '须为 trace、debug、info、warn、error 之一（大小写均可）',
        en: 'must be one of trace, debug, info, warn, error (upper case too)',
      },
      zh: 'worker 日志级别（pino JSON，已脱敏；也接受大写）',
      en: 'the worker’s log level (pino JSON, masked like the API’s; upper case too)',
    },
  ),
  WORKER_METRICS_ADDRESS: optional(Type.String({ pattern: HOST_PORT }), {
    group: 'worker',
    reads: ['worker', 'start'],
    expect: hostPort,
    defaultText: 'none',
    zh: 'worker 以 Prometheus 格式提供 SDK 的 Temporal 指标的地址',
    en: '`host:port` where the worker serves the SDK’s Temporal metrics for Prometheus',
  }),
  WORKER_MAX_CACHED_WORKFLOWS: optional(Type.Integer({ minimum: 0, maximum: 1_000_000 }), {
    group: 'worker',
    reads: ['worker', 'start'],
    defaultText: 'the SDK’s (from the heap)',
    zh: 'worker 在内存中保留的案件数；每 1000 个约 0.37 GB RSS；被逐出的案件在唤醒时重放',
    en: 'cases a worker keeps in memory; about 0.37 GB RSS per 1,000 (bench); evicted cases replay when they wake',
  }),

  // --- accounts, limits and monitoring ------------------------------------------------------
  TOKEN_TTL_SECONDS: withDefault(int(60, 30 * 24 * 3600, 8 * 3600), {
    group: 'accounts',
    reads: ['api', 'start'],
    zh: '工作人员令牌和会话的有效期（秒）',
    en: 'lifetime of a staff token or session, in seconds',
  }),
  SESSION_IDLE_SECONDS: withDefault(int(60, 30 * 24 * 3600, 1800), {
    group: 'accounts',
    reads: ['api', 'start'],
    zh: '工作人员会话闲置这么久即结束，其告警流随之关闭',
    en: 'a staff session without a request this long ends; its alert streams close',
  }),
  LOGIN_LOCKOUT_ATTEMPTS: withDefault(int(1, 100, 5), {
    group: 'accounts',
    reads: ['api', 'start'],
    see: 'security.md#accounts-and-sessions',
    zh: '连续输错多少次密码锁定账号',
    en: 'wrong passwords in a row that lock an account',
  }),
  LOGIN_LOCKOUT_SECONDS: withDefault(int(1, 24 * 3600, 60), {
    group: 'accounts',
    reads: ['api', 'start'],
    zh: '首次锁定的秒数，此后每次加倍',
    en: 'how long the first lockout lasts, doubling at each further one',
  }),
  LOGIN_LOCKOUT_MAX_SECONDS: withDefault(int(1, 7 * 24 * 3600, 3600), {
    group: 'accounts',
    reads: ['api', 'start'],
    zh: '锁定时长上限（不得小于 LOGIN_LOCKOUT_SECONDS）；管理员可解除',
    en: 'the longest lockout (at least `LOGIN_LOCKOUT_SECONDS`); an admin lifts it',
  }),
  ALERT_STREAMS_PER_SESSION: withDefault(int(1, 100, 3), {
    group: 'accounts',
    reads: ['api', 'start'],
    zh: '一个会话在一个 API 进程中可同时打开的告警流（再多：429）',
    en: 'open alert streams one staff session may hold in one API process (one more: 429)',
  }),
  RATE_LIMIT_PER_KEY: withDefault(int(1, 1_000_000, 600), {
    group: 'accounts',
    reads: ['api', 'start'],
    zh: '每个凭据每分钟的请求数（429 带 Retry-After；在 PostgreSQL 中计数，各 API 进程共享）',
    en: 'requests a minute per credential (429 with `Retry-After` and `RateLimit-*`; counted in PostgreSQL, shared by every API process)',
  }),
  RATE_LIMIT_PER_IP: withDefault(int(1, 1_000_000, 1200), {
    group: 'accounts',
    reads: ['api', 'start'],
    zh: '每个客户端地址每分钟的请求数（地址按 TRUST_PROXY 解析）',
    en: 'requests a minute per client address (the proxy’s unless `TRUST_PROXY` names it)',
  }),
  RATE_LIMIT_LOGIN_PER_IP: withDefault(int(1, 10_000, 20), {
    group: 'accounts',
    reads: ['api', 'start'],
    zh: '每个地址每分钟在每个登录入口的尝试次数（协议核验另计）',
    en: 'login attempts a minute per address on each login route (agreement verifications counted apart). Keep the limits on in production',
  }),
  METRICS_TOKEN: optional(Type.String({ minLength: 16, pattern: '^\\S+$' }), {
    group: 'accounts',
    reads: ['api', 'start'],
    operator: 'usual',
    secret: true,
    expect: { zh: '至少 16 个字符且不含空白', en: 'must be at least 16 characters, without spaces' },
    defaultText: 'none',
    zh: 'GET /metrics 的 Bearer 令牌；未设置时仅回答直接来自本机回环地址的请求（HOST 为回环时）',
    en: 'bearer token for `GET /metrics`; when set it is always required. Without it `/metrics` answers only when `HOST` is loopback and the request comes from loopback directly (no `X-Forwarded-For`, `Forwarded` or `X-Real-IP`); else 404',
  }),
  ADMIN_PASSWORD: optional(Type.String({ minLength: 12 }), {
    group: 'accounts',
    reads: ['tools'],
    secret: true,
    defaultText: 'a random one, printed once',
    zh: 'npm run admin:create 创建的第一个管理员的密码（至少 12 个字符）',
    en: 'the password of the first administrator `npm run admin:create` makes (at least 12 characters)',
  }),

  // --- cases --------------------------------------------------------------------------------
  OFFICE_HOURS: optional(Type.String(), {
    group: 'cases',
    reads: ['api', 'worker', 'start'],
    defaultText: '`08:30-12:00,14:30-17:30`',
    zh: 'cn-workdays 日历的办公时间（北京时间）',
    en: 'office hours of the `cn-workdays` calendar (Asia/Shanghai)',
  }),
  OPEN311_NEAREST_METRES: withDefault(int(10, 100_000, 1500), {
    group: 'cases',
    reads: ['api', 'start'],
    zh: 'Open311 只带经纬度的报告：在此半径内就近派给网格（否则社区）',
    en: 'how far a GeoReport `lat`/`long` may be from a grid’s (else a community’s) recorded point to be routed there',
  }),

  // --- documents ----------------------------------------------------------------------------
  CHROMIUM_PATH: optional(Type.String(), {
    group: 'documents',
    reads: ['api', 'start', 'tools'],
    defaultText: '`/usr/bin/chromium` if installed',
    see: 'operations.md#pdfs-chromium-and-cjk-fonts',
    zh: '生成 PDF 文书的浏览器（HTML 总可用；无浏览器时 PDF 为 501）',
    en: 'the browser for PDF documents (HTML is always available; without one a PDF is a 501)',
  }),
  PDF_CONCURRENCY: withDefault(int(1, 32, 2), {
    group: 'documents',
    reads: ['api', 'start'],
    zh: '每个 API 进程同时渲染的 PDF 页数（每页约一个 Chromium 渲染进程）',
    en: 'PDFs one API process renders at once (each about one Chromium renderer process)',
  }),
  PDF_QUEUE_MAX: withDefault(int(0, 1000, 20), {
    group: 'documents',
    reads: ['api', 'start'],
    zh: '排队等待渲染的 PDF 上限；再多即回答 503 和 Retry-After',
    en: 'PDFs waiting for a renderer; one more is answered 503 with `Retry-After`',
  }),
  PDF_QUEUE_TIMEOUT_MS: withDefault(int(100, 600_000, 30_000), {
    group: 'documents',
    reads: ['api', 'start'],
    zh: '一个 PDF 最多排队的毫秒数；超时回答 503 和 Retry-After',
    en: 'how long a PDF may wait for a renderer, in ms; then 503 with `Retry-After`',
  }),
};

function tls(zh: string, en: string, secret = false) {
  return optional(Type.String(), {
    group: 'temporal',
    reads: ['api', 'worker', 'start'],
    readBy: '@temporalio/envconfig',
    secret: secret || undefined,
    defaultText: 'none',
    zh,
    en,
  });
}
