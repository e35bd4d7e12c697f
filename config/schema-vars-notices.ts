/**
 * The variables of webhooks, notices to people (config/notifications.ts) and evidence files
 * (config/attachments.ts), declared as in config/schema-vars.ts. Their rules between variables
 * (S3_BUCKET with ATTACHMENT_STORE=s3, the Aliyun keys with SMS_PROVIDER=aliyun, …) stay in those
 * modules, which run after the schema pass.
 */
import { Type } from '@sinclair/typebox';
import { DEFAULT_ATTACHMENT_LIMITS } from './attachments';
import { DEFAULT_QUIET_HOURS } from './notifications';
import { optional, oneOf, withDefault } from './schema';

const HTTP = ['http:', 'https:'];
const httpPattern = '^https?://';
const httpExpect = { zh: '须为 http(s) 地址', en: 'must be an http(s) URL' };
const NOTICES = ['worker', 'start'] as const;

export const NOTICE_VARS = {
  // --- webhooks -----------------------------------------------------------------------------
  WEBHOOK_RETRY_INITIAL_MS: withDefault(Type.Integer({ minimum: 10, maximum: 3_600_000, default: 5000 }), {
    group: 'webhooks',
    reads: ['worker', 'start'],
    zh: 'Webhook 投递首次重试的间隔（毫秒），此后加倍至 10 分钟',
    en: 'first retry delay of a webhook delivery, in ms (doubling up to 10 min)',
  }),
  WEBHOOK_MAX_ATTEMPTS: withDefault(Type.Integer({ minimum: 1, maximum: 100, default: 10 }), {
    group: 'webhooks',
    reads: ['worker', 'start'],
    zh: '一次 Webhook 投递的尝试次数',
    en: 'attempts of a webhook delivery',
  }),
  WEBHOOK_ALLOW_PRIVATE: withDefault(Type.Boolean({ default: false }), {
    group: 'webhooks',
    reads: ['api', 'worker', 'start'],
    see: 'security.md#hostile-requests-5xx-ssrf-enumeration',
    zh: 'true：允许非公网单播地址作为目标（仅限测试）',
    en: '`true` allows targets that are not public unicast addresses (tests only)',
  }),
  NOTICE_WEBHOOK_URL: optional(Type.String({ pattern: httpPattern }), {
    group: 'webhooks',
    reads: ['worker', 'start'],
    url: HTTP,
    expect: httpExpect,
    defaultText: 'none (notices go to the log)',
    zh: '会议通知和提醒 POST 到的地址（与 Webhook 一样签名）',
    en: 'where summonses and reminders are POSTed as JSON (signed like webhooks)',
  }),
  NOTICE_WEBHOOK_SECRET: optional(Type.String({ minLength: 16 }), {
    group: 'webhooks',
    reads: ['worker', 'start'],
    secret: true,
    defaultText: 'none; **required** with the URL',
    zh: '通知 Webhook 的 HMAC 密钥（至少 16 个字符）',
    en: 'the notice webhook’s HMAC secret (at least 16 characters)',
  }),

  // --- SMS and e-mail -----------------------------------------------------------------------
  SMS_PROVIDER: withDefault(oneOf(['aliyun', 'http', 'log'] as const, { default: 'log' }), {
    group: 'notifications',
    reads: ['api', ...NOTICES],
    operator: 'usual',
    see: 'operations.md#notices-to-people-sms-and-e-mail',
    zh: '短信渠道：aliyun（阿里云短信 SendSms）、http（通用网关）或 log（写入日志）',
    en: '`aliyun` (阿里云短信服务 Dysmsapi `SendSms`), `http` (a generic gateway) or `log`',
  }),
  ALIYUN_SMS_ACCESS_KEY_ID: aliyun('仅限短信的 RAM 用户 AccessKey ID', 'a RAM user’s access key id, limited to SMS'),
  ALIYUN_SMS_ACCESS_KEY_SECRET: aliyun('该 AccessKey 的密钥', 'its access key secret', true),
  ALIYUN_SMS_SIGN_NAME: aliyun('已审核的短信签名', 'the approved signature (签名)'),
  ALIYUN_SMS_TEMPLATE_CODE: aliyun(
    '通知模板（唯一变量为 ${content}）',
    'a notification template (模板) whose only variable is `${content}`',
  ),
  ALIYUN_SMS_ENDPOINT: withDefault(Type.String({ pattern: httpPattern, default: 'https://dysmsapi.aliyuncs.com/' }), {
    group: 'notifications',
    reads: ['api', ...NOTICES],
    url: HTTP,
    expect: httpExpect,
    zh: '短信服务的接入地址（测试指向本机接收端）',
    en: 'the provider’s endpoint (tests point it at a loopback receiver)',
  }),
  SMS_GATEWAY_URL: optional(Type.String({ pattern: httpPattern }), {
    group: 'notifications',
    reads: ['api', ...NOTICES],
    url: HTTP,
    expect: httpExpect,
    defaultText: 'none; **required** with `http`',
    zh: '通用短信网关地址：POST {to, text, key}，与 Webhook 一样签名',
    en: 'the gateway’s URL: `POST {to, text, key}`, signed like webhooks',
  }),
  SMS_GATEWAY_SECRET: optional(Type.String({ minLength: 16 }), {
    group: 'notifications',
    reads: ['api', ...NOTICES],
    secret: true,
    defaultText: 'none; **required** with `http`',
    zh: '短信网关的 HMAC 密钥（至少 16 个字符）',
    en: 'the gateway’s HMAC secret (at least 16 characters)',
  }),
  SMTP_URL: optional(Type.String({ pattern: '^smtps?://' }), {
    group: 'notifications',
    reads: NOTICES.slice(),
    operator: 'usual',
    secret: true,
    url: ['smtp:', 'smtps:'],
    expect: { zh: '须为 smtp:// 或 smtps:// 地址', en: 'must be an smtp:// or smtps:// URL' },
    defaultText: 'none (e-mail to the log)',
    zh: '发信服务器 smtp:// 或 smtps://user:pass@host:port',
    en: '`smtp://` or `smtps://user:pass@host:port`',
  }),
  SMTP_FROM: optional(Type.String({ minLength: 3 }), {
    group: 'notifications',
    reads: NOTICES.slice(),
    defaultText: 'none; **required** with `SMTP_URL`',
    zh: '发件地址，如 枫桥调解 <noreply@example.gov.cn>',
    en: 'the sender address, e.g. `枫桥调解 <noreply@example.gov.cn>`',
  }),
  QUIET_HOURS: withDefault(
    Type.String({
      pattern: '^\\s*(off|([01]\\d|2[0-3]):[0-5]\\d\\s*-\\s*([01]\\d|2[0-3]):[0-5]\\d)\\s*$',
      default: DEFAULT_QUIET_HOURS,
    }),
    {
      group: 'notifications',
      reads: NOTICES.slice(),
      expect: { zh: '须形如 21:00-08:00 或 off', en: 'must look like 21:00-08:00, or off' },
      zh: '北京时间的免打扰时段，非紧急通知延后发送（off 为随时发送）；验证码和高风险告警从不等待',
      en: 'Beijing time during which non-urgent notices wait (`off` to send at any hour); one-time codes and high-risk alerts never wait',
    },
  ),

  // --- evidence files -----------------------------------------------------------------------
  ATTACHMENT_STORE: withDefault(oneOf(['pg', 's3'] as const, { default: 'pg' }), {
    group: 'attachments',
    reads: ['api', 'worker', 'start'],
    operator: 'usual',
    see: 'operations.md#evidence-files-postgresql-or-s3',
    zh: '证据文件存放处：pg（案件数据库中 256 KiB 的行）或 s3（任何 S3 兼容对象存储）',
    en: 'where evidence files are kept: `pg` (rows of 256 KiB in `attachment_chunks`, in the case database) or `s3` (any S3-compatible object store)',
  }),
  S3_BUCKET: optional(Type.String({ minLength: 1 }), {
    group: 'attachments',
    reads: ['api', 'worker', 'start'],
    defaultText: 'none; **required** with `s3`',
    zh: '存储桶（预先创建；保持私有，按保存规定开启版本控制或对象锁定）',
    en: 'the bucket (create it beforehand; keep it private, with versioning or object lock if the office’s retention rules ask for it)',
  }),
  S3_REGION: withDefault(Type.String({ minLength: 1, default: 'us-east-1' }), {
    group: 'attachments',
    reads: ['api', 'worker', 'start'],
    zh: '区域',
    en: 'the region',
  }),
  S3_ENDPOINT: optional(Type.String({ pattern: httpPattern }), {
    group: 'attachments',
    reads: ['api', 'worker', 'start'],
    url: HTTP,
    expect: httpExpect,
    defaultText: 'AWS',
    zh: 'S3 兼容服务器的地址（MinIO、云厂商 OSS/COS 的 S3 接口）',
    en: 'an S3-compatible server’s URL (MinIO, a cloud’s OSS/COS S3 endpoint)',
  }),
  S3_FORCE_PATH_STYLE: withDefault(Type.Boolean({ default: false }), {
    group: 'attachments',
    reads: ['api', 'worker', 'start'],
    zh: '路径式寻址（MinIO 和多数兼容服务器为 true）',
    en: 'path-style addressing (`true` for MinIO and most S3-compatible servers)',
  }),
  S3_ACCESS_KEY_ID: optional(Type.String(), {
    group: 'attachments',
    reads: ['api', 'worker', 'start'],
    defaultText: 'the SDK’s default chain',
    zh: '访问密钥 ID（与 S3_SECRET_ACCESS_KEY 同设或同不设）',
    en: 'the access key id (both or neither with `S3_SECRET_ACCESS_KEY`)',
  }),
  S3_SECRET_ACCESS_KEY: optional(Type.String(), {
    group: 'attachments',
    reads: ['api', 'worker', 'start'],
    secret: true,
    defaultText: 'the SDK’s default chain',
    zh: '访问密钥',
    en: 'the secret access key',
  }),
  ATTACHMENT_MAX_BYTES: withDefault(
    Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024, default: DEFAULT_ATTACHMENT_LIMITS.maxBytes }),
    {
      group: 'attachments',
      reads: ['api', 'start'],
      zh: '单个文件的字节上限（超出 413）',
      en: 'bytes per file (413 above)',
    },
  ),
  ATTACHMENT_MAX_PER_CASE: withDefault(
    Type.Integer({ minimum: 1, maximum: 1000, default: DEFAULT_ATTACHMENT_LIMITS.maxPerCase }),
    {
      group: 'attachments',
      reads: ['api', 'start'],
      zh: '每个案件的文件数上限（超出 409）',
      en: 'files per case (409 above)',
    },
  ),
};

function aliyun(zh: string, en: string, secret = false) {
  return optional(Type.String({ minLength: 1 }), {
    group: 'notifications',
    reads: ['api', ...NOTICES],
    secret: secret || undefined,
    defaultText: 'none; **required** with `aliyun`',
    zh,
    en,
  });
}
