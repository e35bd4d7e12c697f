/**
 * The notification settings from the environment (validated in config/env.ts with the rest):
 * SMS_PROVIDER=aliyun|http|log, ALIYUN_SMS_ACCESS_KEY_ID/SECRET/SIGN_NAME/TEMPLATE_CODE/ENDPOINT,
 * SMS_GATEWAY_URL/SECRET, SMTP_URL, SMTP_FROM, QUIET_HOURS (default 21:00-08:00 Beijing time, or off).
 * The channels they build are notifications/config.ts's.
 */

/**
 * Quiet hours (免打扰时段), Beijing time: non-urgent notices wait until they end. A window may cross
 * midnight (21:00-08:00, the default) or not (12:00-14:00).
 */
export interface QuietHours {
  /** Minutes after midnight, Beijing time. */
  start: number;
  end: number;
}

export const DEFAULT_QUIET_HOURS = '21:00-08:00';

/** `21:00-08:00`, or `off`; throws a message naming what is wrong. */
export function parseQuietHours(raw: string): QuietHours | undefined {
  if (raw.trim() === 'off') return undefined;
  const m = /^\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]):([0-5]\d)\s*$/.exec(raw);
  if (!m) throw new Error(`"${raw}" is not HH:MM-HH:MM (or off)`);
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (start === end) throw new Error(`"${raw}" is an empty window`);
  return { start, end };
}

export type SmsSettings =
  | { provider: 'log' }
  | { provider: 'http'; url: string; secret: string }
  | {
      provider: 'aliyun';
      accessKeyId: string;
      accessKeySecret: string;
      signName: string;
      templateCode: string;
      endpoint: string;
    };

export interface NotificationConfig {
  sms: SmsSettings;
  /**
   * With SMS_PROVIDER=log, whether the log shows one-time codes and the parties' link tokens: outside
   * production only (a demo logs in with them); in production they are starred out, since whoever
   * reads the log could otherwise sign in as any party.
   */
  logRevealsSecrets?: boolean;
  smtp?: { url: string; from: string };
  quietHours?: QuietHours;
}

const httpUrl = (raw: string | undefined): boolean => {
  try {
    return !!raw && ['http:', 'https:'].includes(new URL(raw).protocol);
  } catch {
    return false;
  }
};

export function parseNotificationEnv(env: NodeJS.ProcessEnv, problems: string[]): NotificationConfig {
  const provider = env.SMS_PROVIDER || 'log';
  let sms: SmsSettings = { provider: 'log' };
  if (provider === 'aliyun') {
    const need = [
      'ALIYUN_SMS_ACCESS_KEY_ID',
      'ALIYUN_SMS_ACCESS_KEY_SECRET',
      'ALIYUN_SMS_SIGN_NAME',
      'ALIYUN_SMS_TEMPLATE_CODE',
    ];
    const missing = need.filter((n) => !env[n]);
    if (missing.length)
      problems.push(
        `SMS_PROVIDER=aliyun 需要 ${missing.join(', ')} / SMS_PROVIDER=aliyun requires ${missing.join(', ')}`,
      );
    const endpoint = env.ALIYUN_SMS_ENDPOINT || 'https://dysmsapi.aliyuncs.com/';
    if (!httpUrl(endpoint))
      problems.push(`ALIYUN_SMS_ENDPOINT 须为 http(s) 地址 / ALIYUN_SMS_ENDPOINT must be an http(s) URL`);
    sms = {
      provider: 'aliyun',
      accessKeyId: env.ALIYUN_SMS_ACCESS_KEY_ID ?? '',
      accessKeySecret: env.ALIYUN_SMS_ACCESS_KEY_SECRET ?? '',
      signName: env.ALIYUN_SMS_SIGN_NAME ?? '',
      templateCode: env.ALIYUN_SMS_TEMPLATE_CODE ?? '',
      endpoint,
    };
  } else if (provider === 'http') {
    if (!httpUrl(env.SMS_GATEWAY_URL))
      problems.push(
        'SMS_PROVIDER=http 需要 SMS_GATEWAY_URL（http(s) 地址）/ SMS_PROVIDER=http requires SMS_GATEWAY_URL (an http(s) URL)',
      );
    if ((env.SMS_GATEWAY_SECRET ?? '').length < 16)
      problems.push(
        'SMS_GATEWAY_SECRET 至少 16 个字符 / SMS_GATEWAY_SECRET (at least 16 characters) is required with SMS_PROVIDER=http',
      );
    sms = { provider: 'http', url: env.SMS_GATEWAY_URL ?? '', secret: env.SMS_GATEWAY_SECRET ?? '' };
  } else if (provider !== 'log') {
    problems.push(
      `SMS_PROVIDER 须为 aliyun、http 或 log / SMS_PROVIDER must be aliyun, http or log (got "${provider}")`,
    );
  }
  let smtp: NotificationConfig['smtp'];
  if (env.SMTP_URL) {
    let ok = false;
    try {
      ok = ['smtp:', 'smtps:'].includes(new URL(env.SMTP_URL).protocol);
    } catch {
      ok = false;
    }
    if (!ok) problems.push('SMTP_URL 须为 smtp:// 或 smtps:// 地址 / SMTP_URL must be an smtp:// or smtps:// URL');
    if (!env.SMTP_FROM || !/^[^@\s<>]+@[^@\s<>]+$|<[^@\s<>]+@[^@\s<>]+>$/.test(env.SMTP_FROM))
      problems.push('SMTP_URL 需要 SMTP_FROM（发件地址）/ SMTP_FROM (the sender address) is required with SMTP_URL');
    smtp = { url: env.SMTP_URL, from: env.SMTP_FROM ?? '' };
  }
  if ((provider !== 'log' || env.SMTP_URL) && env.NODE_ENV === 'production' && !env.PUBLIC_URL?.trim())
    problems.push(
      'PUBLIC_URL 未设置：短信和邮件中的链接需要对外访问地址 / PUBLIC_URL is required with NODE_ENV=production when notices leave by SMS or e-mail (their links)',
    );
  let quietHours: QuietHours | undefined;
  try {
    quietHours = parseQuietHours(env.QUIET_HOURS || DEFAULT_QUIET_HOURS);
  } catch (err) {
    problems.push(
      `QUIET_HOURS 须形如 21:00-08:00 或 off / QUIET_HOURS must look like 21:00-08:00, or off (${(err as Error).message})`,
    );
  }
  return { sms, smtp, quietHours, logRevealsSecrets: env.NODE_ENV !== 'production' };
}
